"""Validation at the edge: pydantic schemas, and their failures as one ``UserError`` line.

Every config, run directory, cohort directory and model file is checked against a schema
before anything uses it: types (strict: ``"3"`` is not an integer, ``true`` is not a
number), finiteness (NaN and ±inf are refused for every float), ranges and sizes. The first
problem becomes one line naming the source and the key, e.g.
``configs/x.yaml: env.safety.low_recovery_threshold must be a finite number, got nan``.

The annotated types below are the building blocks of those schemas (``Finite``,
``Count``, ``Seed``); a dataclass becomes a schema with ``schema_config`` (unknown keys are
refused) and is validated with ``validate``.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Annotated, Any, TypeVar

from pydantic import ConfigDict, Field, Strict, TypeAdapter, ValidationError

from periodization.core.errors import UserError

T = TypeVar("T")

SEED_MAX = 2**63 - 1
"""Seeds are non-negative and below 2⁶³: they key unsigned 64-bit random streams, and
``torch.manual_seed`` takes nothing larger."""

Finite = Annotated[float, Strict(), Field(allow_inf_nan=False)]
"""A finite float; integers are accepted, booleans and strings are not."""

StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
StrictStr = Annotated[str, Strict()]

Seed = Annotated[int, Strict(), Field(ge=0, le=SEED_MAX)]

SCHEMA = ConfigDict(extra="forbid", validate_default=False, defer_build=True)
"""Config of every schema dataclass: unknown keys are errors (a typo is not a default)."""


def Count(lo: int, hi: int) -> Any:
    """An integer in [lo, hi] (no bool, no float, no string)."""
    return Annotated[int, Strict(), Field(ge=lo, le=hi)]


def Real(ge: float | None = None, le: float | None = None, *, gt: float | None = None,
         lt: float | None = None) -> Any:
    """A finite float within the given bounds (≥ ge, ≤ le, > gt, < lt)."""
    return Annotated[float, Strict(), Field(allow_inf_nan=False, ge=ge, le=le, gt=gt, lt=lt)]


@functools.lru_cache(maxsize=64)
def _adapter(tp: Any) -> TypeAdapter:
    return TypeAdapter(tp)


def validate(tp: type[T] | Any, data: Any, *, source: str) -> T:
    """``data`` as ``tp`` (a schema dataclass, TypedDict or annotated type); ``UserError``
    with one line naming ``source`` and the first key at fault."""
    try:
        return _adapter(tp).validate_python(data)
    except ValidationError as exc:
        raise UserError(f"{source}: {describe(exc, tp)}") from None
    except (TypeError, ValueError) as exc:  # raised by a __post_init__ outside pydantic
        raise UserError(f"{source}: {one_line(str(exc))}") from None


def describe(exc: ValidationError, tp: Any = None) -> str:
    """The first error of ``exc`` in words: ``key must be …, got …``."""
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in err["loc"])
    loc = loc.replace(".[", "[")
    kind, ctx = err["type"], err.get("ctx") or {}
    got = show(err.get("input"))
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        known = _known_keys(tp, err["loc"][:-1])
        tail = f" (known: {one_line(', '.join(known), 150)})" if known else ""
        return f"unknown key '{loc}'{tail}"
    if kind == "invalid_key":
        return f"key {got} is not a string"
    if kind in ("value_error", "assertion_error"):
        reason = str(ctx.get("error", err["msg"]))
        return f"{loc}: {reason}" if loc else reason
    what = _PHRASES.get(kind)
    if what is None:
        what = _bound_phrase(kind, ctx) or err["msg"][0].lower() + err["msg"][1:]
    elif "{" in what:
        what = what.format(**{k: _fmt(v) for k, v in ctx.items()})
    subject = loc or "the top level"
    return f"{subject} must be {what}, got {got}" if not what.startswith("is ") else \
        f"{subject} {what}"


_PHRASES = {
    "int_type": "an integer", "int_from_float": "an integer", "int_parsing": "an integer",
    "float_type": "a number", "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "string_type": "a string",
    "literal_error": "one of {expected}",
    "dataclass_type": "a mapping", "dict_type": "a mapping", "model_type": "a mapping",
    "tuple_type": "a list", "list_type": "a list",
    "missing": "is required",
    "too_short": "a list of at least {min_length} items",
    "too_long": "a list of at most {max_length} items",
    "string_too_long": "a string of at most {max_length} characters",
    "string_too_short": "a string of at least {min_length} characters",
    "string_pattern_mismatch": "a string matching {pattern}",
}


def _bound_phrase(kind: str, ctx: dict) -> str | None:
    signs = {"greater_than_equal": ("≥", "ge"), "less_than_equal": ("≤", "le"),
             "greater_than": (">", "gt"), "less_than": ("<", "lt")}
    if kind in signs:
        sign, key = signs[kind]
        return f"{sign} {_fmt(ctx.get(key))}"
    return None


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).replace("'", "")


def _known_keys(tp: Any, loc: tuple) -> list[str]:
    import dataclasses
    import typing

    cls = tp
    for part in loc:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            return []
        hints = typing.get_type_hints(cls, include_extras=False)
        cls = hints.get(str(part))
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls) if f.init]
    return []


def show(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for a message, on one line and at most ``limit`` characters."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    text = one_line(repr(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Characters that steer a terminal or a line-based format rather than show: C0/C1
# controls (ESC, CR, BEL …), the Unicode line and paragraph separators and the bidi
# overrides and isolates (which reorder what is shown). Other invisible characters —
# no-break spaces, zero-width joiners in emoji or Persian — are text and stay.
_STEERING = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_steering(c: str) -> bool:
    """``c`` is a control character, a line separator or a bidi override (see above)."""
    return c in _STEERING or unicodedata.category(c) == "Cc"


def one_line(text: str, limit: int = 240) -> str:
    """``text`` as one printable line of at most ``limit`` characters: control characters
    (newlines, escape sequences a file may carry) become spaces or ``?``."""
    flat = " ".join(text.split())
    clean = "".join(c if c.isprintable() else "?" for c in flat)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
