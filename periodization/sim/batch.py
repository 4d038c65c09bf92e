"""Helpers for frozen dataclasses whose fields are numpy arrays over athletes (axis 0).

Every struct-of-arrays type of the project (parameters, state, observations, feature state)
is one of these, so batching, slicing and autoreset are written once here; and so is the
way such a value becomes the one structured array a compiled kernel reads by field name
(``record_dtype``, ``to_record``, ``from_record``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def _is_batched(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.ndim >= 1


def take(obj: T, index: Any) -> T:
    """Select athletes ``index`` (int array, slice or bool mask) from every batched field."""
    changes = {
        f.name: getattr(obj, f.name)[index]
        for f in dataclasses.fields(obj)  # type: ignore[arg-type]
        if _is_batched(getattr(obj, f.name))
    }
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


def where(mask: np.ndarray, new: T, old: T) -> T:
    """Per athlete, the fields of ``new`` where ``mask`` (shape (N,)) is True, else ``old``."""
    changes = {}
    for f in dataclasses.fields(old):  # type: ignore[arg-type]
        a, b = getattr(new, f.name), getattr(old, f.name)
        if _is_batched(b):
            m = mask.reshape(mask.shape + (1,) * (b.ndim - 1))
            changes[f.name] = np.where(m, a, b)
    return dataclasses.replace(old, **changes)  # type: ignore[type-var]


def scatter(full: T, rows: np.ndarray, part: T) -> T:
    """A copy of ``full`` whose athletes ``rows`` are replaced by those of ``part``."""
    changes = {}
    for f in dataclasses.fields(full):  # type: ignore[arg-type]
        a = getattr(full, f.name)
        if _is_batched(a):
            a = a.copy()
            a[rows] = getattr(part, f.name)
            changes[f.name] = a
    return dataclasses.replace(full, **changes)  # type: ignore[type-var]


def concat(parts: Sequence[T]) -> T:
    """Concatenate batches along the athlete axis (non-batched fields come from the first)."""
    first = parts[0]
    changes = {
        f.name: np.concatenate([getattr(p, f.name) for p in parts])
        for f in dataclasses.fields(first)  # type: ignore[arg-type]
        if _is_batched(getattr(first, f.name))
    }
    return dataclasses.replace(first, **changes)  # type: ignore[type-var]


def batch_size(obj: Any) -> int:
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if _is_batched(value):
            return int(value.shape[0])
    raise ValueError(f"{type(obj).__name__} has no batched field")


def build(cls: type[T], **fields: Any) -> T:
    """Construct a frozen dataclass without its generated ``__init__``.

    A frozen ``__init__`` sets each field through ``object.__setattr__`` (~0.35 µs a field);
    the per-day hot path builds several such values, so it fills ``__dict__`` directly
    instead. All fields must be given; the value is as immutable as any other instance.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def record_dtype(cls: type, *, ints: Collection[str] = (), bools: Collection[str] = ()
                 ) -> np.dtype:
    """The structured dtype of dataclass ``cls``'s (N,) fields: float64 unless named in
    ``ints`` (int64) or ``bools``; generated from the fields, so it grows with them."""
    def kind(name: str) -> type:
        return np.int64 if name in ints else np.bool_ if name in bools else np.float64
    return np.dtype([(f.name, kind(f.name)) for f in dataclasses.fields(cls)], align=True)


def to_record(obj: Any, dtype: np.dtype) -> np.ndarray:
    """The (N,) fields of ``obj`` copied into one structured array of ``dtype``."""
    out = np.empty(batch_size(obj), dtype=dtype)
    for name in dtype.names:
        out[name] = getattr(obj, name)
    return out


def from_record(cls: type[T], record: np.ndarray) -> T:
    """A ``cls`` whose fields are views of ``record`` (a kernel's output), with the record
    kept as its ``record`` attribute, so the next kernel reads it without a copy."""
    obj = object.__new__(cls)
    obj.__dict__.update({name: record[name] for name in record.dtype.names}, record=record)
    return obj
