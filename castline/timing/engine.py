"""Which cue engine cuts a line into cues: ``native`` or ``python``.

The native engine is a C extension (``castline/timing/_cue_engine.c``), built at install
where a C compiler is present and skipped without one (or with ``CASTLINE_NATIVE_BUILD=0``).
It cuts a line in one call once its words are split and classified, and builds an episode's
cues in two (:func:`castline.timing.cues.build_cues`: every line split and classified once for
all the policies of the episode, then under a policy every line cut, labelled and timed and the
cues' times settled). The Python engine
(:mod:`castline.timing.segment`'s own cut, :mod:`castline.timing.cues`'s own steps) is the
reference and the fallback for a line, or an episode, whose values leave 64 bits: the native
one finds the same cues, so every output is the same byte for byte. It also writes caption
files' text (:func:`castline.timing.captiontext.caption_text`) and the transcripts' cue
columns (:func:`castline.timing.cuetext.cue_columns`), with the Python ones as their
references.
``CASTLINE_ENGINE=python`` in the environment makes castline cut with the Python engine (for
tests and benchmarks; it is read whenever a line is cut, so worker processes follow it too).

Imports nothing but the extension (not even :mod:`typing`): ``castline --version`` names the
engine.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's: castline --version loads no typing module
if TYPE_CHECKING:
    from typing import Literal

    from castline.timing._cue_engine import (
        CheapestCuts,
        CueColumnsOf,
        Fills,
        MakeLayout,
        MakeModel,
        WriteText,
    )

    Engine = Literal["native", "python"]

__all__ = [
    "default_engine",
    "native_caption_text",
    "native_cheapest_cuts",
    "native_cue_columns",
    "native_fills",
    "native_layout",
    "native_model",
]


def _load() -> tuple[CheapestCuts, Fills, MakeLayout, MakeModel] | tuple[None, None, None, None]:
    try:
        from castline.timing._cue_engine import cheapest_cuts, fills, layout, model
    except ImportError:  # installed without a compiler, or with CASTLINE_NATIVE_BUILD=0
        return None, None, None, None
    return cheapest_cuts, fills, layout, model


#: The native engine, or ``None`` where it was not built: ``native_model(...).cut`` is the
#: whole of :func:`castline.timing.segment.cut_line` after the words and their boundary
#: kinds; its search, its fills of a line's words and its two-line layouts are the pieces of
#: that cut on their own (for the tests that compare each with the Python function it mirrors,
#: and the engine benchmark).
native_cheapest_cuts, native_fills, native_layout, native_model = _load()


def _load_writers() -> tuple[WriteText, CueColumnsOf] | tuple[None, None]:
    try:
        from castline.timing._cue_engine import caption_text, cue_columns
    except ImportError:  # not built, as above
        return None, None
    return caption_text, cue_columns


#: The native caption text (:func:`castline.timing.captiontext.caption_text`) and cue
#: columns (:func:`castline.timing.cuetext.cue_columns`), or ``None``.
native_caption_text, native_cue_columns = _load_writers()


def default_engine() -> Engine:
    """The engine that cuts lines: the native one where it is built, unless
    ``CASTLINE_ENGINE=python`` is set (any other value, or none, asks for the native one)."""
    if native_cheapest_cuts is None:
        return "python"
    if os.environ.get("CASTLINE_ENGINE", "").strip().lower() == "python":
        return "python"
    return "native"
