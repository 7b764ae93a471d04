"""Front matter: the YAML composed once, every place at its file line."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.load import frontmatter, load_content
from castline.load.frontmatter import (
    ContentLoader,
    KeyPath,
    decode,
    key_lines,
    most_nodes,
    parse_document,
    parse_yaml,
)
from castline.model import SourceRef
from castline.text import clean_text
from tests.conftest import ContentTree


def test_flow_style_front_matter_still_gets_item_lines(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "episodes/flow.md": "---\n{title: Flow, transcript: [\n  {line: One, who: A},\n"
            "  {line: Two, who: B, sec: 5}]}\n---\n"
        }
    )
    (episode,) = load_content(root).episodes
    assert [u.source.line for u in episode.utterances] == [3, 4]


def test_every_key_item_and_item_key_has_its_file_line() -> None:
    text = (
        "---\ntitle: T\ntranscript:\n- header: Intro\n- line: One\n  who: A\n"
        "  sec: 5\n  time: '0:05'\n---\nNotes.\n"
    )
    document = parse_document(text, "e.md")
    assert document.key_lines == {"title": 2, "transcript": 3}
    assert document.lines[("transcript", 0)] == 4
    assert document.lines[("transcript", 1)] == 5
    assert document.lines[("transcript", 1, "sec")] == 7
    assert document.lines[("transcript", 1, "time")] == 8
    assert document.body == "Notes.\n" and document.body_line == 10


def test_only_newlines_end_lines() -> None:
    # YAML 1.1 also breaks lines at U+2028, U+2029 and NEL; the file's lines do not.
    text = 'a: "x\u2028y\u2029z\x85"\nb:\n- c\n- d\n'
    lines = parse_yaml(text, "s.yaml").lines
    assert parse_yaml(text, "s.yaml").data["b"] == ["c", "d"]
    assert (lines[("a",)], lines[("b",)], lines[("b", 0)], lines[("b", 1)]) == (1, 2, 3, 4)


def test_a_key_given_twice_is_placed_first_and_valued_last() -> None:
    parsed = parse_yaml("k:\n- a\nk:\n- b\n- c\n", "s.yaml")
    assert parsed.data == {"k": ["b", "c"]}
    assert parsed.lines[("k",)] == 1
    assert (parsed.lines[("k", 0)], parsed.lines[("k", 1)]) == (4, 5)


def test_nested_keys_are_named_by_dotted_paths() -> None:
    parsed = parse_yaml("owner:\n  name: N\n  email: e@x\nexporters: {srt: {width: 3}}\n", "s")
    assert key_lines(parsed.lines, depth=2) == {
        "owner": 1,
        "owner.name": 2,
        "owner.email": 3,
        "exporters": 4,
        "exporters.srt": 4,
    }


#: Pieces of YAML that make many nodes from few characters, or that fail part-way.
FRAGMENTS = [
    *"-?:,[]{}!&*|>'\"\n#%.\t ",
    "- ",
    "? ",
    ": ",
    "a",
    "ab c",
    "&x ",
    "*x",
    "!t ",
    "!!str ",
    "!!int ",
    "---\n",
    "...\n",
    "  ",
    "\u2028",
    "'q'",
    '"d"',
]
SCALARS = st.sampled_from(
    [
        *[
            "",
            "a",
            "'q'",
            '"d"',
            "~",
            "1",
            "1.5",
            "1:30",
            "yes",
            "true",
            "2026-02-30",
            "2026-01-02",
        ],
        *["!!int x", "!!int", "&a x", "*a", "!t", "!!str 1", "!!binary aGk=", "<<", "=", "!!null"],
        *["!!set {a}", "!!omap [a: 1]", "!!pairs [a: 1]", "!!str [a]", "!!map [a]", "!!seq {a}"],
        *["{<<: {a: 1}, b: 2}", "{1: a, a: b}", "{a: 1, a: 2}", "{[a]: b}", "{? {a: 1}: b}"],
    ]
)


def _indented(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.split("\n"))


def _nested(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Flow and block collections of ``children``: empty entries, ``?`` keys, one-pair maps."""
    items = st.lists(children, max_size=4)
    return st.one_of(
        items.map(lambda kids: "[" + ", ".join(kids) + "]"),
        items.map(lambda kids: "{" + ", ".join(kids) + "}"),
        st.lists(st.tuples(children, children), max_size=4).map(
            lambda pairs: "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"
        ),
        items.map(lambda kids: "[" + ", ".join(f"? {kid}" for kid in kids) + "]"),
        items.map(lambda kids: "[" + ", ".join(f": {kid}" for kid in kids) + "]"),
        items.map(lambda kids: "".join(f"-\n{_indented(kid)}" for kid in kids)),
        items.map(lambda kids: "".join(f"k{i}:\n{_indented(kid)}" for i, kid in enumerate(kids))),
        items.map(lambda kids: "".join(f"?\n{_indented(kid)}:\n" for kid in kids)),
        items.map(lambda kids: "&a " + "".join(f"? {kid}\n" for kid in kids)),
    )


