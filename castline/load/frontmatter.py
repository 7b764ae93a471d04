"""Front matter: split a Markdown file into its YAML header and body, and parse the header.

The format is Jekyll's (https://jekyllrb.com/docs/front-matter/): the file's first line is
``---``; the YAML runs to the next line that is ``---`` (or ``...``); the rest is the Markdown
body. YAML is parsed with libyaml (``yaml.CSafeLoader``) when it is present, with one change to
YAML 1.1's implicit types: only ``true``/``false`` are booleans, so a transcript line
``- line: Yes`` stays the text ``Yes`` instead of becoming ``True`` (YAML 1.2 core schema,
https://yaml.org/spec/1.2.2/#1032-tag-resolution).

The YAML is read once. Where the native reader is built (``castline/load/_yaml_tree.c``), libyaml's
events become the values and a tree of their lines in one pass (:class:`TreeLines`); a text it
does not read itself (an anchor, a tag, a key that is not text, an error) is composed into
PyYAML's nodes, the values are constructed from those nodes and every line number is read from
the nodes' marks (:class:`NodeLines`). Both give the same values, lines and messages. Every line
is a line **of the file**, not of the YAML block, and a key given twice in one mapping is a
warning (:data:`REPEATED_KEY`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from castline.diagnostics import Diagnostic, rule
from castline.errors import ContentError
from castline.model import Limits, SourceRef
from castline.text import one_line

#: The kinds of problem parsing a file.
NOT_UTF8 = rule("L101", "not-utf8", "a file is not UTF-8 text")
EMPTY_FILE = rule("L102", "empty-file", "a file is empty")
NO_FRONT_MATTER = rule(
    "L103", "no-front-matter", "an episode file has no front matter between '---' lines"
)
INVALID_YAML = rule("L104", "invalid-yaml", "the YAML does not parse")
YAML_TOO_LARGE = rule("L105", "yaml-too-large", "the YAML has more nodes than ``limits`` allow")
RECURSIVE_ALIAS = rule("L106", "recursive-alias", "a YAML alias repeats a node that contains it")
NOT_A_MAPPING = rule(
    "L107", "not-a-mapping", "show.yaml or the front matter is not a mapping of keys"
)
REPEATED_KEY = rule(
    "L108", "repeated-key", "a key is given twice in one mapping; its last value is used"
)

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: What the composer asks :meth:`TypedLoader.resolve`, as PyYAML answers it, and the tags and
#: node class the fast paths compare with.
_resolve: Callable[..., str] = _BaseLoader.resolve
_SCALAR, _SEQUENCE, _MAPPING = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))


#: Nodes one file's YAML may hold when no limit is given (:attr:`Limits.yaml_nodes`).
DEFAULT_MAX_NODES = Limits().yaml_nodes


class _TooManyNodes(yaml.YAMLError):
    """The YAML holds more nodes than the limit; ``key`` is the top-level key reached, if any."""

    def __init__(self, key: yaml.Node | None) -> None:
        super().__init__("too many nodes")
        self.key = key


class TypedLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's safe loader with YAML 1.2 booleans (only true/false, any case) and dates
    checked (see :func:`_construct_timestamp`): the types castline reads, without the checks
    of :class:`ContentLoader`. :func:`parse_yaml` uses it only for a text that cannot hold more
    nodes than the limit (:func:`most_nodes`), and reads a text it fails on again with
    :class:`ContentLoader`, for the message.

    libyaml's composer calls :meth:`descend_resolver`, :meth:`resolve` and
    :meth:`ascend_resolver` for each node: without path resolvers the first and the last do
    nothing, and :meth:`resolve` answers a text's tag without PyYAML's lookups.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The tag PyYAML's ``Resolver.resolve`` gives: a text's at once for a quoted scalar,
        or a plain one that no implicit resolver starts with; PyYAML's answer otherwise."""
        if kind is _SCALAR and (not implicit[0] or (value and value[0] not in _RESOLVED_FIRSTS)):
            return _STR
        tag: str = _resolve(self, kind, value, implicit)
        return tag

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        """Nothing: this loader has no path resolver to follow."""

    def ascend_resolver(self) -> None:
        """Nothing: this loader has no path resolver to follow."""


TypedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
#: The booleans of YAML 1.2's core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_BOOLEANS = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
TypedLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOLEANS, list("tTfF"))

