"""The transcript grammar (the DataTalks.Club ``_podcast`` style)::

    transcript:
    - header: Section title          # optional sec/time: the section's own start
    - line: Paragraph text           # required, non-empty
      who: Speaker name              # optional
      sec: 92                        # optional, seconds (preferred)
      time: '1:32'                   # optional, M:SS / MM:SS / H:MM:SS

A malformed item stops the episode (a :class:`~castline.errors.ContentError` at its line); a
missing speaker or an unreadable ``time`` is a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.load.fields import FieldReader
from castline.load.frontmatter import kind_of
from castline.model import Header, SourceRef, TranscriptItem, Utterance
from castline.timecode import parse_clock


def read_transcript(reader: FieldReader, raw: object) -> tuple[TranscriptItem, ...]:
    """The ``transcript`` list ``raw`` as headers and utterances, each at its file line.

    Raises:
        ContentError: ``transcript`` is not a list, or an item is malformed.
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentError(
            reader.where("transcript"), f"'transcript' must be a list, not {kind_of(raw)}"
        )
    items: list[TranscriptItem] = []
    for index, source, item in reader.items("transcript", raw):
        number = index + 1
        if not isinstance(item, dict):
            raise ContentError(
                source,
                f"transcript item {number} must be a 'line' or a 'header' mapping, "
                f"not {kind_of(item)}",
            )
        if "line" in item:
            items.append(_utterance(reader, item, index, source))
        elif "header" in item:
            title = item["header"]
            if title is None or isinstance(title, list | dict) or not str(title).strip():
                raise ContentError(source, f"transcript item {number} has an empty 'header'")
            stamp = _stamp(reader, item, index, source)
            items.append(Header(str(title).strip(), source, stamp))
        else:
            keys = ", ".join(sorted(str(key) for key in item)) or "none"
            raise ContentError(
                source, f"transcript item {number} has neither 'line' nor 'header' (keys: {keys})"
            )
    return tuple(items)


def _utterance(
    reader: FieldReader, item: Mapping[str, Any], index: int, source: SourceRef
) -> Utterance:
    """A ``line`` item: its text, speaker (``who``) and start."""
    number = index + 1
    text = item["line"]
    if text is None or isinstance(text, list | dict | bool) or not str(text).strip():
        raise ContentError(source, f"transcript item {number} has no text in 'line'")
    who = item.get("who")
    speaker = str(who).strip() if who is not None and str(who).strip() else None
    if speaker is None:
        reader.sink.append(
            Diagnostic.warning(source, f"transcript item {number} has no 'who'; unknown speaker")
        )
    stamp = _stamp(reader, item, index, source)
    return Utterance(str(text).strip(), speaker, stamp, source)


def _stamp(
    reader: FieldReader, item: Mapping[str, Any], index: int, source: SourceRef
) -> int | None:
    """The item's start in ms: ``sec`` preferred, ``time`` parsed tolerantly.

    A problem with either is reported at its own line; a disagreement at the ``time`` line.
    """

    def at(key: str) -> SourceRef:
        return reader.at(("transcript", index, key), source)

    sec = item.get("sec")
    sec_ms: int | None = None
    if sec is not None:
        if isinstance(sec, bool) or not isinstance(sec, int | float):
            raise ContentError(at("sec"), f"'sec' must be a number of seconds, not {sec!r}")
        if sec < 0:
            raise ContentError(at("sec"), f"'sec' must not be negative, not {sec!r}")
        sec_ms = round(sec * 1000)
    time = item.get("time")
    time_ms: int | None = None
    if time is not None:
        if isinstance(time, int) and not isinstance(time, bool):
            # YAML 1.1 reads an unquoted 1:32 as the sexagesimal number 92.
            time_ms = time * 1000
        else:
            try:
                time_ms = parse_clock(str(time))
            except ValueError:
                what = "ignored" if sec_ms is not None else "line left untimed"
                message = f"'time' {str(time)!r} is not M:SS or H:MM:SS; {what}"
                reader.sink.append(Diagnostic.warning(at("time"), message))
    if sec_ms is not None and time_ms is not None and abs(sec_ms - time_ms) >= 1000:
        message = f"'sec' {sec} and 'time' {str(time)!r} disagree; using 'sec'"
        reader.sink.append(Diagnostic.warning(at("time"), message))
    return sec_ms if sec_ms is not None else time_ms