YAML_TEXTS = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.recursive(SCALARS, _nested, max_leaves=30),
)


class _PurePythonCounting(yaml.SafeLoader):
    """PyYAML's own parser (used where libyaml is absent), counting as ContentLoader does."""

    composed = 0

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        self.composed += 1
        super().descend_resolver(current_node, current_index)


def _composed(loader: ContentLoader | _PurePythonCounting) -> int:
    """How many nodes ``loader`` composes before it is done or fails."""
    try:
        loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        loader.dispose()
    return loader.composed


@settings(max_examples=1000)
@given(YAML_TEXTS)
def test_composing_makes_at_most_most_nodes(text: str) -> None:
    # The bound that lets parse_yaml skip counting nodes, for libyaml and for PyYAML's own
    # parser, even on a text that fails part-way.
    assert _composed(ContentLoader(text, max_nodes=10**9)) <= most_nodes(text)
    assert _composed(_PurePythonCounting(text)) <= most_nodes(text)


def _outcome(text: str) -> str:
    try:
        parsed = parse_yaml(text, "s.yaml", first_line=2)
    except ContentError as error:
        return str(error.diagnostic)
    return repr((parsed.data, sorted(parsed.lines.items(), key=repr)))


@settings(max_examples=500)
@given(YAML_TEXTS)
def test_a_text_within_the_limit_reads_as_with_every_check(text: str) -> None:
    # The typed loader (no per-node count, no construct wrapper) against ContentLoader alone.
    with mock.patch.object(frontmatter, "NATIVE_TREE", None):
        typed = _outcome(text)
        with mock.patch.object(frontmatter, "_read_typed", return_value=None):
            assert _outcome(text) == typed


def test_most_nodes_counts_three_a_marker_plus_one() -> None:
    assert most_nodes("") == 1
    assert most_nodes("title: A long title, with words") == 3 * 2 + 1
    assert most_nodes("?") == 3 * 1 + 1


