"""A cache for work several exporters do on the same episode.

A build hands one episode to every exporter in turn; the timing engine and the chapter
resolution would otherwise run once per exporter. :func:`per_object` remembers the result for
the last object a function was called with, by identity (``is``), so it never mixes two equal
but distinct episodes, holds no more than one result per function, and needs no hashing.
Results must be immutable (frozen dataclasses, tuples): every caller gets the same object.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

Subject = TypeVar("Subject")
Result = TypeVar("Result")


def per_object(function: Callable[[Subject], Result]) -> Callable[[Subject], Result]:
    """Cache ``function(subject)`` for the last ``subject`` it was called with.

    >>> calls = []
    >>> @per_object
    ... def double(numbers: list[int]) -> list[int]:
    ...     calls.append(1)
    ...     return numbers * 2
    >>> first = [1]
    >>> double(first) is double(first), len(calls)
    (True, 1)
    >>> double([1]) == double(first), len(calls)  # an equal object is another subject
    (True, 3)
    """
    last: list[Any] = []  # [subject, result] of the last call

    @functools.wraps(function)
    def cached(subject: Subject) -> Result:
        if last and last[0] is subject:
            result: Result = last[1]
            return result
        result = function(subject)
        last[:] = [subject, result]
        return result

    return cached
