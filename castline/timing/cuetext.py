"""What the transcript outputs write of each cue, worked out once for all of them.

The JSON transcript (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/
examples/transcripts/transcripts.md, "JSON") writes a segment per cue with its start and end
as decimal seconds and its words as the body; the site pages write the same cues as
``<span class="seg" data-start="..." data-end="...">`` with the same decimals. Both ask for
the cues of one episode under one policy (:func:`castline.timing.cues.episode_cues` hands
them the same tuple), so :func:`cue_columns` makes those texts once per tuple of cues.

Pure: no file I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from castline.memo import per_object
from castline.timecode import format_seconds
from castline.timing.cues import Cue
from castline.timing.engine import default_engine, native_cue_columns

__all__ = [
    "DECIMALS",
    "CueColumns",
    "cue_columns",
    "python_cue_columns",
    "seconds_text",
]

#: What :func:`castline.timecode.format_seconds` writes after the whole seconds, by
#: millisecond count (``""``, ``".5"``, ``".25"``...).
DECIMALS = tuple(format_seconds(millis)[1:] for millis in range(1000))


@dataclass(frozen=True, slots=True)
class CueColumns:
    """The cues' starts and ends (ms), both as :func:`seconds_text` writes them, and texts
    (:attr:`castline.timing.cues.Cue.text`), one item per cue, in order."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    start_seconds: tuple[str, ...]
    end_seconds: tuple[str, ...]
    texts: tuple[str, ...]


def seconds_text(ms: int) -> str:
    """``ms`` as decimal seconds: whole seconds (floor division) and :data:`DECIMALS`; the
    text of :func:`castline.timecode.format_seconds` for every integer.

    >>> seconds_text(2_112_250), seconds_text(92_000), seconds_text(-1)
    ('2112.25', '92', '-1.999')
    """
    return f"{ms // 1000}{DECIMALS[ms % 1000]}"


def cue_columns(cues: Sequence[Cue]) -> CueColumns:
    """The :class:`CueColumns` of ``cues``. Remembered for the last tuple of cues
    (:func:`castline.memo.per_object`: the JSON transcript and the pages share the tuple
    :func:`castline.timing.cues.episode_cues` gives); other sequences are not remembered (a
    list may change between calls).

    >>> from castline.model import SourceRef
    >>> columns = cue_columns((Cue(1_000, 2_500, None, ("Hi", "there"), SourceRef("e.md", 3)),))
    >>> columns.start_seconds, columns.end_seconds, columns.texts
    (('1',), ('2.5',), ('Hi there',))
    """
    if isinstance(cues, tuple):
        return _remembered_columns(cues)
    return _columns(cues)


def _columns(cues: Sequence[Cue]) -> CueColumns:
    """The :class:`CueColumns` of ``cues``: by the native engine where it is built and chosen
    (``cue_columns`` of ``castline/timing/_cue_engine.c``, which reads each cue's fields and
    makes its texts with no Python code run), by :func:`python_cue_columns`, the reference,
    otherwise or for a cue it hands back (a time beyond 64 bits, a value of another type)."""
    if native_cue_columns is not None and default_engine() == "native":
        columns = native_cue_columns(cues, Cue, DECIMALS)
        if columns is not None:
            return CueColumns(*columns)
    return python_cue_columns(cues)


def python_cue_columns(cues: Sequence[Cue]) -> CueColumns:
    """The :class:`CueColumns` of ``cues``, made in one comprehension a column: the reference
    the native ``cue_columns`` reproduces."""
    decimals = DECIMALS  # seconds_text, without a call per time
    starts = tuple([cue.start_ms for cue in cues])
    ends = tuple([cue.end_ms for cue in cues])
    return CueColumns(
        starts,
        ends,
        tuple([f"{ms // 1000}{decimals[ms % 1000]}" for ms in starts]),
        tuple([f"{ms // 1000}{decimals[ms % 1000]}" for ms in ends]),
        tuple([" ".join(cue.lines) for cue in cues]),  # Cue.text, without a call per cue
    )


_remembered_columns = per_object(_columns)
