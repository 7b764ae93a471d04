"""Front matter: split a Markdown file into its YAML header and body, and parse the header.

The format is Jekyll's (https://jekyllrb.com/docs/front-matter/): the file's first line is
``---``; the YAML runs to the next line that is ``---`` (or ``...``); the rest is the Markdown
body. YAML is parsed with libyaml (``yaml.CSafeLoader``) when it is present, with one change to
YAML 1.1's implicit types: only ``true``/``false`` are booleans, so a transcript line
``- line: Yes`` stays the text ``Yes`` instead of becoming ``True`` (YAML 1.2 core schema,
https://yaml.org/spec/1.2.2/#1032-tag-resolution).

The YAML is composed into nodes once; the values are constructed from those nodes and every
line number is read from the nodes' marks. Every line is a line **of the file**, not of the
YAML block.
"""

from __future__ import annotations

import bisect
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

#: A place in a parsed value: mapping keys and list indexes, ``("transcript", 3, "sec")``.
KeyPath = tuple[str | int, ...]
#: How deep :func:`parse_yaml` records lines: a key, a list item, a key of that item.
LINE_DEPTH = 3
#: What YAML counts as a line break beyond ``\n`` (YAML 1.1, https://yaml.org/spec/1.1/#id788450).
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed YAML value and the file line of each place in it (up to :data:`LINE_DEPTH`)."""

    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed front matter file."""

    data: Mapping[str, Any]
    body: str
    #: File line of each key, list item and key of a list item: ``("transcript", 0)`` -> 4.
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    #: File line of the body's first line.
    body_line: int = 1

    @property
    def key_lines(self) -> dict[str, int]:
        """File line of each top-level key."""
        return key_lines(self.lines, depth=1)


def key_lines(lines: Mapping[KeyPath, int], *, depth: int) -> dict[str, int]:
    """Lines of the mapping keys up to ``depth`` levels down, by dotted name (``owner.email``)."""
    found: dict[str, int] = {}
    for path, line in lines.items():
        if len(path) <= depth and all(isinstance(part, str) for part in path):
            found.setdefault(".".join(str(part) for part in path), line)
    return found


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
    parsed = parse_yaml("\n".join(lines[1:end]), path, first_line=2)
    data = {} if parsed.data is None else parsed.data
    if not isinstance(data, dict):
        raise ContentError(
            SourceRef(path, 2), f"front matter must be a mapping of keys, not {kind_of(data)}"
        )
    return Document(
        data={str(key): value for key, value in data.items()},
        body="\n".join(lines[end + 1 :]),
        lines=parsed.lines,
        body_line=end + 2,
    )


#: What a YAML error's context ("while parsing a flow sequence") says was left open.
_OPENERS = {"flow sequence": "'['", "flow mapping": "'{'", "quoted scalar": "quote"}


def parse_yaml(text: str, path: str, *, first_line: int = 1) -> Parsed:
    """Parse YAML: compose it once, construct the value and read each place's line from the nodes.

    Errors point at ``path`` with lines counted from ``first_line``.

    Raises:
        ContentError: invalid YAML.
    """
    loader = ContentLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise ContentError(*_marked_problem(error, text, path, first_line)) from None
    except yaml.YAMLError as error:
        raise ContentError(SourceRef(path, first_line), f"invalid YAML: {error}") from None
    except (ValueError, OverflowError, RecursionError) as error:
        raise ContentError(SourceRef(path, first_line), f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    return Parsed(data, _file_lines(_node_marks(node), text, first_line))


def _marked_problem(
    error: yaml.MarkedYAMLError, text: str, path: str, first_line: int
) -> tuple[SourceRef, str]:
    """Where a YAML error is and what it says, with a hint for tabs and unclosed brackets."""
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
    return SourceRef(path, line), problem


def _file_lines(marks: dict[KeyPath, yaml.Mark], text: str, first_line: int) -> dict[KeyPath, int]:
    """Node marks to file lines, counting only ``\\n`` as a line end (as the file's lines do)."""
    if not any(character in text for character in _OTHER_BREAKS):
        return {path: first_line + mark.line for path, mark in marks.items()}
    ends = [index for index, character in enumerate(text) if character == "\n"]
    return {path: first_line + bisect.bisect_left(ends, mark.index) for path, mark in marks.items()}


def _node_marks(root: yaml.Node | None) -> dict[KeyPath, yaml.Mark]:
    """The start of each key and list item down to :data:`LINE_DEPTH`, in document order.

    A key given twice keeps its first place; the places below it come from its last value, the
    one the constructed mapping holds.
    """
    marks: dict[KeyPath, yaml.Mark] = {}
    collections = (yaml.MappingNode, yaml.SequenceNode)

    def visit(node: yaml.Node, path: KeyPath) -> None:
        below: list[tuple[KeyPath, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*path, str(key_node.value))
                marks.setdefault(key, key_node.start_mark)
                below.append((key, value_node))
        else:
            for index, child in enumerate(node.value):
                marks[(*path, index)] = child.start_mark
                below.append(((*path, index), child))
        if len(path) + 1 < LINE_DEPTH:
            last = dict(below)  # of a key given twice, its last value
            for key, child in last.items():
                if isinstance(child, collections):
                    visit(child, key)

    if isinstance(root, collections):
        visit(root, ())
    return marks


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
