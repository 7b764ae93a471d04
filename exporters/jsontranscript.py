"""Podcasting 2.0 JSON transcripts (``json``): ``out/episodes/<slug>.json``.

The namespace's JSON transcript format (podcast-namespace, docs/examples/transcripts/
transcripts.md, "JSON", https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/
examples/transcripts/transcripts.md), served as ``application/json`` and linked from the
feed's ``podcast:transcript``::

    {
      "version": "1.0.0",
      "segments": [
        {"speaker": "Maya", "startTime": 4, "endTime": 6.917, "body": "Welcome to Harbour Lights."}
      ]
    }

Its JSON Schema, written from that spec, ships as ``castline/data/transcript.schema.json``.

**One segment per caption cue.** Apps highlight one segment at a time while the episode plays,
so a segment is a caption-sized phrase (at most two lines of 42 characters, at most 7 s),
not a whole paragraph that may run for minutes: the cues of
:func:`castline.timing.cues.episode_cues` under the SubRip captions' default policy (speaker
labels at each change, the Netflix Timed Text Style Guide's limits), so a segment starts and
ends exactly where the matching ``.srt`` cue does. ``speaker`` is the speaker's name as the
captions show it (:func:`castline.timing.cues.speaker_name`), left out when the line has no
``who``. Times are seconds from integer milliseconds (``92``, ``2112.25``), never through
arithmetic on floats. Every word of every line is in the bodies, in order; the timing
engine's warnings are reported. UTF-8, 2-space indent, ``\\n`` end.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext, PerEpisodeExporter
from castline.model import Episode
from castline.timecode import format_seconds
from castline.timing.cues import Cue, CuePolicy, episode_cues, speaker_name
from castline.timing.cuetext import cue_columns

#: The version of the JSON transcript format written.
JSON_TRANSCRIPT_VERSION = "1.0.0"
#: The cue policy segments are cut with: the SubRip captions' default.
SEGMENT_POLICY = CuePolicy(speaker_labels="change")


class JsonTranscriptExporter(PerEpisodeExporter):
    """Podcasting 2.0 JSON transcripts, one segment per caption cue."""

    name: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    suffix: ClassVar[str] = ".json"
    feed_link: ClassVar[str | None] = "transcript"
    feed_order: ClassVar[int] = 4

    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The JSON transcript and the timing engine's warnings."""
        cues, diagnostics = episode_cues(episode, SEGMENT_POLICY)
        return document_text(cues), diagnostics


def document_text(cues: Sequence[Cue]) -> str:
    """The transcript document of ``cues`` (one :func:`segment` each) as
    ``json.dumps(document, ensure_ascii=False, indent=2)`` writes it, with a final newline.

    It is composed from each value's JSON as the encoder writes it (its C string encoder, and
    ``repr`` of the numbers, which is the decimal of :func:`castline.timecode.format_seconds`
    itself below :data:`_EXACT_MS`) rather than by building the dictionaries and running the
    encoder's pure-Python indenting pass over them.

    >>> from castline.model import SourceRef
    >>> print(document_text([Cue(1_000, 2_500, "", ("Hi",), SourceRef("e.md", 3))]), end="")
    {
      "version": "1.0.0",
      "segments": [
        {
          "startTime": 1,
          "endTime": 2.5,
          "body": "Hi"
        }
      ]
    }
    """
    if not cues:
        return f'{{\n  "version": {_string(JSON_TRANSCRIPT_VERSION)},\n  "segments": []\n}}\n'
    # Each speaker's "speaker" entry made once, every segment in one pass.
    entries = {speaker: _speaker_entry(speaker) for speaker in {cue.speaker for cue in cues}}
    columns = cue_columns(cues)
    starts, ends = columns.starts, columns.ends
    if min(min(starts), min(ends)) < 0 or max(max(starts), max(ends)) >= _EXACT_MS:
        blocks = [
            _block(entries[cue.speaker], _number(start), _number(end), cue)
            for cue, start, end in zip(cues, starts, ends, strict=True)
        ]
    else:  # what _number gives, without its call for the times as good as every cue has
        blocks = [
            f"    {{\n{entries[cue.speaker]}"
            f'      "startTime": {start},\n'
            f'      "endTime": {end},\n'
            f'      "body": "{body}"\n    }}'
            for cue, start, end, body in zip(
                cues,
                columns.start_seconds,
                columns.end_seconds,
                _bodies(columns.texts),
                strict=True,
            )
        ]
    listed = ",\n".join(blocks)
    return (
        f'{{\n  "version": {_string(JSON_TRANSCRIPT_VERSION)},\n'
        f'  "segments": [\n{listed}\n  ]\n}}\n'
    )


