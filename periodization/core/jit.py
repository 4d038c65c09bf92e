"""Kernels compiled by numba only when a batch is worth it.

``njit`` replaces ``numba.njit`` for the project's kernels. A decorated function is a
``Kernel``: called normally it is compiled on first use (``numba.njit`` with the same
options, ``cache=True`` kernels loaded from numba's on-disk cache) and runs compiled.
Inside ``interpreted()`` it runs as plain Python instead, and numba is not even
imported: for one athlete's ``recommend`` the loops are short, while importing numba and
loading cached machine code costs about a second of start-up (numba's LLVM target and
scipy). The kernels are written so both ways compute the same numbers (a test holds it).
Interpreted, a structured array argument becomes ``Rows`` (attribute access to a field
costs a dict lookup once read, not a numpy record's ~2 µs), and kernels called from a
kernel get their arguments as they are: one athlete's year of replays runs ~3× faster.

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
_inside = 0  # depth of interpreted kernel calls: nested ones get their arguments as they are


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
        self._ready = False  # machine code for the first call's argument types is loaded
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any) -> Any:
        if _interpreted:
            global _inside
            if _inside:  # called from a kernel: its records are already rows
                return self.py_func(*args)
            _inside += 1
            try:
                return self.py_func(*[_as_records(a) for a in args])
            finally:
                _inside -= 1
        if not self._ready:
            self._prepare(args)
        return self.dispatcher(*args)

    def _prepare(self, args: tuple[Any, ...]) -> None:
        """Compile (or load from numba's cache) the machine code for these argument types
        before the first call, with Ctrl-C held until it is done: numba calls back into
        Python from LLVM through ctypes, and a KeyboardInterrupt raised inside such a
        callback is printed as "Exception ignored" and lost instead of stopping the command.
        The call itself then runs with Ctrl-C as usual."""
        dispatcher = self.dispatcher
        with _ctrl_c_held():
            dispatcher.compile(tuple(dispatcher.typeof_pyval(a) for a in args))
        self._ready = True

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


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block and raise it as ``KeyboardInterrupt``
    when the block ends. Only where Ctrl-C would raise anyway (the main thread with
    Python's default handler); anywhere else the block runs as it is."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    held: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if held:
        raise KeyboardInterrupt


def _as_records(value: Any) -> Any:
    """Structured arrays as plain Python reads them: ``Rows``, whose rows take attribute
    access (``P[i].fatigue_gain``) the way numba's records do."""
    import numpy as np

    if isinstance(value, np.ndarray) and value.dtype.names:
        return Rows(value)
    return value


class Rows:
    """A structured array for interpreted kernels: ``rows[i]`` is a ``Row``, ``shape`` and
    ``len`` are the array's. One ``Row`` object per index, so writes and reads through
    ``rows[i]`` stay coherent within a kernel call."""

    __slots__ = ("_rows", "array", "shape")

    def __init__(self, array: Any) -> None:
        self.array = array
        self.shape = array.shape
        self._rows: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return Rows(self.array[index])
        i = int(index)
        row = self._rows.get(i)
        if row is None:
            row = self._rows[i] = Row(self.array, i)
        return row


class Row:
    """One record of a structured array: a field is read from the array once and then
    kept (plain attribute access costs a dict lookup, a numpy record's ~2 µs); a write goes
    to the array and is kept as stored (cast to the field's type). Nested per-action
    fields are views of the array."""

    def __init__(self, array: Any, i: int) -> None:
        object.__setattr__(self, "_array", array)
        object.__setattr__(self, "_i", i)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._array[name][self._i]
        object.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        column = self._array[name]
        column[self._i] = value
        object.__setattr__(self, name, column[self._i])

    # numba records take item access too (``c["recovery"]``): the same as the attribute
    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self, name, value)


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
