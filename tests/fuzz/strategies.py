"""Hypothesis strategies over the mutation engine of :mod:`tests.fuzz.mutations`.

:class:`DataChooser` turns every decision of a mutation into a Hypothesis draw, so a failing
example shrinks (towards the first option, the lowest offset) and prints as its draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from tests.fuzz.harness import Base, choose_mutation
from tests.fuzz.mutations import Mutation

T = TypeVar("T")


class DataChooser:
    """A :class:`tests.fuzz.mutations.Chooser` that draws from Hypothesis."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        value: int = self.draw(st.integers(low, high))
        return value

    def choice(self, options: Sequence[T]) -> T:
        value: T = self.draw(st.sampled_from(options))
        return value

    def raw(self, size: int) -> bytes:
        value: bytes = self.draw(st.binary(min_size=size, max_size=size))
        return value


@st.composite
def mutations(
    draw: st.DrawFn,
    base: Base,
    role: str,
    levels: tuple[str, ...] = ("bytes", "yaml"),
) -> Mutation:
    """A mutation of one ``role`` file (episode, profile, show) of ``base``."""
    return choose_mutation(DataChooser(draw), base, role, levels=levels)