#: What a text may hold that clean_text repairs, beside any other character but a backslash.
UNREPAIRABLE = ["\x00", "\x07", "\x0b", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"]
NO_BACKSLASH = st.text(
    st.one_of(
        st.characters(exclude_characters="\\"),
        st.sampled_from([*UNREPAIRABLE, "\x85", "\x7f", "\t", "'", '"', ":", "-", " ", "\n"]),
    ),
    max_size=20,
)


def _strings(value: object) -> list[str]:
    """Every text in a parsed value, keys too."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for pair in value.items() for part in pair for text in _strings(part)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


@settings(max_examples=300)
@given(NO_BACKSLASH, st.sampled_from(["{}", "'{}'", '"{}"', "|\n  {}", "[{}]"]))
def test_yaml_without_a_backslash_holds_no_text_clean_text_repairs(value: str, form: str) -> None:
    # Why a transcript's texts skip cleaning when Document.escapes is False.
    try:
        raw = f"---\nk: {form.format(value)}\n---\n".encode("utf-8", "surrogatepass")
        document = parse_document(decode(raw, "e.md"), "e.md")
    except ContentError:
        return
    assert not document.escapes
    found: list[Diagnostic] = []
    for text in _strings(document.data):
        assert clean_text(text, SourceRef("e.md", 2), "'k'", found, xml=True) == text
    assert found == []


def test_an_escape_can_make_a_character_clean_text_repairs() -> None:
    document = parse_document('---\nk: "a\\x07"\n---\n', "e.md")
    assert document.escapes and document.data == {"k": "a\x07"}


def test_nesting_as_deep_as_libyaml_allows_reads_whole() -> None:
    # Deeper than building values by recursion allows: read again by ContentLoader.
    parsed = parse_yaml("[" * 999 + "x" + "]" * 999, "s.yaml")
    value, depth = parsed.data, 0
    while isinstance(value, list):
        value, depth = value[0], depth + 1
    assert (value, depth, parsed.lines) == ("x", 999, {(0,): 1, (0, 0): 1, (0, 0, 0): 1})


def _split_simply(text: str) -> tuple[str, int] | None:
    """The front matter split line by line: the body and its first line, None if unclosed."""
    lines = text.split("\n")
    ends = [i for i, line in enumerate(lines) if i and re.match(r"^(?:---|\.\.\.)[ \t]*$", line)]
    return ("\n".join(lines[ends[0] + 1 :]), ends[0] + 2) if ends else None


@given(st.lists(st.sampled_from(["---", "--- ", "...", "---\t", " ---", "----", "a: 1", ""])))
def test_the_front_matter_ends_where_a_line_by_line_split_ends_it(lines: list[str]) -> None:
    text = "\n".join(["---", *lines])
    try:
        document = parse_document(text, "e.md")
    except ContentError as error:
        assert (_split_simply(text) is None) == (error.diagnostic.code == "L103")
        return
    assert (document.body, document.body_line) == _split_simply(text)


@given(
    st.lists(st.sampled_from(["---", "--- ", "...", "---\t", " ---", "----", "a: 1", "", ".."])),
    st.integers(0, 3),
)
def test_the_end_line_is_the_one_a_search_of_every_position_finds(
    lines: list[str], skip: int
) -> None:
    text = "\n".join(["---", *lines])
    start = len("\n".join(["---", *lines[:skip]])) + 1 if skip <= len(lines) else 4
    found = frontmatter._end_line(text, start)
    expected = frontmatter._END.search(text, start)
    assert (found and found.span()) == (expected and expected.span())


PARTS = st.one_of(st.integers(-1, 4), st.sampled_from(["k0", "k1", "a", "b", "1", "<<"]))


@settings(max_examples=500)
@given(
    YAML_TEXTS,
    st.lists(st.lists(PARTS, max_size=4).map(tuple), max_size=10),
    st.sampled_from([frontmatter.NATIVE_TREE, None]),
)
def test_a_place_looked_up_is_the_place_listed(
    text: str, asked: list[KeyPath], reader: object
) -> None:
    # NodeLines finds a place in the nodes, TreeLines in the native reader's tree; listing them
    # all is the reference.
    text = f"{text}\nk0: [a, {{a: 1, a: [2]}}]\nk1:\n  b: 1\n"
    try:
        with mock.patch.object(frontmatter, "NATIVE_TREE", reader):
            lines = parse_yaml(text, "s.yaml").lines
    except ContentError:
        return
    every = dict(lines.items())
    for path in [*every, *asked]:
        assert lines.get(path) == every.get(path)
    for depth in (1, 2, 3):
        assert key_lines(lines, depth=depth) == key_lines(every, depth=depth)
    for key in ("k0", "k1", "a", "1"):
        expected = [every.get((key, index)) for index in range(5)]
        assert frontmatter.item_lines(lines, key, 5) == expected


#: Scalars whose first character each implicit resolver starts with, and others.
_SCALAR_TEXTS = st.one_of(
    st.text(alphabet="0123456789+-.:_eExXoObB~nNtTfFyY<=!&*aZ é", max_size=12),
    st.sampled_from(["", "~", "null", "true", "FALSE", "yes", "0x1F", "1e3", ".inf", "<<", "="]),
    st.sampled_from(["2024-01-02", "12:30", "1_000", "-.5", "on", "Off", "*", "&", "!"]),
)


@given(
    kind=st.sampled_from([yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode]),
    value=_SCALAR_TEXTS,
    implicit=st.tuples(st.booleans(), st.booleans()),
)
def test_the_typed_loader_resolves_every_node_as_pyyaml_does(
    kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]
) -> None:
    """Its one-call answer for texts is PyYAML's ``Resolver.resolve`` over its own tables."""
    loader = frontmatter.TypedLoader("")
    try:
        reference: Callable[..., str] = yaml.resolver.BaseResolver.resolve
        expected = reference(loader, kind, value, implicit)
        assert loader.resolve(kind, value, implicit) == expected
    finally:
        loader.dispose()


def test_the_typed_loader_follows_no_path_and_tries_no_resolver_on_every_scalar() -> None:
    """What lets it skip ``descend_resolver`` and ``ascend_resolver`` and answer texts at once;
    were either set, it would use PyYAML's methods."""
    assert frontmatter.TypedLoader.yaml_path_resolvers == {}
    assert None not in frontmatter.TypedLoader.yaml_implicit_resolvers
    assert "resolve" in vars(frontmatter.TypedLoader)


def test_the_native_reader_is_built_where_it_is_required() -> None:
    """CI installs libyaml's headers and sets CASTLINE_REQUIRE_NATIVE=1: an install that lost
    the extension (its build failing is only a warning) fails here."""
    if frontmatter.NATIVE_TREE is None:
        required = os.environ.get("CASTLINE_REQUIRE_NATIVE") == "1"
        assert not required, "CASTLINE_REQUIRE_NATIVE=1 but castline.load._yaml_tree is absent"
        pytest.skip("the native reader is not built")
    assert frontmatter._native_tree("a: 1", 10) == ({"a": 1}, {"a": (0, None)}, [])


def _with_reader(native: bool, read: Callable[[], object]) -> object:
    """What ``read()`` gives, or the message of its ContentError, with the native reader or
    with PyYAML alone."""
    reader = frontmatter.NATIVE_TREE if native else None
    with mock.patch.object(frontmatter, "NATIVE_TREE", reader):
        try:
            return read()
        except ContentError as error:
            return str(error.diagnostic)


def _read_fully(text: str, asked: list[KeyPath]) -> object:
    """A parse of ``text`` and everything its lines answer: every place in document order,
    ``asked`` looked up, the dotted key lines at each depth."""
    parsed = parse_yaml(text, "s.yaml", first_line=2)
    lines = parsed.lines
    return (
        repr(parsed.data),
        parsed.repeated,
        list(lines.items()),
        len(lines),
        [lines.get(path) for path in [*lines, *asked]],
        [key_lines(lines, depth=depth) for depth in (1, 2, 3)],
    )


native_only = pytest.mark.skipif(
    frontmatter.NATIVE_TREE is None, reason="the native reader is not built"
)

#: Front matter as episodes write it: block mappings and lists, keys given twice, keys that are
#: numbers, booleans or nulls, scalars of every kind, quoted or not.
_KEYS = st.sampled_from(["line", "who", "time", "sec", "a", "true", "1", "null", "~", "<<", "t"])
_PLAIN = st.one_of(_SCALAR_TEXTS, st.from_regex(r"\A[1-9][0-9]{0,19}\Z"), st.just("0"))
_VALUES = st.one_of(
    _PLAIN,
    _PLAIN.map(lambda text: "'" + text.replace("'", "''") + "'"),
    st.sampled_from(["|\n  two\n  lines", ">\n  folded", '"a\\tb"', "[a, 1, {b: c}]", "{}"]),
)


def _block(depth: int) -> st.SearchStrategy[str]:
    """A block mapping or list ``depth`` levels deep at most, indented for its parent."""
    leaf = _VALUES
    if depth == 0:
        return leaf
    child = _block(depth - 1)
    pairs = st.lists(st.tuples(_KEYS, st.one_of(leaf, child)), min_size=1, max_size=4)
    items = st.lists(st.one_of(leaf, child), min_size=1, max_size=4)
    return st.one_of(
        leaf,
        pairs.map(lambda kv: "\n" + "".join(f"{k}:{_under(v)}" for k, v in kv)),
        items.map(lambda values: "\n" + "".join(f"-{_under(v)}" for v in values)),
    )


def _under(value: str) -> str:
    """``value`` after a key's colon or a list's dash: on the line for a scalar, indented
    below for a collection."""
    if not value.startswith("\n"):
        return f" {value}\n"
    return "\n" + "".join(f"  {line}\n" for line in value[1:].rstrip("\n").split("\n"))


FRONT_MATTERS = st.lists(st.tuples(_KEYS, _block(3)), min_size=1, max_size=5).map(
    lambda kv: "".join(f"{k}:{_under(v)}" for k, v in kv)
)


@native_only
@settings(max_examples=1000)
@given(st.one_of(FRONT_MATTERS, YAML_TEXTS), st.lists(st.lists(PARTS, max_size=4).map(tuple)))
def test_the_native_reader_reads_every_text_as_pyyaml(text: str, asked: list[KeyPath]) -> None:
    # The same values, places, look-ups and messages: read natively or handed back.
    def read() -> object:
        return _read_fully(text, asked)

    assert _with_reader(True, read) == _with_reader(False, read)


@native_only
@given(FRONT_MATTERS)
def test_the_native_reader_reads_front_matter_itself(text: str) -> None:
    # What the property above compares is mostly read natively: a text without an anchor, an
    # alias, a tag or a key that is no text is handed back only when PyYAML refuses it too.
    if frontmatter._native_tree(text, 10**6) is None:
        refused = _with_reader(False, lambda: parse_yaml(text, "s.yaml"))
        tagged = any(mark in text for mark in "!&*")  # a tag, an anchor, an alias
        assert (
            isinstance(refused, str)
            or tagged
            or any(f"{key}:" in text for key in ("true", "1", "null", "~", "<<"))
        )


@native_only
@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x",
        "a: !!str 1",
        "a: !t x",
        "%YAML 1.1\n---\na: 1",
        "a: 1\n---\nb: 2",
        "1: a",
        "[a]: b",
        "? {a: 1}\n: b",
        "<<: {a: 1}\nb: 2",
        "a: 2026-02-30",
        "a: [b",
        "# only a comment",
        "a: 'x\u2028y'",
        "a: [1, 2, 3, 4]",
    ],
)
def test_the_native_reader_hands_back_what_pyyaml_must_read(text: str) -> None:
    # Anchors, aliases, tags, directives, two documents, keys that are no text, a merge, a date
    # the constructor refuses, an error, no document, a line break of YAML's own, more nodes
    # than the limit (6 here): PyYAML reads them and says what is wrong.
    assert frontmatter._native_tree(text, 5) is None


