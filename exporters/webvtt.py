"""WebVTT captions (``vtt``): ``out/episodes/<slug>.vtt``, for Apple Podcasts and players.

Cues come from :func:`castline.timing.cues.episode_cues`, as for SubRip. The file is the most
conservative valid WebVTT (W3C WebVTT, https://www.w3.org/TR/webvtt1/#file-structure):
``WEBVTT``, a ``NOTE`` naming the source file (below the content folder), then one block per
cue with ``HH:MM:SS.mmm`` times and no identifier, settings, STYLE or REGION. Each cue with a
speaker is one ``<v Name>...</v>`` voice span (Apple takes speaker names from it, on every
cue). ``&``, ``<`` and ``>`` are written ``&amp;``, ``&lt;``, ``&gt;`` in names and text, so
no cue holds ``-->``; cue text never holds a blank line (words are joined by single spaces
and line breaks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from castline.clean import clean_episode
from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext
from castline.model import Episode
from castline.paths import content_relative
from castline.text import one_line, utf8_text, vtt_escape
from castline.timing.captions import CaptionExporter
from castline.timing.captiontext import CaptionText, caption_text
from castline.timing.cues import Cue, speaker_name


def _note(text: str) -> str:
    """NOTE text: one line, without ``-->``."""
    return one_line(text).replace("-->", "->")


class WebvttExporter(CaptionExporter):
    """WebVTT (``.vtt``) captions, one file per episode with a transcript.

    Options: see :class:`castline.timing.captions.CaptionExporter`.
    """

    name: ClassVar[str] = "vtt"
    media_type: ClassVar[str] = "text/vtt"
    suffix: ClassVar[str] = ".vtt"
    feed_link: ClassVar[str | None] = "transcript"
    rel: ClassVar[str | None] = "captions"
    #: Listed first: the captions format Apple Podcasts reads.
    feed_order: ClassVar[int] = 1
    #: Default: no visible label: the ``<v Name>`` voice span names every cue.
    default_speaker_labels: ClassVar[str] = "none"

    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The episode's WebVTT text and the timing warnings (and those of
        :func:`castline.feed.clean.clean_episode`, which repairs text UTF-8 cannot encode)."""
        episode, repaired = clean_episode(episode, xml=False)
        cues, diagnostics = self.cues(episode)
        source = content_relative(Path(context.show.root), Path(episode.source.path))
        return utf8_text(compose(_note(source), cues)), (*repaired, *diagnostics)


def compose(source: str, cues: Sequence[Cue]) -> str:
    """The WebVTT text: the header, a NOTE naming ``source``, then each cue's block (its times,
    then its lines, in a voice span when it has a speaker), composed at once
    (:func:`castline.timing.captiontext.caption_text`).

    >>> from castline.model import SourceRef
    >>> print(compose("e.md", [Cue(0, 1500, "Ann", ("Q&A", "now"), SourceRef("e.md", 1))]))
    WEBVTT
    <BLANKLINE>
    NOTE
    Made by castline from e.md
    <BLANKLINE>
    00:00:00.000 --> 00:00:01.500
    <v Ann>Q&amp;A
    now</v>
    <BLANKLINE>
    """
    return caption_text(WEBVTT_TEXT, cues, f"WEBVTT\n\nNOTE\nMade by castline from {source}")


def _voice(speaker: str | None) -> str:
    """A speaker's voice tag, ``<v Name>`` (the name escaped), ``""`` where there is no name."""
    name = speaker_name(speaker)
    return "" if name is None else f"<v {vtt_escape(name)}>"


#: How WebVTT writes cues: a blank line before each block, ``.mmm`` times, ``&``, ``<`` and
#: ``>`` escaped (as :func:`castline.text.vtt_escape`), a voice span per cue with a speaker.
WEBVTT_TEXT = CaptionText(
    ".",
    (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")),
    block_start="\n\n",
    tail="\n",
    voice=_voice,
    voice_end="</v>",
)
