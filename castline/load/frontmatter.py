"""Front matter: split a Markdown file into its YAML header and body, and parse the header.

The format (Jekyll's): the file's first line is ``---``; the YAML runs to the next line that is
``---`` (or ``...``); the rest is the Markdown body. YAML is parsed with libyaml
(``yaml.CSafeLoader``) when it is present, with one change to YAML 1.1's implicit types:
only ``true``/``false`` are booleans, so a transcript line ``- line: Yes`` stays the text
``Yes`` instead of becoming ``True`` (YAML 1.2 core schema behaviour).

Every error names the line **of the file**, not of the YAML block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from castline.errors import ContentError
from castline.model import SourceRef

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's safe loader with YAML 1.2 booleans (only true/false, any case)."""


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _InvalidDate(yaml.constructor.ConstructorError):
    """Well-formed YAML holding an impossible date."""


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """YAML's timestamp, with an impossible date (``2026-02-30``) reported at its line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as error:
        raise _InvalidDate(
            None, None, f"'{node.value}' is not a valid date ({error})", node.start_mark
        ) from None


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_DELIMITER = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_ITEM = re.compile(r"^([ \t]*)-(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed front matter file."""

    data: Mapping[str, Any]
    body: str
    #: File line of each top-level key.
    key_lines: Mapping[str, int] = field(default_factory=dict)
    #: File line of each item of each top-level list, by key (``transcript`` -> [12, 17, ...]).
    item_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: File line of the body's first line.
    body_line: int = 1
    #: The file's lines (for finding the line of a key inside a list item).
    lines: tuple[str, ...] = ()

    def line_of(self, key: str, item_line: int) -> int:
        """The line of ``key:`` inside the list item that starts at ``item_line``.

        Falls back to ``item_line`` when the key is not found before the next item.
        """
        pattern = re.compile(rf"^[ \t-]*{re.escape(key)}[ \t]*:")
        start = self.lines[item_line - 1] if 0 < item_line <= len(self.lines) else ""
        indent = len(start) - len(start.lstrip(" \t"))
        for number in range(item_line, min(len(self.lines), item_line + 500) + 1):
            line = self.lines[number - 1]
            if (
                number > item_line
                and line[indent : indent + 1] == "-"
                and not line[:indent].strip()
            ):
                break
            if pattern.match(line):
                return number
        return item_line


def decode(raw: bytes, path: str) -> str:
    """UTF-8 bytes to text with ``\\n`` line ends; a BOM is dropped.

    Raises:
        ContentError: not UTF-8 (at the line of the first bad byte), or empty.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ContentError(
            SourceRef(path, line), f"not UTF-8 text (byte 0x{raw[error.start]:02x})"
        ) from None
    if not text.strip():
        raise ContentError(SourceRef(path, 1), "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(text: str, path: str) -> Document:
    """Split and parse a front matter file.

    Raises:
        ContentError: no front matter, front matter not closed, invalid YAML, or a YAML value
            that is not a mapping.
    """
    lines = text.split("\n")
    if not _DELIMITER.match(lines[0]):
        raise ContentError(
            SourceRef(path, 1), "no front matter: the file must start with a '---' line"
        )
    end = next((i for i, line in enumerate(lines) if i and _END.match(line)), 0)
    if not end:
        raise ContentError(
            SourceRef(path, 1), "front matter is not closed: no '---' line after line 1"
        )
    yaml_text = "\n".join(lines[1:end])
    data = parse_yaml(yaml_text, path, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(
            SourceRef(path, 2), f"front matter must be a mapping of keys, not {kind_of(data)}"
        )
    key_lines, item_lines = _scan_lines(lines[1:end], first_line=2)
    if set(key_lines) != {str(key) for key in data} or any(
        isinstance(data.get(key), list) and len(data[key]) != len(item_lines.get(key, ()))
        for key in data
    ):
        key_lines, item_lines = _composed_lines(yaml_text, first_line=2)
    body = "\n".join(lines[end + 1 :])
    return Document(
        data={str(key): value for key, value in data.items()},
        body=body,
        key_lines=key_lines,
        item_lines=item_lines,
        body_line=end + 2,
        lines=tuple(lines),
    )


#: What a YAML error's context ("while parsing a flow sequence") says was left open.
_OPENERS = {"flow sequence": "'['", "flow mapping": "'{'", "quoted scalar": "quote"}


def parse_yaml(text: str, path: str, *, first_line: int = 1) -> Any:
    """Parse YAML; errors point at ``path`` with lines counted from ``first_line``.

    Raises:
        ContentError: invalid YAML.
    """
    try:
        return yaml.load(text, Loader=ContentLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = error.problem or "invalid YAML"
        lines = text.splitlines()
        tab = mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]
        if tab and "tab" not in problem:
            problem += " (a tab: YAML indents with spaces)"
        # An unclosed bracket or quote is found where the parser gives up: say where it opened.
        opened, context = error.context_mark, error.context or ""
        opener = next((o for key, o in _OPENERS.items() if key in context), None)
        if opener and opened and mark and opened.line < mark.line:
            problem += f" (the {opener} opened on line {first_line + opened.line})"
        if not isinstance(error, _InvalidDate):
            problem = f"invalid YAML: {problem}"
        raise ContentError(SourceRef(path, line), problem) from None
    except yaml.YAMLError as error:
        raise ContentError(SourceRef(path, first_line), f"invalid YAML: {error}") from None
    except (ValueError, OverflowError, RecursionError) as error:
        raise ContentError(SourceRef(path, first_line), f"invalid YAML: {error}") from None


def _scan_lines(
    lines: list[str], *, first_line: int
) -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    """Lines of top-level keys and of their list items, by a text scan of block-style YAML.

    The caller checks the result against the parsed data and falls back to
    :func:`_composed_lines` when they disagree (flow style, unusual layouts).
    """
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    current: str | None = None
    item_indent: str | None = None
    for number, line in enumerate(lines, start=first_line):
        key = _TOP_KEY.match(line)
        if key:
            current = key.group(1)
            key_lines.setdefault(current, number)
            item_indent = None
            continue
        if current is None:
            continue
        item = _ITEM.match(line)
        if item:
            indent = item.group(1)
            if item_indent is None:
                item_indent = indent
            if indent == item_indent:
                item_lines.setdefault(current, []).append(number)
    return key_lines, {key: tuple(found) for key, found in item_lines.items()}


def _composed_lines(
    text: str, *, first_line: int
) -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    """Lines of top-level keys and list items from libyaml's node marks (slower, exact)."""
    node = yaml.compose(text, Loader=ContentLoader)
    key_lines: dict[str, int] = {}
    item_lines: dict[str, tuple[int, ...]] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_lines.setdefault(key, first_line + key_node.start_mark.line)
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[key] = tuple(
                    first_line + child.start_mark.line for child in value_node.value
                )
    return key_lines, item_lines


def kind_of(value: object) -> str:
    """A YAML-ish name for a parsed value's type, for messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