@native_only
def test_the_native_reader_counts_every_node_against_the_limit() -> None:
    # A mapping, its key, a list and its three items: six nodes.
    tree = {"a": (0, [(0, None), (0, None), (0, None)])}
    assert frontmatter._native_tree("a: [1, 2, 3]", 6) == ({"a": [1, 2, 3]}, tree, [])
    assert frontmatter._native_tree("a: [1, 2, 3]", 5) is None


def test_every_corpus_file_reads_as_pyyaml_reads_it(corpus: Path) -> None:
    for path in sorted(corpus.rglob("*.md")):
        raw = path.read_bytes()

        def read(raw: bytes = raw, shown: str = str(path)) -> object:
            document = parse_document(decode(raw, shown), shown)
            return repr(document.data), list(document.lines.items()), document.key_lines

        assert _with_reader(True, read) == _with_reader(False, read), path


def test_a_duplicate_anchor_names_the_line_of_the_first() -> None:
    # The composer's own problem is only "second occurrence".
    text = "---\ntitle: x\na: &name 1\nb: &name 2\n---\n"
    with pytest.raises(ContentError) as raised:
        parse_document(text, "e.md")
    assert str(raised.value.diagnostic) == (
        "e.md:4: error: invalid YAML: duplicate anchor: the same anchor is first given on line 3"
    )


