"""A check shared by the native engine's tests: calls that leave no memory and no reference."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable, Sequence


def assert_leaves_nothing(run: Callable[[], None], arguments: Sequence[object]) -> None:
    """Run ``run`` once to warm caches and free lists, then again under tracemalloc: the second
    run keeps less than 4 KB, and every one of ``arguments`` has its reference count of before."""
    run()
    gc.collect()
    references = [sys.getrefcount(argument) for argument in arguments]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 4096
    assert [sys.getrefcount(argument) for argument in arguments] == references
