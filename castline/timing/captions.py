"""The shared base of caption exporters (SRT, WebVTT): their options and their cues.

A caption exporter takes the :class:`~castline.timing.cues.CuePolicy` options as keyword arguments
(show.yaml ``exporters: {srt: {max_chars_per_line: 37}}``), plus the offset that
``castline build --offset`` sets, and renders the cues :func:`castline.timing.cues.episode_cues`
makes of an episode. Formats differ only in how they write cues and in their default speaker
labels.
"""

from __future__ import annotations

from typing import ClassVar

from castline.diagnostics import Diagnostic
from castline.exporter import PerEpisodeExporter
from castline.model import Episode
from castline.timing.cues import Cue, CuePolicy, check_offset_ms, episode_cues


class CaptionExporter(PerEpisodeExporter):
    """Base of the caption exporters.

    Args:
        max_chars_per_line: characters per line, a visible label included (42).
        max_lines: lines per cue (2).
        min_cue_ms: shortest cue where the timing allows it (833, 5/6 s).
        max_cue_ms: longest cue (7000).
        target_cps: reading speed aimed for (17 characters per second).
        max_cps: reading speed never planned above where time can be found (20).
        min_gap_ms: shortest gap between cues, 2 frames at 24 fps (83).
        speaker_labels: a visible ``Name: `` at each ``"change"`` of speaker, on ``"every"``
            cue, or ``"none"``; ``None`` takes the format's default.
        offset_ms: shift every cue by this many milliseconds (``castline build --offset``);
            cues pushed before 0 are clipped or dropped with a warning.

    Raises:
        ValueError: an option out of range (the registry reports it as a config error).
    """

    #: ``speaker_labels`` when the options do not set it.
    default_speaker_labels: ClassVar[str] = "change"

    def __init__(
        self,
        *,
        max_chars_per_line: int = 42,
        max_lines: int = 2,
        min_cue_ms: int = 833,
        max_cue_ms: int = 7000,
        target_cps: int = 17,
        max_cps: int = 20,
        min_gap_ms: int = 83,
        speaker_labels: str | None = None,
        offset_ms: int = 0,
    ) -> None:
        self.policy = CuePolicy(
            max_chars_per_line=max_chars_per_line,
            max_lines=max_lines,
            min_cue_ms=min_cue_ms,
            max_cue_ms=max_cue_ms,
            target_cps=target_cps,
            max_cps=max_cps,
            min_gap_ms=min_gap_ms,
            speaker_labels=self.default_speaker_labels
            if speaker_labels is None
            else speaker_labels,
        )
        self.offset_ms = check_offset_ms(offset_ms)

    def cues(self, episode: Episode) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
        """The episode's cues under this exporter's policy and offset, and the warnings."""
        return episode_cues(episode, self.policy, offset_ms=self.offset_ms)