def test_a_key_given_again_is_a_warning_at_its_line(content_tree: ContentTree) -> None:
    # In show.yaml, in an episode (at the top and in a transcript item) and in a profile, read
    # natively or by PyYAML alike: YAML keeps the last value and says nothing.
    root = content_tree(
        {
            "show.yaml": "title: Show\ntitle: Show again\n",
            "episodes/e.md": "---\ntitle: One\ntitle: Two\nguests: [ann]\ntranscript:\n"
            "- line: Hi.\n  who: Ann\n  sec: 1\n  sec: 2\n---\n",
            "people/ann.md": "---\ntitle: Ann\ntitle: Anna\n---\n",
        }
    )
    expected = [
        "show.yaml:2: warning: 'title' is given again (first on line 1); the value given last "
        "is used",
        "episodes/e.md:3: warning: 'title' is given again (first on line 2); the value given "
        "last is used",
        "episodes/e.md:9: warning: 'sec' is given again (first on line 8); the value given last "
        "is used",
        "people/ann.md:3: warning: 'title' is given again (first on line 2); the value given "
        "last is used",
    ]
    for reader in (frontmatter.NATIVE_TREE, None):
        with mock.patch.object(frontmatter, "NATIVE_TREE", reader):
            result = load_content(root)
        found = [str(d) for d in result.diagnostics if d.code == "L108"]
        assert sorted(found) == sorted(f"{root}/{line}" for line in expected)
        (episode,) = result.episodes
        assert (episode.title, episode.utterances[0].start_ms) == ("Two", 2000)
