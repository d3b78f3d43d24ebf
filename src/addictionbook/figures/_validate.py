"""Parameter validation shared by the figure functions: one clear message for every bad value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def choice(name: str, value: T, allowed: Iterable[T]) -> T:
    """Return ``value`` if it is one of ``allowed``; else raise ``ValueError`` naming both."""
    allowed = list(allowed)
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name}={value!r} is not allowed; allowed values: {shown}")
    return value


def int_range(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an int in ``[low, high]``; else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(
            f"{name}={value!r} is not allowed; allowed values: integers {low} to {high}"
        )
    return value


def flag(name: str, value: object) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (not 1, 0 or a string); else raise."""
    if not isinstance(value, bool):
        raise ValueError(f"{name}={value!r} is not allowed; allowed values: True, False")
    return value
