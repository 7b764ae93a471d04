"""Typed reading of a parsed YAML mapping: a wrong type is reported at its line and ignored."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from castline.diagnostics import Diagnostic
from castline.load.frontmatter import KeyPath, kind_of
from castline.model import SourceRef


class FieldReader:
    """Reads the fields of one file's mapping, appending each problem to ``sink``.

    ``lines`` holds the file line of each place in the file (see
    :func:`castline.load.frontmatter.parse_yaml`); a key is named by its dotted path
    (``owner.email``) and placed at its own line, else at its top-level key's, else at line 1.
    """

    def __init__(self, path: str, lines: Mapping[KeyPath, int], sink: list[Diagnostic]) -> None:
        self.path = path
        self.lines = lines
        self.sink = sink

    def where(self, key: str) -> SourceRef:
        """The place of the key with dotted name ``key``."""
        parts = tuple(key.split("."))
        line = self.lines.get(parts) or self.lines.get(parts[:1], 1)
        return SourceRef(self.path, line)

    def at(self, path: KeyPath, default: SourceRef) -> SourceRef:
        """The place of ``path`` (a key of a list item, say), ``default`` if it is not known."""
        line = self.lines.get(path)
        return default if line is None else SourceRef(self.path, line)

    def warn(self, key: str, message: str) -> None:
        """Report a warning at ``key``."""
        self.sink.append(Diagnostic.warning(self.where(key), message))

    def error(self, key: str, message: str) -> None:
        """Report an error at ``key``."""
        self.sink.append(Diagnostic.error(self.where(key), message))

    def items(self, key: str, raw: list[Any]) -> Iterator[tuple[int, SourceRef, object]]:
        """Index, place and value of each item of the top-level list ``key`` (``raw``)."""
        fallback = self.where(key)
        for index, item in enumerate(raw):
            yield index, self.at((key, index), fallback), item

    def text(self, data: Mapping[str, Any], key: str, *, label: str | None = None) -> str | None:
        """``data[key]`` as stripped text; None when absent, empty or not text (a warning)."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool | list | dict):
            self.warn(label or key, f"'{label or key}' must be text, not {kind_of(value)}; ignored")
            return None
        text = str(value).strip()
        return text or None

    def integer(self, data: Mapping[str, Any], key: str, *, label: str | None = None) -> int | None:
        """``data[key]`` as a whole number (digits in text count); None when absent or not one."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.warn(
                label or key, f"'{label or key}' must be a whole number, not {value!r}; ignored"
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
            self.error(key, message)
        else:
            self.warn(key, message + "; ignored")
        return None

    def strings(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """``data[key]`` as a list of texts (one text is a list of one); empty items dropped."""
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            self.warn(key, f"'{key}' must be a list, not {kind_of(value)}; ignored")
            return ()
        return tuple(str(item) for item in value if item is not None)

    def pairs(self, data: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
        """``data[key]`` as (name, text) pairs of a mapping; empty values dropped."""
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.warn(key, f"'{key}' must be a mapping, not {kind_of(value)}; ignored")
            return ()
        return tuple((str(k), str(v)) for k, v in value.items() if v is not None)