#: The first characters of a plain scalar that some implicit resolver of :class:`TypedLoader`
#: may give a tag other than text's (PyYAML looks them up by it, ``""`` for an empty scalar:
#: https://github.com/yaml/pyyaml/blob/main/lib/yaml/resolver.py).
_RESOLVED_FIRSTS = frozenset(
    first for first, found in TypedLoader.yaml_implicit_resolvers.items() if found
)
if None in TypedLoader.yaml_implicit_resolvers or TypedLoader.yaml_path_resolvers:
    # A resolver for every scalar, or by path: PyYAML's own methods, which look for them.
    del TypedLoader.resolve, TypedLoader.descend_resolver, TypedLoader.ascend_resolver


class ContentLoader(TypedLoader):
    """:class:`TypedLoader` that stops composing past ``max_nodes`` nodes and reports a scalar
    it cannot construct at its line."""

    def __init__(self, stream: str, max_nodes: int = DEFAULT_MAX_NODES) -> None:
        super().__init__(stream)
        self.max_nodes = max_nodes
        self.composed = 0
        self.top_key: yaml.Node | None = None
        self._root: yaml.Node | None = None

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        """Called by the composer before each node it makes (an alias makes none): count it,
        and keep the top-level key it is under, for the message."""
        self.composed += 1
        if current_node is not None:
            if self._root is None:
                self._root = current_node
            if current_node is self._root and isinstance(current_index, yaml.ScalarNode):
                self.top_key = current_index
        if self.composed > self.max_nodes:
            raise _TooManyNodes(self.top_key)
        super().descend_resolver(current_node, current_index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        """The value of ``node``; one its tag cannot read (``!!bool maybe``, ``!!int x``) is an
        error at its line instead of an exception without one."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as error:
            if isinstance(error, yaml.YAMLError):
                raise
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            value = repr(node.value)[:60] if isinstance(node, yaml.ScalarNode) else "this value"
            raise yaml.constructor.ConstructorError(
                None, None, f"{value} cannot be read as {tag}", node.start_mark
            ) from None


class _InvalidDate(yaml.constructor.ConstructorError):
    """Well-formed YAML holding an impossible date."""


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """YAML's timestamp, with an impossible date (``2026-02-30``) reported at its line."""
    if not loader.timestamp_regexp.match(str(node.value)):  # an explicit !!timestamp tag
        raise _InvalidDate(
            None,
            None,
            f"{str(node.value)!r} is not a valid date (YYYY-MM-DD[ HH:MM[:SS]])",
            node.start_mark,
        )
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as error:
        raise _InvalidDate(
            None, None, f"'{node.value}' is not a valid date ({error})", node.start_mark
        ) from None


TypedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_DELIMITER = re.compile(r"^---[ \t]*$")
#: A line that ends the front matter, found in the whole text (``^`` and ``$`` at each ``\n``).
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _end_line(text: str, start: int) -> re.Match[str] | None:
    """``_END.search(text, start)`` for a ``start`` at the beginning of a line: the regular
    expression is tried only where a line starts with ``---`` or ``...`` (each found by
    ``str.find``), not at every character of a long front matter."""
    if text.startswith(("---", "..."), start):
        end = _END.match(text, start)
        if end is not None:
            return end
    at = start
    while True:
        found = [text.find(marker, at) for marker in ("\n---", "\n...")]
        lines = [index + 1 for index in found if index >= 0]
        if not lines:
            return None
        end = _END.match(text, min(lines))
        if end is not None:
            return end
        at = min(lines)


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
    #: Each key given again in a mapping down to :data:`LINE_DEPTH`, by its file line.
    repeated: tuple[RepeatedKey, ...] = ()


@dataclass(frozen=True, slots=True)
class RepeatedKey:
    """A key given again in one mapping: where it is first given and where again (file lines)."""

    key: str
    first: int
    line: int


def repeated_key_warnings(path: str, repeated: Iterable[RepeatedKey]) -> list[Diagnostic]:
    """One warning at each key given again: YAML keeps the last value, and says nothing."""
    return [
        REPEATED_KEY.warning(
            SourceRef(path, again.line),
            f"'{again.key}' is given again (first on line {again.first}); "
            "the value given last is used",
        )
        for again in repeated
    ]


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed front matter file."""

    data: Mapping[str, Any]
    body: str
    #: File line of each key, list item and key of a list item: ``("transcript", 0)`` -> 4.
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    #: File line of the body's first line.
    body_line: int = 1
    #: Each key given again in a mapping of the front matter (:attr:`Parsed.repeated`).
    repeated: tuple[RepeatedKey, ...] = ()
    #: Whether the YAML holds a backslash. Without one no text parsed from it holds a character
    #: :func:`castline.text.clean_text` repairs: :func:`decode` gives no lone surrogate, YAML
    #: refuses the rest in its input (``c-printable``,
    #: https://yaml.org/spec/1.2.2/#51-character-set) and only an escape (``"\\x07"``) makes one.
    escapes: bool = True

    @property
    def key_lines(self) -> dict[str, int]:
        """File line of each top-level key."""
        return key_lines(self.lines, depth=1)


def key_lines(lines: Mapping[KeyPath, int], *, depth: int) -> dict[str, int]:
    """Lines of the mapping keys up to ``depth`` levels down, by dotted name (``owner.email``)."""
    found: dict[str, int] = {}
    places = lines.down_to(depth) if isinstance(lines, PlaceLines) else lines
    for path, line in places.items():
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
            NOT_UTF8, SourceRef(path, line), f"not UTF-8 text (byte 0x{raw[error.start]:02x})"
        ) from None
    if not text.strip():
        raise ContentError(EMPTY_FILE, SourceRef(path, 1), "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(text: str, path: str, *, max_nodes: int = DEFAULT_MAX_NODES) -> Document:
    """Split and parse a front matter file.

    Raises:
        ContentError: no front matter, front matter not closed, invalid YAML, or a YAML value
            that is not a mapping.
    """
    first_end = text.find("\n")
    if not _DELIMITER.match(text if first_end < 0 else text[:first_end]):
        raise ContentError(
            NO_FRONT_MATTER,
            SourceRef(path, 1),
            "no front matter: the file must start with a '---' line",
        )
    end = _end_line(text, first_end + 1) if first_end >= 0 else None
    if end is None:
        raise ContentError(
            NO_FRONT_MATTER,
            SourceRef(path, 1),
            "front matter is not closed: no '---' line after line 1",
        )
    header = text[first_end + 1 : end.start() - 1]  # without the line break before the end
    parsed = parse_yaml(header, path, first_line=2, max_nodes=max_nodes)
    data = {} if parsed.data is None else parsed.data
    if not isinstance(data, dict):
        raise ContentError(
            NOT_A_MAPPING,
            SourceRef(path, 2),
            f"front matter must be a mapping of keys, not {kind_of(data)}",
        )
    return Document(
        data={str(key): value for key, value in data.items()},
        body=text[end.end() + 1 :],
        lines=parsed.lines,
        body_line=text.count("\n", 0, end.start()) + 2,
        escapes="\\" in header,
        repeated=parsed.repeated,
    )


#: What a YAML error's context ("while parsing a flow sequence") says was left open.
_OPENERS = {"flow sequence": "'['", "flow mapping": "'{'", "quoted scalar": "quote"}


def parse_yaml(
    text: str, path: str, *, first_line: int = 1, max_nodes: int = DEFAULT_MAX_NODES
) -> Parsed:
    """Parse YAML: compose it once, construct the value and read each place's line from the nodes.

    Errors point at ``path`` with lines counted from ``first_line``. Composing stops past
    ``max_nodes`` nodes, and a document whose aliases repeat nodes past ``max_nodes`` (a
    "billion laughs", https://en.wikipedia.org/wiki/Billion_laughs_attack) or that contains
    itself is refused before any value is made from it.

    Raises:
        ContentError: invalid YAML, or too many nodes.
    """
    made = _native_tree(text, max_nodes)
    if made is not None:
        value, tree, repeated = made
        again = (
            RepeatedKey(key, first_line + first, first_line + line) for key, first, line in repeated
        )
        return Parsed(value, TreeLines(tree, first_line), _in_line_order(again))
    # 3 * len(text) + 1 bounds most_nodes(text) without counting.
    if 3 * len(text) + 1 <= max_nodes or most_nodes(text) <= max_nodes:
        read = _read_typed(text, path, first_line, max_nodes)
    else:
        read = None
    node, data = read or _read_checked(text, path, first_line, max_nodes)
    lines = NodeLines(node, text, first_line)
    return Parsed(data, lines, _in_line_order(lines.repeated()))


def _in_line_order(repeated: Iterable[RepeatedKey]) -> tuple[RepeatedKey, ...]:
    """The keys given again by line, then by where each is first given, then by name."""
    return tuple(sorted(repeated, key=lambda again: (again.line, again.first, again.key)))


#: The characters :func:`most_nodes` counts: YAML's indicators that can start a node or imply
#: an empty one, and the line breaks (YAML 1.1, https://yaml.org/spec/1.1/#id868988).
_MARKERS = "-?:,[]{}!&*|>'\"\n\r\x85\u2028\u2029"
_NO_MARKERS = str.maketrans("", "", _MARKERS)


def most_nodes(text: str) -> int:
    """At most how many nodes composing ``text`` makes (an alias makes none), even when it
    fails part-way: three per character of :data:`_MARKERS` in it, plus one.

    Each node is charged to one character, none carrying more than three: a node with
    properties to its first ``!`` or ``&``; a flow collection to its ``[`` or ``{``; a quoted
    or block scalar to its quote, ``|`` or ``>``; a block sequence to its first ``-``; a block
    mapping, or a one-pair mapping in a flow sequence, to its first ``?`` or, when its first
    key is implicit, the ``:`` after that key; an empty scalar (written as nothing) to what
    implies it: the ``-`` of an empty entry, the ``?`` or ``:`` of an empty key or value, the
    ``{`` or ``,`` before a flow mapping entry that has neither, the ``-`` of ``---``. Any other
    plain scalar is charged to the nearest marker before it, which no other plain scalar has:
    a plain scalar ends only at a marker (``:``, a flow indicator, a line break, or `` #``
    whose comment runs to a line break); the text's first is charged to none (the one).
    A ``?`` or ``:`` then carries at most a mapping, its key and its value, ``{`` a mapping,
    its first key and that key's empty value; every other marker fewer.
    (Productions: YAML 1.1, https://yaml.org/spec/1.1/, as libyaml parses them.)
    """
    return 3 * (len(text) - len(text.translate(_NO_MARKERS))) + 1


#: What :class:`TypedLoader` may raise on a text :class:`ContentLoader` turns into a message.
_READ_FAILURES = (
    yaml.YAMLError,
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    OverflowError,
    RecursionError,
)


def _read_typed(
    text: str, path: str, first_line: int, max_nodes: int
) -> tuple[yaml.Node | None, Any] | None:
    """The root node and value of ``text`` by :class:`TypedLoader`, for a text that cannot
    hold more than ``max_nodes`` nodes; None when reading fails (the caller reads it again
    with :class:`ContentLoader`, which says why).

    Raises:
        ContentError: aliases that repeat too many nodes or a node that contains itself.
    """
    loader = TypedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if _may_alias(text):
            _check_expansion(node, max_nodes, text, path, first_line)
            return node, loader.construct_document(node)
        return node, _tree_value(loader, node)
    except _READ_FAILURES:
        return None
    finally:
        loader.dispose()


def _tree_value(loader: TypedLoader, node: yaml.Node) -> Any:
    """The value of ``node``, which no alias repeats, as ``loader.construct_document`` gives
    it: texts, lists and mappings with text keys built here, every other node by ``loader``
    (without its bookkeeping for nodes that aliases share). A mapping with another key (a
    number, a ``<<`` merge) is built by ``loader`` whole."""
    tag, kind = node.tag, type(node)
    if kind is _SCALAR and tag == _STR:
        return node.value
    if kind is _SEQUENCE and tag == _SEQ:
        return [_tree_value(loader, child) for child in node.value]
    if kind is _MAPPING and tag == _MAP:
        mapping: dict[str, Any] = {}
        for key, value in node.value:
            if type(key) is not _SCALAR or key.tag != _STR:
                return loader.construct_document(node)
            # A text value (most are) without a call of its own.
            if type(value) is _SCALAR and value.tag == _STR:
                mapping[key.value] = value.value
            else:
                mapping[key.value] = _tree_value(loader, value)
        return mapping
    return loader.construct_document(node)


def _read_checked(
    text: str, path: str, first_line: int, max_nodes: int
) -> tuple[yaml.Node | None, Any]:
    """The root node and value of ``text`` by :class:`ContentLoader`, every failure a message.

    Raises:
        ContentError: invalid YAML, or too many nodes.
    """
    loader = ContentLoader(text, max_nodes)
    try:
        node = loader.get_single_node()
        if node is not None and _may_alias(text):
            _check_expansion(node, max_nodes, text, path, first_line)
        data = loader.construct_document(node) if node is not None else None
    except _TooManyNodes as error:
        where = _mark_line(error.key.start_mark, text, first_line) if error.key else first_line
        raise ContentError(YAML_TOO_LARGE, SourceRef(path, where), _too_many(max_nodes)) from None
    except yaml.MarkedYAMLError as error:
        raise ContentError(INVALID_YAML, *_marked_problem(error, text, path, first_line)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = _mark_line(error, text, first_line)
        problem = f"invalid YAML: unacceptable character #x{error.character:04x}: {error.reason}"
        raise ContentError(INVALID_YAML, SourceRef(path, line), problem) from None
    except yaml.YAMLError as error:
        problem = f"invalid YAML: {one_line(str(error))}"
        raise ContentError(INVALID_YAML, SourceRef(path, first_line), problem) from None
    except (ValueError, OverflowError, RecursionError) as error:
        problem = f"invalid YAML: {one_line(str(error))}"
        raise ContentError(INVALID_YAML, SourceRef(path, first_line), problem) from None
    finally:
        loader.dispose()
    return node, data


def _too_many(max_nodes: int) -> str:
    return (
        f"the YAML has more than {max_nodes:,} nodes (each alias counted as the nodes it "
        "repeats), more than limits.yaml_nodes allows; not read"
    )


def _may_alias(text: str) -> bool:
    """Whether ``text`` can hold an alias: one needs an anchor (``&name``) and a ``*name``
    (YAML 1.2.2, section 3.2.2.2). Without both, the node graph is a tree of at most the
    nodes the composer counted, so :func:`_check_expansion` has nothing to find."""
    return "&" in text and "*" in text


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, max_nodes: int, text: str, path: str, first: int) -> None:
    """Refuse a node graph that contains itself, or that is more than ``max_nodes`` nodes once
    each alias is counted as the nodes it repeats (each shared node is sized once).

    Raises:
        ContentError: at the alias that recurses, or at the top-level key that passes the limit.
    """
    sizes: dict[int, int] = {}
    started: set[int] = set()  # the nodes whose sizes are being summed: the current path
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            started.discard(id(node))
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            sizes[id(node)] = min(total, max_nodes + 1)
            continue
        if id(node) in sizes:
            continue
        started.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) in started:
                line = _mark_line(child.start_mark, text, first)
                problem = "an alias repeats a node that contains it; not read"
                raise ContentError(RECURSIVE_ALIAS, SourceRef(path, line), problem)
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes[id(root)] <= max_nodes:
        return
    line, count = first, 1
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            count += sizes[id(key)] + sizes[id(value)]
            if count > max_nodes:
                line = _mark_line(key.start_mark, text, first)
                break
    raise ContentError(YAML_TOO_LARGE, SourceRef(path, line), _too_many(max_nodes))


def _mark_line(mark: yaml.Mark | yaml.reader.ReaderError, text: str, first_line: int) -> int:
    """The file line of a node mark or of a reader error's position."""
    index = getattr(mark, "index", None)
    if index is None:  # libyaml's reader counts bytes of UTF-8
        position = getattr(mark, "position", 0)
        index = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    return first_line + text.count("\n", 0, index)


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
    # A duplicate anchor: the composer's problem is only "second occurrence".
    if context.endswith("; first occurrence") and opened:
        found = context.removesuffix("; first occurrence").removeprefix("found ")
        problem = f"{found}: the same anchor is first given on line {first_line + opened.line}"
    if not isinstance(error, _InvalidDate):
        problem = f"invalid YAML: {problem}"
    return SourceRef(path, line), problem


def _file_lines(marks: dict[KeyPath, yaml.Mark], text: str, first_line: int) -> dict[KeyPath, int]:
    """Node marks to file lines, counting only ``\\n`` as a line end (as the file's lines do)."""
    if not any(character in text for character in _OTHER_BREAKS):
        return {path: first_line + mark.line for path, mark in marks.items()}
    ends = [index for index, character in enumerate(text) if character == "\n"]
    return {path: first_line + bisect.bisect_left(ends, mark.index) for path, mark in marks.items()}


def _node_marks(root: yaml.Node | None, depth: int = LINE_DEPTH) -> dict[KeyPath, yaml.Mark]:
    """The start of each key and list item down to ``depth`` levels, in document order.

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
        if len(path) + 1 < depth:
            last = dict(below)  # of a key given twice, its last value
            for key, child in last.items():
                if isinstance(child, collections):
                    visit(child, key)

    if isinstance(root, collections):
        visit(root, ())
    return marks


class PlaceLines(Mapping[KeyPath, int]):
    """The file line of each key and list item of a parsed YAML text down to
    :data:`LINE_DEPTH` (:class:`NodeLines` from PyYAML's nodes, :class:`TreeLines` from the
    native reader's tree): a place is looked up when asked for (most never are), and all of
    them are listed, once, only when iterated."""

    _every: dict[KeyPath, int] | None = None

    def get(self, path: KeyPath, default: Any = None) -> Any:
        """The line of ``path``, ``default`` when it is no place."""
        raise NotImplementedError

    def down_to(self, depth: int) -> dict[KeyPath, int]:
        """The places down to ``depth`` levels, in document order."""
        raise NotImplementedError

    def __getitem__(self, path: KeyPath) -> int:
        line = self.get(path)
        if line is None:
            raise KeyError(path)
        return int(line)

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def _all(self) -> dict[KeyPath, int]:
        if self._every is None:
            self._every = self._every_place()
        return self._every

    def _every_place(self) -> dict[KeyPath, int]:
        raise NotImplementedError


class NodeLines(PlaceLines):
    """The file line of each key and list item of a composed YAML tree down to
    :data:`LINE_DEPTH`, placed as :func:`_node_marks` places them: a place is found in the
    nodes when asked for (most never are), all of them are listed only when iterated."""

    def __init__(self, root: yaml.Node | None, text: str, first_line: int) -> None:
        self._root, self._text, self._first = root, text, first_line
        self._ends: list[int] | None = None
        if any(character in text for character in _OTHER_BREAKS):
            self._ends = [index for index, character in enumerate(text) if character == "\n"]
        self._top: dict[str, tuple[yaml.Mark, yaml.Node]] | None = None

    def down_to(self, depth: int) -> dict[KeyPath, int]:
        """The places down to ``depth`` levels, in document order."""
        if depth >= LINE_DEPTH:
            return self._all()
        return _file_lines(_node_marks(self._root, depth), self._text, self._first)

    def get(self, path: KeyPath, default: Any = None) -> Any:
        """The line of ``path``, ``default`` when it is no place."""
        node, mark = self._root, None
        if not path or len(path) > LINE_DEPTH:
            return default
        for depth, part in enumerate(path):
            found = self._child(node, part, depth == 0)
            if found is None:
                return default
            mark, node = found
        if mark is None:
            return default
        return self._line(mark)

    def _child(
        self, node: yaml.Node | None, part: str | int, top: bool
    ) -> tuple[yaml.Mark, yaml.Node] | None:
        """The place of key or index ``part`` of ``node`` and what it holds: a key given twice
        is placed first and holds its last value."""
        if isinstance(node, yaml.SequenceNode):
            if isinstance(part, int) and 0 <= part < len(node.value):
                return node.value[part].start_mark, node.value[part]
            return None
        if not isinstance(node, yaml.MappingNode) or not isinstance(part, str):
            return None
        if top:  # the top level is asked for at every look-up: indexed once
            if self._top is None:
                self._top = _key_index(node)
            return self._top.get(part)
        return _key_index(node).get(part)

    def _every_place(self) -> dict[KeyPath, int]:
        return _file_lines(_node_marks(self._root), self._text, self._first)

    def repeated(self) -> list[RepeatedKey]:
        """Each key given again in a mapping down to :data:`LINE_DEPTH` levels of places, every
        value looked into (the native reader's :attr:`Parsed.repeated`)."""
        found: list[RepeatedKey] = []

        def visit(node: yaml.Node, depth: int) -> None:
            if depth >= LINE_DEPTH or not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
                return
            if isinstance(node, yaml.SequenceNode):
                for child in node.value:
                    visit(child, depth + 1)
                return
            first: dict[str, yaml.Mark] = {}
            for key_node, value_node in node.value:
                visit(value_node, depth + 1)
                key = str(key_node.value)
                if key in first:
                    lines = (self._line(first[key]), self._line(key_node.start_mark))
                    found.append(RepeatedKey(key, *lines))
                else:
                    first[key] = key_node.start_mark

        if self._root is not None:
            visit(self._root, 0)
        return found

    def _line(self, mark: yaml.Mark) -> int:
        if self._ends is None:
            return self._first + mark.line
        return self._first + bisect.bisect_left(self._ends, mark.index)


class TreeLines(PlaceLines):
    """:class:`NodeLines` of the tree of lines the native reader builds instead of nodes
    (``castline/load/_yaml_tree.c``): a mapping's is a dict of each key to the line where it is
    first given and the tree below its last value, a list's a list of its items' such pairs,
    ``None`` below a value that is no mapping or list; lines counted from 0 for the text's first.
    """

    def __init__(self, tree: LineTree | None, first_line: int) -> None:
        self._tree, self._first = tree, first_line

    def down_to(self, depth: int) -> dict[KeyPath, int]:
        """The places down to ``depth`` levels, in document order (as :func:`_node_marks`
        lists them)."""
        if depth >= LINE_DEPTH:
            return self._all()
        return self._places(depth)

    def get(self, path: KeyPath, default: Any = None) -> Any:
        """The line of ``path``, ``default`` when it is no place."""
        tree: Any = self._tree
        line: int | None = None
        if not path or len(path) > LINE_DEPTH:
            return default
        for part in path:
            found = _tree_place(tree, part)
            if found is None:
                return default
            line, tree = found
        return default if line is None else self._first + line

    def item_lines(self, key: str, count: int) -> list[int | None]:
        """``[self.get((key, index)) for index in range(count)]`` in one pass."""
        found = _tree_place(self._tree, key)
        below = found[1] if found is not None else None
        if not isinstance(below, list):
            return [None] * count
        first = self._first
        lines: list[int | None] = [first + line for line, _ in below[:count]]
        return lines + [None] * (count - len(lines))

    def _every_place(self) -> dict[KeyPath, int]:
        return self._places(LINE_DEPTH)

    def _places(self, depth: int) -> dict[KeyPath, int]:
        places: dict[KeyPath, int] = {}
        first = self._first

        def visit(tree: LineTree, path: KeyPath) -> None:
            below: list[tuple[KeyPath, LineTree | None]] = []
            pairs = tree.items() if isinstance(tree, dict) else enumerate(tree)
            for part, (line, under) in pairs:
                places[(*path, part)] = first + line
                below.append(((*path, part), under))
            if len(path) + 1 < depth:
                for key, under in below:
                    if under is not None:
                        visit(under, key)

        if self._tree is not None:
            visit(self._tree, ())
        return places


def item_lines(lines: Mapping[KeyPath, int], key: str, count: int) -> list[int | None]:
    """The lines of items 0 to ``count - 1`` of the top-level list ``key``, as
    ``lines.get((key, index))`` gives each (``None`` where it is no place): from the native
    reader's tree at once."""
    if isinstance(lines, TreeLines):
        return lines.item_lines(key, count)
    return [lines.get((key, index)) for index in range(count)]


def _tree_place(tree: Any, part: str | int) -> tuple[int, Any] | None:
    """The (line, tree below) of key or index ``part`` in a tree of lines, None if none."""
    if isinstance(tree, list):
        return tree[part] if isinstance(part, int) and 0 <= part < len(tree) else None
    if isinstance(tree, dict) and isinstance(part, str):
        found: tuple[int, Any] | None = tree.get(part)
        return found
    return None


#: The native reader's tree of lines (see :class:`TreeLines`).
LineTree = dict[str, tuple[int, Any]] | list[tuple[int, Any]]


def _key_index(node: yaml.MappingNode) -> dict[str, tuple[yaml.Mark, yaml.Node]]:
    """Each key of ``node`` (as text): where it is first given, and its last value."""
    index: dict[str, tuple[yaml.Mark, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        first = index.get(key)
        index[key] = (key_node.start_mark if first is None else first[0], value_node)
    return index


def _load_native_tree() -> Callable[..., Any] | None:
    """The native reader's ``tree`` (``castline/load/_yaml_tree.c``), where it was built and
    this PyYAML types scalars as it assumes (:func:`_native_agrees`); else ``None``."""
    try:
        from castline.load._yaml_tree import tree
    except ImportError:  # installed without a compiler or libyaml, or CASTLINE_NATIVE_BUILD=0
        return None
    return tree if _native_agrees() else None


_NULL_TAG, _BOOL_TAG, _INT_TAG = (f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int"))
#: The resolvers whose every answer the native reader gives itself: TypedLoader's booleans and
#: PyYAML's nulls (https://github.com/yaml/pyyaml/blob/main/lib/yaml/resolver.py), as (tag,
#: pattern, flags).
_DECIDED = {
    (_BOOL_TAG, _BOOLEANS.pattern, _BOOLEANS.flags),
    (_NULL_TAG, "^(?: ~\n" + 20 * " " + "|null|Null|NULL\n" + 20 * " " + "| )$", re.X | re.U),
}
#: The first characters of a plain scalar that some other resolver reads: the native reader
#: hands such a scalar to :func:`_typed_scalar` unless it is a short decimal.
_TYPED_FIRSTS = "".join(
    sorted(
        first
        for first, found in TypedLoader.yaml_implicit_resolvers.items()
        if first
        and any((tag, regexp.pattern, regexp.flags) not in _DECIDED for tag, regexp in found)
    )
)


def _native_agrees() -> bool:
    """Whether :class:`TypedLoader` types every scalar the native reader types itself as it
    does: each null and boolean, short decimals as ints."""
    if None in TypedLoader.yaml_implicit_resolvers or TypedLoader.yaml_path_resolvers:
        return False
    samples = {"": _NULL_TAG, "~": _NULL_TAG, "null": _NULL_TAG, "Null": _NULL_TAG}
    samples |= {"NULL": _NULL_TAG, "0": _INT_TAG, "7": _INT_TAG, "10": _INT_TAG}
    samples |= {"123456789012345678": _INT_TAG}
    samples |= dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), _BOOL_TAG)
    return all(
        _resolve(TypedLoader, _SCALAR, text, (True, False)) == tag for text, tag in samples.items()
    )


#: What :func:`_typed_scalar` returns for a scalar the native reader must hand back.
_HAND_BACK = object()
_MERGE_TAG, _VALUE_TAG = (f"tag:yaml.org,2002:{name}" for name in ("merge", "value"))


@functools.cache
def _scalar_loader() -> TypedLoader:
    """The one loader whose constructors :func:`_typed_scalar` calls (they read no state)."""
    return TypedLoader("")


def _typed_scalar(text: str) -> object:
    """The value of a plain scalar as :class:`TypedLoader` types it; :data:`_HAND_BACK` for a
    merge key or a value key, or a scalar its constructor refuses (PyYAML then says why)."""
    tag = _resolve(TypedLoader, _SCALAR, text, (True, False))
    if tag == _STR:
        return text
    constructor = TypedLoader.yaml_constructors.get(tag)
    if constructor is None or tag in (_MERGE_TAG, _VALUE_TAG):
        return _HAND_BACK
    try:
        return constructor(_scalar_loader(), yaml.ScalarNode(tag, text))
    except _READ_FAILURES:
        return _HAND_BACK


def _native_tree(
    text: str, max_nodes: int
) -> tuple[Any, LineTree | None, list[tuple[str, int, int]]] | None:
    """The value, tree of lines and keys given again (key, first line, line, counted from 0)
    of ``text`` by the native reader, or ``None`` where it is
    not built or hands the text back (see ``castline/load/_yaml_tree.c``). A text with a line
    break other than ``\\n`` is handed back: its marks' lines are not the file's."""
    if NATIVE_TREE is None or any(character in text for character in _OTHER_BREAKS):
        return None
    made: tuple[Any, LineTree | None, list[tuple[str, int, int]]] | None = NATIVE_TREE(
        text, max_nodes, _TYPED_FIRSTS, _typed_scalar, _HAND_BACK
    )
    return made


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


#: The native reader (``castline/load/_yaml_tree.c``), or ``None``: :func:`parse_yaml` reads
#: with PyYAML then (tests set it to ``None`` to compare the two).
NATIVE_TREE = _load_native_tree()