def _bodies(texts: Sequence[str]) -> Sequence[str]:
    """Each text as :data:`_string` writes it between its quotes: the texts themselves, with
    no call of the encoder per text, when none holds a character it escapes (one search of
    them all, on their UTF-8 bytes: each such character is one byte below 0x80, RFC 3629,
    section 3; a lone surrogate, which the encoder writes as it is, passes as three bytes)."""
    data = "".join(texts).encode("utf-8", "surrogatepass")
    if not data.translate(None, _WRITTEN_AS_IS):
        return texts
    return [_string(text)[1:-1] for text in texts]


def _block(entry: str, start: str, end: str, cue: Cue) -> str:
    """A segment's JSON in the document: its speaker entry, times and body."""
    return (
        f"    {{\n{entry}"
        f'      "startTime": {start},\n'
        f'      "endTime": {end},\n'
        f'      "body": {_string(" ".join(cue.lines))}\n    }}'
    )


def _speaker_entry(speaker: str | None) -> str:
    """The ``"speaker"`` line of a segment of ``speaker``, or ``""`` when it has no name."""
    name = speaker_name(speaker)
    return "" if name is None else f'      "speaker": {_string(name)},\n'


#: A string as JSON without ASCII escaping: the encoder's own function (its C version).
_string = json.encoder.encode_basestring
#: The characters :data:`_string` escapes (RFC 8259, section 7: the quotation mark, the
#: reverse solidus and the control characters); it writes every other one as it is.
_ESCAPED = b'"\\' + bytes(range(0x20))
#: The bytes of UTF-8 text that are no character :data:`_string` escapes.
_WRITTEN_AS_IS = bytes(byte for byte in range(0x100) if byte not in _ESCAPED)


def segment(cue: Cue) -> dict[str, Any]:
    """One cue as a segment: ``speaker`` (when known), ``startTime``, ``endTime``, ``body``.

    >>> from castline.model import SourceRef
    >>> segment(Cue(92_000, 94_250, "Ann:", ("Hi", "there."), SourceRef("e.md", 3), "Ann: "))
    {'speaker': 'Ann', 'startTime': 92, 'endTime': 94.25, 'body': 'Hi there.'}
    """
    entry: dict[str, Any] = {}
    name = speaker_name(cue.speaker)
    if name is not None:
        entry["speaker"] = name
    entry["startTime"] = seconds(cue.start_ms)
    entry["endTime"] = seconds(cue.end_ms)
    entry["body"] = cue.text
    return entry


#: Below this many ms, the decimal seconds have at most 15 significant digits, so the
#: float they parse to writes them back as they are (IEEE 754 doubles hold 15 decimal digits).
_EXACT_MS = 10**15


def _number(ms: int) -> str:
    """The JSON of :func:`seconds` as ``repr`` writes it; the decimal itself, short of
    :data:`_EXACT_MS` (and from 0), where the round trip through a float cannot change it.

    >>> _number(2_112_250), _number(10**18 + 1)
    ('2112.25', '1000000000000000.0')
    """
    if 0 <= ms < _EXACT_MS:
        return format_seconds(ms)
    return repr(seconds(ms))


def seconds(ms: int) -> int | float:
    """Milliseconds as a JSON number of seconds: whole seconds as integers.

    >>> seconds(92_000), seconds(2_112_250), seconds(1)
    (92, 2112.25, 0.001)
    """
    text = format_seconds(ms)
    return float(text) if "." in text else int(text)
