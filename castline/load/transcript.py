"""The transcript grammar (the DataTalks.Club ``_podcast`` style)::

    transcript:
    - header: Section title          # optional sec/time: the section's own start
    - line: Paragraph text           # required, non-empty
      who: Speaker name              # optional
      sec: 92                        # optional, seconds (preferred)
      time: '1:32'                   # optional, M:SS / MM:SS / H:MM:SS

A malformed item stops the episode (a :class:`~castline.errors.ContentError` at its line), as
does a transcript longer than ``limits.transcript_items`` or a text longer than
``limits.line_chars``; a missing speaker, an unreadable ``time`` or a stamp that is not finite
or past 100 hours is a warning (the stamp is ignored).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from castline.diagnostics import rule
from castline.errors import ContentError
from castline.load.fields import (
    MAX_MS,
    WRONG_TYPE,
    BadNumber,
    FieldReader,
    bounded_ms,
    seconds_ms,
    yaml_number,
)
from castline.load.frontmatter import kind_of
from castline.model import Header, Limits, SourceRef, TranscriptItem, Utterance
from castline.timecode import parse_clock

#: The kinds of problem in a transcript.
TRANSCRIPT_OVER_LIMIT = rule(
    "L301",
    "transcript-over-limit",
    "a transcript or one of its lines is longer than ``limits`` allow",
)
INVALID_TRANSCRIPT_ITEM = rule(
    "L302",
    "invalid-transcript-item",
    "a transcript item is not a 'line' or 'header' mapping with text",
)
MISSING_SPEAKER = rule(
    "L303", "missing-speaker", "a transcript line has no 'who', or one that is no name"
)
INVALID_STAMP = rule("L304", "invalid-stamp", "a line's 'sec' or 'time' is not a usable time")
STAMP_MISMATCH = rule(
    "L305", "stamp-mismatch", "a line's 'sec' and 'time' disagree by a second or more"
)

#: The largest whole ``sec`` :func:`~castline.load.fields.seconds_ms` reads.
_MAX_SECONDS = MAX_MS // 1000


def read_transcript(
    reader: FieldReader, raw: object, limits: Limits | None = None
) -> tuple[TranscriptItem, ...]:
    """The ``transcript`` list ``raw`` as headers and utterances, each at its file line.

    Raises:
        ContentError: ``transcript`` is not a list or is longer than ``limits``, or an item is
            malformed.
    """
    limits = limits or Limits()
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentError(
            WRONG_TYPE,
            reader.where("transcript"),
            f"'transcript' must be a list, not {kind_of(raw)}",
        )
    if len(raw) > limits.transcript_items:
        raise ContentError(
            TRANSCRIPT_OVER_LIMIT,
            reader.where("transcript"),
            f"'transcript' has {len(raw):,} items, more than limits.transcript_items "
            f"({limits.transcript_items:,}) allows",
        )
    items: list[TranscriptItem] = []
    for index, source, item in reader.items("transcript", raw):
        number = index + 1
        if not isinstance(item, dict):
            raise ContentError(
                INVALID_TRANSCRIPT_ITEM,
                source,
                f"transcript item {number} must be a 'line' or a 'header' mapping, "
                f"not {kind_of(item)}",
            )
        if "line" in item:
            items.append(_utterance(reader, item, index, source, limits))
        elif "header" in item:
            title = item["header"]
            if title is None or isinstance(title, list | dict) or not str(title).strip():
                raise ContentError(
                    INVALID_TRANSCRIPT_ITEM,
                    source,
                    f"transcript item {number} has an empty 'header'",
                )
            title = _text(reader, str(title), "header", number, source, limits)
            stamp = _stamp(reader, item, index, source)
            items.append(Header(title, source, stamp))
        else:
            keys = ", ".join(sorted(str(key) for key in item)) or "none"
            raise ContentError(
                INVALID_TRANSCRIPT_ITEM,
                source,
                f"transcript item {number} has neither 'line' nor 'header' (keys: {keys})",
            )
    return tuple(items)


#: How a message names a YAML value that is no text.
_KINDS = {list: "a list", dict: "a mapping", bool: "true or false"}

#: The item keys whose problems are reported at their own line; the others (``line``,
#: ``header``) at the item's.
_OWN_LINE = frozenset({"who"})


def _text(
    reader: FieldReader, text: str, key: str, number: int, source: SourceRef, limits: Limits
) -> str:
    """Item ``number``'s ``line``, ``header`` or ``who`` text: cleaned (when its YAML holds an
    escape: :attr:`~castline.load.frontmatter.Document.escapes`), stripped, within
    ``limits.line_chars``; a problem is reported at ``source``, the item's line, or at the
    key's own (:data:`_OWN_LINE`), looked up only then.

    Raises:
        ContentError: the text is longer than the limit.
    """
    if reader.escapes:
        text = reader.clean(text, _where(reader, key, number, source), key)
    text = text.strip()
    if len(text) > limits.line_chars:
        raise ContentError(
            TRANSCRIPT_OVER_LIMIT,
            _where(reader, key, number, source),
            f"transcript item {number}: '{key}' has {len(text):,} characters, more than "
            f"limits.line_chars ({limits.line_chars:,}) allows",
        )
    return text


def _where(reader: FieldReader, key: str, number: int, source: SourceRef) -> SourceRef:
    if key in _OWN_LINE:
        return reader.at(("transcript", number - 1, key), source)
    return source


def _utterance(
    reader: FieldReader, item: Mapping[str, Any], index: int, source: SourceRef, limits: Limits
) -> Utterance:
    """A ``line`` item: its text, speaker (``who``) and start."""
    number = index + 1
    text = item["line"]
    if type(text) is not str:  # a number or a date is read as its text
        if text is None or isinstance(text, list | dict | bool):
            text = ""
        text = str(text)
    if not text.strip():
        raise ContentError(
            INVALID_TRANSCRIPT_ITEM, source, f"transcript item {number} has no text in 'line'"
        )
    text = _text(reader, text, "line", number, source, limits)
    who = item.get("who")
    speaker = None
    if isinstance(who, list | dict | bool):  # a number or a date is read as its text
        where = _where(reader, "who", number, source)
        kind = _KINDS[type(who)]
        problem = f"transcript item {number}: 'who' is {kind}, not a name; unknown speaker"
        reader.sink.append(MISSING_SPEAKER.warning(where, problem))
    else:
        if who is not None:
            speaker = _text(reader, str(who), "who", number, source, limits) or None
        if speaker is None:
            problem = f"transcript item {number} has no 'who'; unknown speaker"
            reader.sink.append(MISSING_SPEAKER.warning(source, problem))
    sec, time = item.get("sec"), item.get("time")
    if type(sec) is int and 0 <= sec <= _MAX_SECONDS and type(time) is str:
        stamp = _timed(reader, sec, time, index, source)
    else:
        stamp = _stamp(reader, item, index, source)
    return Utterance(text, speaker, stamp, source)


def _timed(reader: FieldReader, sec: int, time: str, index: int, source: SourceRef) -> int | None:
    """The start in ms of a line with a whole ``sec`` in range and a ``time`` text, as
    :func:`_stamp` reads it (the usual line, read without its general checks)."""
    try:
        time_ms = bounded_ms(_clock(time))
    except ValueError:
        return _stamp(reader, {"sec": sec, "time": time}, index, source)
    if abs(sec * 1000 - time_ms) >= 1000:
        message = f"'sec' {sec} and 'time' {time!r} disagree; using 'sec'"
        where = reader.at(("transcript", index, "time"), source)
        reader.sink.append(STAMP_MISMATCH.warning(where, message))
    return sec * 1000


#: The longest ``time`` text :func:`_clock` remembers (``100:00:00.000`` and a little room).
_REMEMBERED_CLOCK = 16


def _clock(text: str) -> int:
    """:func:`castline.timecode.parse_clock`, remembered for short texts (a show repeats its
    stamps); a longer one (padded with spaces, say) is parsed and not kept."""
    if len(text) > _REMEMBERED_CLOCK:
        return parse_clock(text)
    return _remembered_clock(text)


_remembered_clock = functools.lru_cache(maxsize=8192)(parse_clock)


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
            raise ContentError(
                INVALID_STAMP, at("sec"), f"'sec' must be a number of seconds, not {sec!r}"
            )
        if sec < 0:
            raise ContentError(
                INVALID_STAMP, at("sec"), f"'sec' must not be negative, not {yaml_number(sec)}"
            )
        try:
            sec_ms = seconds_ms(sec)
        except BadNumber as error:
            message = f"'sec' {error}; the stamp is ignored"
            reader.sink.append(INVALID_STAMP.warning(at("sec"), message))
    time = item.get("time")
    time_ms: int | None = None
    if time is not None:
        what = "ignored" if sec_ms is not None else "line left untimed"
        try:
            # YAML 1.1 reads an unquoted 1:32 as the sexagesimal number 92.
            sexagesimal = isinstance(time, int) and not isinstance(time, bool)
            time_ms = bounded_ms(time * 1000 if sexagesimal else _clock(str(time)))
        except BadNumber as error:
            message = f"'time' {_shown(time)} {error}; {what}"
            reader.sink.append(INVALID_STAMP.warning(at("time"), message))
        except ValueError:
            message = f"'time' {_shown(time)} is not M:SS or H:MM:SS; {what}"
            reader.sink.append(INVALID_STAMP.warning(at("time"), message))
    if sec_ms is not None and time_ms is not None and abs(sec_ms - time_ms) >= 1000:
        message = f"'sec' {sec} and 'time' {str(time)!r} disagree; using 'sec'"
        reader.sink.append(STAMP_MISMATCH.warning(at("time"), message))
    return sec_ms if sec_ms is not None else time_ms


def _shown(time: object) -> str:
    """A ``time`` value for a message: quoted text, at most 40 characters of it."""
    return repr(yaml_number(time) if isinstance(time, int) else str(time)[:40])
