"""Reading YAML that a person wrote (configs, priors) or that came with a run directory.

PyYAML's ``safe_load`` builds no objects but is lax in three ways that matter here, each
closed by ``StrictLoader``:

* a key given twice silently keeps the last value, so a typo'd second ``low_recovery``
  could switch a safety rule off: duplicate keys are an error naming the key and line;
* YAML 1.1 reads ``3e-4`` (no dot) as a string: floats are read by YAML 1.2's rule;
* anchors and aliases let a 1 kB file stand for a billion-element tree that any later walk
  would expand (the "billion laughs"): configs have no use for them, so they are refused;
* nesting is unbounded (10 kB of ``[`` exhausts Python's recursion) and an integer may
  have any number of digits (over 4300, Python refuses to convert it): nesting deeper
  than ``MAX_DEPTH`` and integers longer than ``MAX_INT_DIGITS`` are refused.

Files larger than ``MAX_BYTES`` are refused before they are parsed.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml

from periodization.core.errors import UserError

MAX_BYTES = 1_000_000  # a config is a few kB; a megabyte is not a config
MAX_DEPTH = 50  # configs and priors nest 3-4 levels
MAX_INT_DIGITS = 100  # no setting needs an integer beyond 1e100


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without duplicate keys or aliases, with YAML 1.2 floats."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed", event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: Any) -> Any:
        if sum(c.isdigit() for c in str(node.value)) > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of more than {MAX_INT_DIGITS} digits", node.start_mark)
        return super().construct_yaml_int(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key: the base class reports it
                    break
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} is given twice", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_FLOAT_12 = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12,
                                   list("-+0123456789."))


def parse_yaml(text: str) -> Any:
    """``text`` parsed by ``StrictLoader`` (``yaml.YAMLError`` on any problem)."""
    return yaml.load(text, Loader=StrictLoader)


def load_yaml(path: str | Path, *, what: str) -> Any:
    """A YAML file's content; ``UserError`` (one line naming ``what`` and the file) if it is
    missing, too large, unreadable or not valid YAML."""
    path = Path(path)
    try:
        info = path.stat()  # before open(), which would block on a named pipe
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"{what} {path} is not a regular file")
        if info.st_size > MAX_BYTES:
            raise UserError(f"{what} {path} is larger than {MAX_BYTES // 1000} kB")
        with path.open("rb") as fh:
            text = fh.read(MAX_BYTES + 1).decode("utf-8")
    except FileNotFoundError:
        raise UserError(f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise UserError(f"cannot read {what} {path}: {reason}") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        raise UserError(f"cannot read {what} {path}: {_yaml_reason(exc)}") from None


def _yaml_reason(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem:
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"{' '.join(str(problem).split())}{where}"
    return " ".join(str(exc).split()[:20]) or type(exc).__name__
