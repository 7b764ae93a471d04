"""Typed reading of a parsed YAML mapping: a wrong type is reported at its line and ignored.

Two rules every field follows, written once here: a number must be finite and in its range
(YAML gives ``.nan``, ``.inf`` and ``1e400`` as floats, and integers of any size), and a text
loses the characters XML 1.0 cannot hold (https://www.w3.org/TR/xml/#charsets), with one
warning a field, so that no exporter meets them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from castline.diagnostics import Diagnostic, Rule, rule
from castline.load.frontmatter import KeyPath, item_lines, kind_of
from castline.model import SourceRef
from castline.text import clean_text, xml_text
from castline.timecode import parse_clock

#: The kinds of problem with a field, whatever file holds it.
WRONG_TYPE = rule(
    "L201",
    "wrong-type",
    "a field holds the wrong type of value (text, number, list, mapping, true/false)",
)
OUT_OF_RANGE = rule("L202", "out-of-range", "a number is outside the range its field allows")
MISSING_TITLE = rule(
    "L204", "missing-title", "an episode or a profile has no 'title'; a name is made up"
)
INVALID_ENTRY = rule(
    "L205",
    "invalid-entry",
    "an entry of a list (funding, clips, chapters) is not a mapping, lacks a field, or has a bad "
    "time; ignored",
)

#: The longest time castline reads (a stamp, an offset, a duration).
MAX_HOURS = 100
#: :data:`MAX_HOURS` in milliseconds.
MAX_MS = MAX_HOURS * 3_600_000
#: The largest whole number a count field (``season``, ``episode``) may hold.
MAX_COUNT = 1_000_000


class BadNumber(ValueError):
    """A number castline does not read; the message says what it must be (``must be ...``)."""


def yaml_number(value: object) -> str:
    """A number as YAML writes it, for messages: ``.nan``, ``.inf``, ``-.inf``, ``12``; a huge
    integer is not spelled out.

    >>> yaml_number(float("nan")), yaml_number(float("-inf")), yaml_number(1.5)
    ('.nan', '-.inf', '1.5')
    """
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, int) and abs(value) >= 10**30:
        return "a number of more than 30 digits"
    return repr(value)


def seconds_ms(value: float) -> int:
    """A number of seconds as milliseconds, if it is finite, not negative and within
    :data:`MAX_HOURS`.

    Raises:
        BadNumber: it is not.
    """
    if not math.isfinite(value):
        raise BadNumber(f"must be a finite number of seconds, not {yaml_number(value)}")
    if value < 0:
        raise BadNumber(f"must not be negative, not {yaml_number(value)}")
    if value * 1000 > MAX_MS:
        raise BadNumber(
            f"must be at most {MAX_MS // 1000} seconds ({MAX_HOURS} hours), "
            f"not {yaml_number(value)}"
        )
    return round(value * 1000)


def bounded_ms(ms: int) -> int:
    """A parsed time in milliseconds, if it is within :data:`MAX_HOURS`.

    Raises:
        BadNumber: it is longer.
    """
    if ms > MAX_MS:
        raise BadNumber(f"must be at most {MAX_HOURS} hours")
    return ms


def time_ms(value: object) -> int:
    """Seconds (a number) or ``M:SS``/``H:MM:SS`` text, in ms, by the rules above.

    Raises:
        BadNumber: neither, or out of range.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return seconds_ms(value)
    if isinstance(value, str):
        try:
            return bounded_ms(parse_clock(value))
        except ValueError as error:
            if isinstance(error, BadNumber):
                raise
    raise BadNumber(f"must be seconds or M:SS, not {value!r}")


