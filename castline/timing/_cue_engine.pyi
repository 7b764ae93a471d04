"""The native cue engine (castline/timing/_cue_engine.c): segment's cue search in C."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

_Cue = TypeVar("_Cue")

#: (cue, inner_sentence, cue_break, fragment, short, long, long_ceiling, imbalance, beyond)
Units = tuple[int, int, tuple[int, ...], tuple[int, ...], int, int, int, int, int]

def cheapest_cuts(
    offsets: Sequence[int],
    times: Sequence[int],
    at_sentence: Sequence[bool],
    breaks: Sequence[int],
    kinds: Sequence[int],
    rows_fills: Sequence[int],
    reaches: Sequence[int],
    rows_width: int,
    width: int,
    max_lines: int,
    min_ms: int,
    max_ms: int,
    units: Units,
    /,
) -> tuple[list[int], list[list[int]], int]: ...

class Layout:
    def two_lines(
        self, i: int, j: int, first_width: int, fill: int, limit: int, /
    ) -> tuple[int, int]: ...

def layout(
    offsets: Sequence[int], breaks: Sequence[int], width: int, imbalance: int, beyond: int, /
) -> Layout: ...

#: The type of :func:`layout`.
MakeLayout = Callable[[Sequence[int], Sequence[int], int, int, int], Layout]

def fills(offsets: Sequence[int], width: int, /) -> list[int]: ...

#: The type of :func:`fills`.
Fills = Callable[[Sequence[int], int], list[int]]

#: The type of :func:`cheapest_cuts`.
CheapestCuts = Callable[
    [
        Sequence[int],
        Sequence[int],
        Sequence[bool],
        Sequence[int],
        Sequence[int],
        Sequence[int],
        Sequence[int],
        int,
        int,
        int,
        int,
        int,
        Units,
    ],
    tuple[list[int], list[list[int]], int],
]

#: (cue, inner_sentence, cue_break, fragment_per_char, short, long, long_ceiling,
#: units_per_cost, line_break, imbalance): segment's costs in floating point
Costs = tuple[int, int, tuple[int, ...], float, float, float, int, int, tuple[int, ...], float]

#: A cue of a cut: its display lines, its start and its end.
Cue = tuple[tuple[str, ...], int, int]

class Model:
    def cut(
        self,
        words: Sequence[str],
        kinds: Sequence[int],
        start_ms: int,
        end_ms: int,
        width: int,
        max_lines: int,
        min_ms: int,
        max_ms: int,
        first_width: int,
        rows_width: int,
        /,
    ) -> list[Cue]: ...
    def lines(
        self,
        timed_lines: Sequence[Any],
        speaker_name: Callable[[str | None], str | None],
        word_classes: dict[str, tuple[tuple[int, ...], int]],
        classify: Callable[[list[str]], None],
        /,
    ) -> Lines: ...
    def cues(
        self,
        lines: Lines,
        policy: tuple[int, int, int, int, int, int, int, int],
        mode: int,
        unknown_change: str,
        cue_type: type[_Cue],
        /,
    ) -> tuple[tuple[_Cue, ...], list[tuple[int, int]]]: ...

class Lines:
    """An episode's timed lines split and classified by a Model (Model.lines)."""

def model(
    units: Units, layout_breaks: tuple[int, ...], costs: Costs, exact_limit: int, /
) -> Model: ...

#: The type of :func:`model`.
MakeModel = Callable[[Units, tuple[int, ...], Costs, int], Model]

def caption_text(
    cues: Sequence[Any], cue_type: type[Any], head: str, form: tuple[object, ...], /
) -> str | None: ...

#: The type of :func:`caption_text`.
WriteText = Callable[[Sequence[Any], type[Any], str, tuple[object, ...]], str | None]

def cue_columns(
    cues: Sequence[Any], cue_type: type[Any], decimals: tuple[str, ...], /
) -> (
    tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    | None
): ...

#: The type of :func:`cue_columns`.
Columns = tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
CueColumnsOf = Callable[[Sequence[Any], type[Any], tuple[str, ...]], Columns | None]
