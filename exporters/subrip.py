"""SubRip captions (``srt``): ``out/episodes/<slug>.srt``, for YouTube and the feed.

Cues come from :func:`castline.timing.cues.episode_cues` (timing engine, segmentation, offset) and
are written as the ``srt`` library composes them (``srt.compose(..., reindex=False)``, which the
tests compare byte for byte), in one pass: numbered from 1, ``HH:MM:SS,mmm`` times, UTF-8
without BOM, ``\\n`` line ends, no markup (YouTube's supported formats,
https://support.google.com/youtube/answer/2734698); a text that would hold a blank line is
made legal by ``srt.make_legal_content``. Readers built on ``datetime.timedelta`` (``srt``
itself, which castline's YouTube push parses with) cannot read a time past its range, so cues
ending past :data:`LATEST_MS` (a stamp typed with far too many digits) are left out with a
warning.

SRT has no escaping, and readers take ``<...>`` for markup and drop it (VLC, pysubs2, most
JavaScript players), so ``<`` and ``>`` are written as the look-alike
single angle quotation marks U+2039 and U+203A: a transcript's
``<an hourly amount>`` stays readable instead of vanishing. Nothing else is changed.

Speakers are named in the text, as SRT has no voice markup: ``Name: `` in front of the first
line at each change of speaker (default), on every cue, or never, as the Podcasting 2.0
transcript spec's SRT examples do (podcast-namespace, docs/examples/transcripts/transcripts.md,
https://github.com/Podcastindex-org/podcast-namespace). Room for the label is kept within the
line length.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from typing import ClassVar

from castline.clean import clean_episode
from castline.diagnostics import Diagnostic, rule
from castline.exporter import BuildContext
from castline.model import Episode
from castline.text import plural, utf8_text
from castline.timing.captions import CaptionExporter
from castline.timing.captiontext import CaptionText, caption_text
from castline.timing.cues import Cue

PAST_SUBRIP_TIME = rule(
    "T301", "past-subrip-time", "cues end past the latest time SubRip can write; left out"
)

#: The latest time ``srt`` can write (it composes from ``datetime.timedelta``), in ms.
LATEST_MS = dt.timedelta.max // dt.timedelta(milliseconds=1)
_END_MS = operator.attrgetter("end_ms")
#: What SRT text writes instead of characters that readers take for markup.
SAFE_TEXT = str.maketrans({"<": "\u2039", ">": "\u203a"})


def safe_text(text: str) -> str:
    """``text`` with ``<`` and ``>`` replaced by look-alikes that no SRT reader drops.

    >>> safe_text("for <an hourly amount>")
    'for \u2039an hourly amount\u203a'
    """
    return text.translate(SAFE_TEXT)


class SubripExporter(CaptionExporter):
    """SubRip (``.srt``) captions, one file per episode with a transcript.

    Options: see :class:`castline.timing.captions.CaptionExporter`.
    """

    name: ClassVar[str] = "srt"
    media_type: ClassVar[str] = "application/x-subrip"
    suffix: ClassVar[str] = ".srt"
    feed_link: ClassVar[str | None] = "transcript"
    rel: ClassVar[str | None] = "captions"
    feed_order: ClassVar[int] = 2
    #: Default: a visible ``Name: `` at each change of speaker (SRT has no voice markup).
    default_speaker_labels: ClassVar[str] = "change"

    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The episode's SubRip text and the timing warnings (and those of
        :func:`castline.feed.clean.clean_episode`, which repairs text UTF-8 cannot encode)."""
        episode, repaired = clean_episode(episode, xml=False)
        cues, diagnostics = self.cues(episode)
        cues, late = _writable(cues)
        return utf8_text(compose(cues)), (*repaired, *diagnostics, *late)


def _legal(content: str) -> str:
    """``srt.make_legal_content`` of a text that holds a blank line (rare: srt is imported then)."""
    from srt import make_legal_content

    legal: str = make_legal_content(content)
    return legal


#: How SubRip writes cues: numbered blocks, ``,mmm`` times, ``<`` and ``>`` as look-alikes
#: (:data:`SAFE_TEXT`), a blank line after each block and none within one.
SUBRIP_TEXT = CaptionText(
    ",", (("<", "\u2039"), (">", "\u203a")), numbered=True, block_end="\n\n", legal=_legal
)


def compose(cues: Sequence[Cue]) -> str:
    """The SubRip text of ``cues``: what ``srt.compose`` writes for them (numbered from 1, not
    reordered), composed at once (:func:`castline.timing.captiontext.caption_text`). Each cue is one
    block: its text has no ``-->`` (:func:`safe_text`) and no blank line
    (``srt.make_legal_content``).

    >>> from castline.model import SourceRef
    >>> compose([Cue(0, 1500, "Ann", ("Hi <you>.",), SourceRef("e.md", 1), "Ann: ")])
    '1\\n00:00:00,000 --> 00:00:01,500\\nAnn: Hi \u2039you\u203a.\\n\\n'
    """
    return caption_text(SUBRIP_TEXT, cues)


def _writable(cues: tuple[Cue, ...]) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """The cues ``srt`` can write (ending by :data:`LATEST_MS`), and a warning for the rest."""
    if max(map(_END_MS, cues), default=0) <= LATEST_MS:  # as good as always: no tuple made
        return cues, ()
    kept = tuple(cue for cue in cues if cue.end_ms <= LATEST_MS)
    if len(kept) == len(cues):
        return cues, ()
    first = cues[len(kept)]
    count = plural(len(cues) - len(kept), "cue")
    message = f"cues from this line on end past the latest time SubRip can write; {count} left out"
    return kept, (PAST_SUBRIP_TIME.warning(first.source, message),)