class FieldReader:
    """Reads the fields of one file's mapping, appending each problem to ``sink``.

    ``lines`` holds the file line of each place in the file (see
    :func:`castline.load.frontmatter.parse_yaml`); a key is named by its dotted path
    (``owner.email``) and placed at its own line, else at its top-level key's, else at line 1.
    """

    def __init__(
        self,
        path: str,
        lines: Mapping[KeyPath, int],
        sink: list[Diagnostic],
        *,
        escapes: bool = True,
    ) -> None:
        self.path = path
        self.lines = lines
        self.sink = sink
        #: False when the mapping's YAML holds no escape, so that no text of its values needs
        #: :meth:`clean` (:attr:`castline.load.frontmatter.Document.escapes`).
        self.escapes = escapes

    def where(self, key: str) -> SourceRef:
        """The place of the key with dotted name ``key``."""
        parts = tuple(key.split("."))
        line = self.lines.get(parts) or self.lines.get(parts[:1], 1)
        return SourceRef(self.path, line)

    def at(self, path: KeyPath, default: SourceRef) -> SourceRef:
        """The place of ``path`` (a key of a list item, say), ``default`` if it is not known."""
        line = self.lines.get(path)
        return default if line is None else SourceRef(self.path, line)

    def warn(self, kind: Rule, key: str, message: str) -> None:
        """Report a warning of ``kind`` at ``key``."""
        self.sink.append(kind.warning(self.where(key), message))

    def error(self, kind: Rule, key: str, message: str) -> None:
        """Report an error of ``kind`` at ``key``."""
        self.sink.append(kind.error(self.where(key), message))

    def items(self, key: str, raw: list[Any]) -> Iterator[tuple[int, SourceRef, object]]:
        """Index, place and value of each item of the top-level list ``key`` (``raw``)."""
        fallback = self.where(key)
        lines = item_lines(self.lines, key, len(raw))
        for index, item in enumerate(raw):
            line = lines[index]
            yield index, fallback if line is None else SourceRef(self.path, line), item

    def clean(self, text: str, where: SourceRef, label: str) -> str:
        """``text`` without what no output can hold (:func:`castline.text.clean_text`: lone
        surrogates replaced, characters XML 1.0 cannot hold removed), one warning at ``where``
        for each kind repaired."""
        return clean_text(text, where, f"'{label}'", self.sink, xml=True)

    def text(self, data: Mapping[str, Any], key: str, *, label: str | None = None) -> str | None:
        """``data[key]`` as stripped text; None when absent, empty or not text (a warning)."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool | list | dict):
            self.warn(
                WRONG_TYPE,
                label or key,
                f"'{label or key}' must be text, not {kind_of(value)}; ignored",
            )
            return None
        text = self.clean(str(value), self.where(label or key), label or key).strip()
        return text or None

    def integer(self, data: Mapping[str, Any], key: str, *, label: str | None = None) -> int | None:
        """``data[key]`` as a whole number from 0 to :data:`MAX_COUNT` (digits in text count);
        None when absent or not one (a warning)."""
        value = data.get(key)
        name = label or key
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 30:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            shown = yaml_number(value) if isinstance(value, float) else repr(value)
            self.warn(WRONG_TYPE, name, f"'{name}' must be a whole number, not {shown}; ignored")
            return None
        if not 0 <= value <= MAX_COUNT:
            self.warn(
                OUT_OF_RANGE,
                name,
                f"'{name}' must be a whole number from 0 to {MAX_COUNT:,}, "
                f"not {yaml_number(value)}; ignored",
            )
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, *, error: bool = False) -> bool | None:
        """``data[key]`` as a boolean; anything else is a warning (an error with ``error``)."""
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        message = f"'{key}' must be true or false, not {value!r}"
        if error:
            self.error(WRONG_TYPE, key, message)
        else:
            self.warn(WRONG_TYPE, key, message + "; ignored")
        return None

    def strings(self, data: Mapping[str, Any], key: str, *, clean: bool = True) -> tuple[str, ...]:
        """``data[key]`` as a list of texts (one text is a list of one); empty items dropped.

        Without ``clean`` the texts are as written (ids, which are checked, not repaired)."""
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.warn(WRONG_TYPE, key, f"'{key}' must be a list, not {kind_of(value)}; ignored")
            return ()
        if any(isinstance(item, list | dict) for item in value):
            self.warn(
                WRONG_TYPE,
                key,
                f"'{key}' must be a list of texts; its lists and mappings are ignored",
            )
        texts = [
            str(item) for item in value if item is not None and not isinstance(item, list | dict)
        ]
        cleaned = tuple(xml_text(text) for text in texts) if clean else tuple(texts)
        if cleaned != tuple(texts):
            self.clean("".join(texts), self.where(key), key)  # one warning for the list
        return cleaned

    def pairs(self, data: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
        """``data[key]`` as (name, text) pairs of a mapping; empty values dropped."""
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.warn(WRONG_TYPE, key, f"'{key}' must be a mapping, not {kind_of(value)}; ignored")
            return ()
        where = self.where(key)
        return tuple(
            (self.clean(str(k), where, key), self.clean(str(v), where, f"{key}.{k}"))
            for k, v in value.items()
            if v is not None
        )
