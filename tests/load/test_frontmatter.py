"""Front matter: the YAML composed once, every place at its file line."""

from __future__ import annotations

from castline.load import load_content
from castline.load.frontmatter import key_lines, parse_document, parse_yaml
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
