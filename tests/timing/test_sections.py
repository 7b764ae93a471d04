"""Duplicate headers and paragraphs: one rule for every output, each fault reported once."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from castline.exporters.plaintext import PlaintextExporter
from castline.model import Episode, Header, SourceRef, TranscriptItem, Utterance
from castline.timing.chapters import resolve_chapters
from castline.timing.cues import speaker_name
from castline.timing.sections import published_transcript
from tests.conftest import CAPTION_FIXTURES, bare_context, caption_fixture
from tests.timing.strategies import paragraphs


def where(slug: str, line: int) -> str:
    return f"{CAPTION_FIXTURES / 'episodes' / slug}.md:{line}: warning: "


def titles(items: tuple[TranscriptItem, ...]) -> list[str]:
    return [item.title for item in items if isinstance(item, Header)]


def txt_headings(text: str) -> list[str]:
    """The section headings of a .txt transcript, read as the setext Markdown it is."""
    tokens = MarkdownIt("commonmark").parse(text)
    return [
        tokens[k + 1].content
        for k, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2"
    ]


def test_a_header_directly_above_another_heads_an_empty_section_and_is_left_out() -> None:
    episode = caption_fixture("empty-section")
    published = published_transcript(episode)
    assert [str(d) for d in published.diagnostics] == [
        where("empty-section", 5) + "header 'Podcast Introduction' has no line before the next "
        "header 'Guest Background' (line 6): an empty section, left out"
    ]
    assert titles(published.items) == ["Guest Background"]
    chapters, warnings = resolve_chapters(episode)
    assert [(c.start_ms, c.title) for c in chapters.chapters] == [(63_000, "Guest Background")]
    assert [str(d) for d in warnings] == [str(d) for d in published.header_diagnostics]


def test_a_repeated_header_is_published_once() -> None:
    episode = caption_fixture("repeated-header")
    published = published_transcript(episode)
    assert [str(d) for d in published.diagnostics] == [
        where("repeated-header", 9)
        + "header 'career path' repeats the previous header 'Career Path' (line 5): "
        "published once",
        where("repeated-header", 13)
        + "header 'Wrap-up' is repeated at line 14 with no line between: published once",
    ]
    assert titles(published.items) == ["Career Path", "Wrap-up"]
    chapters, _ = resolve_chapters(episode)
    assert [(c.start_ms, c.title) for c in chapters.chapters] == [
        (0, "Career Path"),
        (10_000, "Wrap-up"),
    ]


def test_the_txt_of_a_fixture_has_each_header_once() -> None:
    for slug, expected in [
        ("repeated-header", ["Career Path", "Wrap-up"]),
        ("empty-section", ["Guest Background"]),
    ]:
        text, diagnostics = PlaintextExporter().render(bare_context(), caption_fixture(slug))
        assert txt_headings(text) == expected, slug
        assert {str(d) for d in published_transcript(caption_fixture(slug)).diagnostics} <= {
            str(d) for d in diagnostics
        }


def test_a_repeated_paragraph_is_reported_and_kept() -> None:
    episode = caption_fixture("repeated-line")
    published = published_transcript(episode)
    assert [str(d) for d in published.diagnostics] == [
        where("repeated-line", 8)
        + "line repeats line 5 by the same speaker word for word: a likely duplicate, kept"
    ]
    assert published.items == episode.transcript
    text, _ = PlaintextExporter().render(bare_context(), episode)
    assert text.count("Welcome to the show.") == 3


def test_a_header_with_its_own_stamp_is_kept_above_another() -> None:
    items = (
        Header("Music", SourceRef("e.md", 2), start_ms=0),
        Header("Talk", SourceRef("e.md", 3)),
        Utterance("Hi.", "A", 9_000, SourceRef("e.md", 4)),
    )
    published = published_transcript(Episode("e", SourceRef("e.md", 1), "E", transcript=items))
    assert published.items == items and published.diagnostics == ()


_titles = st.sampled_from(["Intro", "intro ", "Topic", "Wrap-up"])
_items = st.lists(
    st.one_of(
        st.tuples(st.just("h"), _titles, st.one_of(st.none(), st.integers(0, 60_000))),
        st.tuples(st.just("u"), st.sampled_from(["Hi.", "Hi. ", "So."]), st.sampled_from("AB")),
    ),
    max_size=12,
)


def _episode(raw: list[tuple[str, str, object]]) -> Episode:
    items: list[TranscriptItem] = []
    for line, (kind, text, extra) in enumerate(raw, start=2):
        at = SourceRef("e.md", line)
        if kind == "h":
            assert extra is None or isinstance(extra, int)
            items.append(Header(text, at, start_ms=extra))
        else:
            items.append(Utterance(text, str(extra), None, at))
    return Episode("e", SourceRef("e.md", 1), "E", transcript=tuple(items))


@given(_items)
def test_no_output_publishes_a_header_twice_in_a_row_nor_drops_a_line(
    raw: list[tuple[str, str, object]],
) -> None:
    """Published headers never repeat the previous title, an unstamped header is never right
    above another, every line is kept in order, and each left-out header is reported once, in
    the .txt (parsed as Markdown) and the chapters alike."""
    episode = _episode(raw)
    published = published_transcript(episode)
    items = published.items
    headers = [item for item in items if isinstance(item, Header)]
    keys = [" ".join(h.title.split()).casefold() for h in headers]
    assert all(a != b for a, b in itertools.pairwise(keys))
    assert all(
        not (isinstance(a, Header) and isinstance(b, Header) and a.start_ms is None)
        for a, b in itertools.pairwise(items)
    )
    assert [i for i in items if isinstance(i, Utterance)] == list(episode.utterances)
    left_out = sum(isinstance(item, Header) for item in episode.transcript) - len(headers)
    assert len(published.header_diagnostics) == left_out
    text, _ = PlaintextExporter().render(bare_context(), episode)
    assert txt_headings(text) == [" ".join(h.title.split()) for h in headers]
    chapter_titles = {c.title for c in resolve_chapters(episode)[0].chapters}
    assert chapter_titles <= {" ".join(h.title.split()) for h in headers}


def simple_repeated_lines(episode: Episode) -> list[str]:
    """The places of the lines rule 3 reports, found the simple way: the text with white
    space folded and the speaker's name equal to the previous line's."""
    lines = episode.utterances
    return [
        str(line.source)
        for before, line in itertools.pairwise(lines)
        if " ".join(line.text.split())
        and " ".join(line.text.split()) == " ".join(before.text.split())
        and speaker_name(line.speaker) == speaker_name(before.speaker)
    ]


_texts = st.one_of(
    st.sampled_from(["Hi.", " Hi.", "Hi.\n", "Hi. So. Ok.", "Hi. So.  Ok.", "Hi. So.\tOk. ", ""]),
    paragraphs,
)
_lines = st.lists(
    st.one_of(
        st.tuples(st.just("u"), _texts, st.sampled_from(["A", "A:", " A", "B", ""])),
        st.tuples(st.just("h"), _titles, st.none()),
    ),
    max_size=12,
)


@given(_lines)
def test_a_repeated_line_is_what_folding_its_white_space_finds(
    raw: list[tuple[str, str, object]],
) -> None:
    """Rule 3 reports the lines the simple comparison (every text folded) finds, in order:
    comparing first words before all words changes nothing."""
    episode = _episode(raw)
    found = [str(d.source) for d in published_transcript(episode).line_diagnostics]
    assert found == simple_repeated_lines(episode)
