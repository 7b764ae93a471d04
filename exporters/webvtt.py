"""WebVTT captions (``vtt``): ``out/episodes/<slug>.vtt``, for Apple Podcasts and players.

Cues come from :func:`castline.cues.episode_cues`, as for SubRip. The file is the most
conservative valid WebVTT (subtitles.md §3, §4.1): ``WEBVTT``, a ``NOTE`` naming the source
file (below the content folder), then one block per cue with ``HH:MM:SS.mmm`` times and no
identifier, settings, STYLE or REGION. Each cue with a speaker is one ``<v Name>...</v>``
voice span (Apple takes speaker names from it, on every cue). ``&``, ``<`` and ``>`` are
written ``&amp;``, ``&lt;``, ``&gt;`` in names and text, so no cue holds ``-->``; cue text
never holds a blank line (words are joined by single spaces and line breaks).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import ClassVar

from castline.cues import Cue, CuePolicy, check_offset_ms, episode_cues, speaker_name
from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext, PerEpisodeExporter
from castline.model import Episode
from castline.timecode import format_vtt_timecode


def escape(text: str) -> str:
    """Escape text for a WebVTT cue or voice annotation.

    >>> escape("Q&A <b> -->")
    'Q&amp;A &lt;b&gt; --&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _note(text: str) -> str:
    """NOTE text: one line, without ``-->``."""
    return " ".join(text.split()).replace("-->", "->")


class WebvttExporter(PerEpisodeExporter):
    """WebVTT (``.vtt``) captions, one file per episode with a transcript.

    Args:
        max_chars_per_line: characters per line (42).
        max_lines: lines per cue (2).
        min_cue_ms: shortest cue where the timing allows it (833, 5/6 s).
        max_cue_ms: longest cue (7000).
        target_cps: reading speed aimed for (17 characters per second).
        max_cps: reading speed never planned above where time can be found (20).
        speaker_labels: also write a visible ``Name: `` (players do not draw ``<v>`` names)
            at each ``"change"`` of speaker, on ``"every"`` cue, or ``"none"`` (default).
        offset_ms: shift every cue by this many milliseconds (``castline build --offset``);
            cues pushed before 0 are clipped or dropped with a warning.
    """

    name: ClassVar[str] = "vtt"
    media_type: ClassVar[str] = "text/vtt"
    suffix: ClassVar[str] = ".vtt"

    def __init__(
        self,
        *,
        max_chars_per_line: int = 42,
        max_lines: int = 2,
        min_cue_ms: int = 833,
        max_cue_ms: int = 7000,
        target_cps: int = 17,
        max_cps: int = 20,
        speaker_labels: str = "none",
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
        """The episode's WebVTT text and the timing warnings."""
        cues, diagnostics = episode_cues(episode, self.policy, offset_ms=self.offset_ms)
        source = _relative(episode.source.path, context.show.root)
        blocks = ["WEBVTT", f"NOTE\nMade by castline from {_note(source)}"]
        blocks.extend(_block(cue) for cue in cues)
        return "\n\n".join(blocks) + "\n", diagnostics


def _relative(path: str, root: str) -> str:
    """The episode file below the content folder (``episodes/x.md``), whatever the folder was
    called on the command line, so the output does not depend on it.

    >>> _relative("../site/_podcast/x.md", "../site"), _relative("x.md", "/elsewhere")
    ('_podcast/x.md', 'x.md')
    """
    relative = PurePosixPath(posixpath.normpath(path.replace(os.sep, "/")))
    base = PurePosixPath(posixpath.normpath(root.replace(os.sep, "/")))
    try:
        return str(relative.relative_to(base))
    except ValueError:
        return relative.name


def _block(cue: Cue) -> str:
    timing = f"{format_vtt_timecode(cue.start_ms)} --> {format_vtt_timecode(cue.end_ms)}"
    text = "\n".join(escape(line) for line in cue.display_lines)
    name = speaker_name(cue.speaker)
    if name is not None:
        text = f"<v {escape(name)}>{text}</v>"
    return f"{timing}\n{text}"
