"""SubRip captions (``srt``): ``out/episodes/<slug>.srt``, for YouTube and the feed.

Cues come from :func:`castline.cues.episode_cues` (timing engine, segmentation, offset) and
are composed with the ``srt`` library: numbered from 1, ``HH:MM:SS,mmm`` times, UTF-8 without
BOM, ``\\n`` line ends, no markup (YouTube ignores it: subtitles.md §2.1, §4.2). ``srt.compose``
silently drops empty and zero-length cues, so the block count is checked against the cues.

SRT has no escaping, and readers take ``<...>`` for markup and drop it (VLC, pysubs2, most
JavaScript players; subtitles.md §4.2), so ``<`` and ``>`` are written as the look-alike
single angle quotation marks U+2039 and U+203A: a transcript's
``<an hourly amount>`` stays readable instead of vanishing. Nothing else is changed.

Speakers are named in the text, as SRT has no voice markup: ``Name: `` in front of the first
line at each change of speaker (default), on every cue, or never (subtitles.md §1.3; the
podcast namespace SRT profile). Room for the label is kept within the line length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

import srt

from castline.cues import CuePolicy, check_offset_ms, episode_cues
from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext, PerEpisodeExporter
from castline.model import Episode

#: What SRT text writes instead of characters that readers take for markup.
SAFE_TEXT = str.maketrans({"<": "\u2039", ">": "\u203a"})


def safe_text(text: str) -> str:
    """``text`` with ``<`` and ``>`` replaced by look-alikes that no SRT reader drops.

    >>> safe_text("for <an hourly amount>")
    'for \u2039an hourly amount\u203a'
    """
    return text.translate(SAFE_TEXT)


class SubripExporter(PerEpisodeExporter):
    """SubRip (``.srt``) captions, one file per episode with a transcript.

    Args:
        max_chars_per_line: characters per line, label included (42).
        max_lines: lines per cue (2).
        min_cue_ms: shortest cue where the timing allows it (833, 5/6 s).
        max_cue_ms: longest cue (7000).
        target_cps: reading speed aimed for (17 characters per second).
        max_cps: reading speed never planned above where time can be found (20).
        speaker_labels: ``Name: `` at each ``"change"`` of speaker, on ``"every"`` cue, or
            ``"none"``.
        offset_ms: shift every cue by this many milliseconds (``castline build --offset``);
            cues pushed before 0 are clipped or dropped with a warning.
    """

    name: ClassVar[str] = "srt"
    media_type: ClassVar[str] = "application/x-subrip"
    suffix: ClassVar[str] = ".srt"

    def __init__(
        self,
        *,
        max_chars_per_line: int = 42,
        max_lines: int = 2,
        min_cue_ms: int = 833,
        max_cue_ms: int = 7000,
        target_cps: int = 17,
        max_cps: int = 20,
        speaker_labels: str = "change",
        offset_ms: int = 0,
    ) -> None:
        self.policy = CuePolicy(
            max_chars_per_line=max_chars_per_line,
            max_lines=max_lines,
            min_cue_ms=min_cue_ms,
            max_cue_ms=max_cue_ms,
            target_cps=target_cps,
            max_cps=max_cps,
            speaker_labels=speaker_labels,
        )
        self.offset_ms = check_offset_ms(offset_ms)

    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The episode's SubRip text and the timing warnings."""
        cues, diagnostics = episode_cues(episode, self.policy, offset_ms=self.offset_ms)
        subtitles = [
            srt.Subtitle(
                index=number,
                start=dt.timedelta(milliseconds=cue.start_ms),
                end=dt.timedelta(milliseconds=cue.end_ms),
                content=safe_text("\n".join(cue.display_lines)),
            )
            for number, cue in enumerate(cues, start=1)
        ]
        text = srt.compose(subtitles, reindex=False, eol="\n")
        blocks = sum(1 for _ in srt.parse(text))
        if blocks != len(cues):
            raise RuntimeError(
                f"{episode.source}: srt.compose wrote {blocks} blocks for {len(cues)} cues"
            )
        return text, diagnostics
