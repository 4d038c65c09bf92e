"""Kernels compiled by numba only when a batch is worth it.

``njit`` replaces ``numba.njit`` for the project's kernels. A decorated function is a
``Kernel``: called normally it is compiled on first use (``numba.njit`` with the same
options, ``cache=True`` kernels loaded from numba's on-disk cache) and runs compiled.
Inside ``interpreted()`` it runs as plain Python instead, and numba is not even
imported: for one athlete's ``recommend`` the loops are short, while importing numba and
loading cached machine code costs about a second of start-up (numba's LLVM target and
scipy). The kernels are written so both ways compute the same numbers (a test holds it).

Compiling a kernel compiles the kernels it calls first and gives numba a copy of the
module's globals in which each ``Kernel`` is its compiled dispatcher, so calls between
kernels (and ``inline="always"``) work as with plain ``numba.njit``.
"""

from __future__ import annotations

import contextlib
import functools
import types
from collections.abc import Callable, Iterator
from typing import Any

_interpreted = 0  # depth of nested ``interpreted()`` blocks


@contextlib.contextmanager
def interpreted() -> Iterator[None]:
    """Run every ``Kernel`` called inside as plain Python (no numba)."""
    global _interpreted
    _interpreted += 1
    try:
        yield
    finally:
        _interpreted -= 1


def is_interpreted() -> bool:
    return _interpreted > 0


class Kernel:
    """A numba kernel compiled lazily; see the module docstring."""

    def __init__(self, func: Callable, options: dict[str, Any]) -> None:
        self.py_func = func
        self.options = options
        self._dispatcher: Any = None
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any) -> Any:
        if _interpreted:
            return self.py_func(*(_as_records(a) for a in args))
        return self.dispatcher(*args)

    @property
    def dispatcher(self) -> Any:
        """The ``numba.njit`` dispatcher (compiling the kernels this one calls first)."""
        if self._dispatcher is None:
            import numba

            module_globals = self.py_func.__globals__
            patched = dict(module_globals)
            for name in self.py_func.__code__.co_names:
                value = module_globals.get(name)
                if isinstance(value, Kernel) and value is not self:
                    patched[name] = value.dispatcher
                elif isinstance(value, types.ModuleType) and _has_kernels(value):
                    patched[name] = _compiled_module(value)
            func = types.FunctionType(self.py_func.__code__, patched, self.py_func.__name__,
                                      self.py_func.__defaults__, self.py_func.__closure__)
            func.__qualname__ = self.py_func.__qualname__
            func.__module__ = self.py_func.__module__
            func.__doc__ = self.py_func.__doc__
            self._dispatcher = numba.njit(**self.options)(func)
        return self._dispatcher


def _as_records(value: Any) -> Any:
    """Structured arrays as plain Python reads them: ``recarray`` views, whose rows take
    attribute access (``P[i].fatigue_gain``) the way numba's records do."""
    import numpy as np

    if isinstance(value, np.ndarray) and value.dtype.names and not isinstance(
            value, np.recarray):
        return value.view(np.recarray)
    return value


def _has_kernels(module: types.ModuleType) -> bool:
    return any(isinstance(v, Kernel) for v in vars(module).values())


_MODULES: dict[str, types.ModuleType] = {}


def _compiled_module(module: types.ModuleType) -> types.ModuleType:
    """A stand-in module whose kernels are dispatchers (``K.transition_row`` inside a
    kernel, with ``K`` the athlete-model kernels module)."""
    if module.__name__ not in _MODULES:
        proxy = types.ModuleType(module.__name__)
        for key, value in vars(module).items():
            setattr(proxy, key, value.dispatcher if isinstance(value, Kernel) else value)
        _MODULES[module.__name__] = proxy
    return _MODULES[module.__name__]


def njit(func: Callable | None = None, **options: Any) -> Any:
    """``@njit`` / ``@njit(cache=True, inline="always")`` → a ``Kernel``."""
    if func is None:
        return lambda f: Kernel(f, options)
    return Kernel(func, options)
