"""The loader: real files into the model; every defect reported at its file line."""

from __future__ import annotations

from pathlib import Path

import pytest

from castline.load import load_content
from castline.model import Utterance
from tests.conftest import CONTENT, DATA, ContentTree

#: One fixture per defect (tests/data/loader/episodes/), with the exact line the CLI prints.
DEFECTS = {
    "empty": "loader/episodes/empty.md:1: error: empty file",
    "front-matter-not-a-mapping": "loader/episodes/front-matter-not-a-mapping.md:2: error: "
    "front matter must be a mapping of keys, not a list",
    "impossible-date": "loader/episodes/impossible-date.md:3: error: "
    "'2026-02-30' is not a valid date (day is out of range for month)",
    "invalid-yaml": "loader/episodes/invalid-yaml.md:4: error: "
    "invalid YAML: mapping values are not allowed in this context",
    "line-without-text": "loader/episodes/line-without-text.md:7: error: "
    "transcript item 2 has no text in 'line'",
    "neither-line-nor-header": "loader/episodes/neither-line-nor-header.md:6: error: "
    "transcript item 2 has neither 'line' nor 'header' (keys: sec, speaker)",
    "no-front-matter": "loader/episodes/no-front-matter.md:1: error: "
    "no front matter: the file must start with a '---' line",
    "not-utf8": "loader/episodes/not-utf8.md:4: error: not UTF-8 text (byte 0xe9)",
    "sec-not-a-number": "loader/episodes/sec-not-a-number.md:6: error: "
    "'sec' must be a number of seconds, not 'soon'",
    "tab-indent": "loader/episodes/tab-indent.md:5: error: "
    "invalid YAML: found a tab character that violates indentation",
    "tab-at-line-start": "loader/episodes/tab-at-line-start.md:2: error: "
    "invalid YAML: found character that cannot start any token (a tab: YAML indents with spaces)",
    "transcript-not-a-list": "loader/episodes/transcript-not-a-list.md:3: error: "
    "'transcript' must be a list, not a string",
    "unclosed-front-matter": "loader/episodes/unclosed-front-matter.md:1: error: "
    "front matter is not closed: no '---' line after line 1",
}


@pytest.fixture
def defects(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(DATA)
    return Path("loader")


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_defect_is_reported_at_its_line(defects: Path, name: str) -> None:
    result = load_content(defects)
    messages = [str(d) for d in result.diagnostics if f"/{name}.md:" in d.source.path + ":"]
    assert messages == [DEFECTS[name]]


def test_broken_episodes_do_not_stop_the_good_one(defects: Path) -> None:
    result = load_content(defects)
    assert [episode.slug for episode in result.episodes] == ["good"]
    assert sorted(str(d) for d in result.diagnostics) == sorted(DEFECTS.values())


def test_drafts_are_skipped_and_listed(defects: Path) -> None:
    result = load_content(defects)
    assert [path.name for path in result.project.drafts] == ["_draft.md"]


def test_demo_show_loads_without_problems() -> None:
    result = load_content(CONTENT)
    assert result.diagnostics == ()
    assert [e.slug for e in result.episodes] == [
        "0001-forecasting-ferries",
        "0002-platforms-on-a-shoestring",
        "0003-listener-questions",
    ]
    show = result.show
    assert show.title == "Harbour Lights"
    assert show.image_file is not None
    assert (show.image_file.format, show.image_file.width, show.image_file.height) == (
        "PNG",
        1400,
        1400,
    )
    assert [host.name for host in show.hosts] == ["Maya Lindqvist"]
    first = result.episodes[0]
    assert first.guests[0].name == "Tomás Okafor"
    assert first.duration_ms == 190_000
    assert str(first.published) == "2026-03-02 00:00:00+01:00"
    assert first.audio is not None and first.audio.length_bytes == 3048576
    assert first.soundbites[0].start_ms == 95_000 and first.soundbites[0].duration_ms == 33_000
    second = result.episodes[1]
    assert [c.title for c in second.chapters] == [
        "Cold open",
        "Two people, forty branches",
        "The spreadsheet that stayed",
    ]
    assert str(second.published) == "2026-03-16 09:30:00+01:00"


def test_corpus_loads_every_episode_with_a_front_matter(corpus: Path) -> None:
    result = load_content(corpus)
    assert len(result.episodes) == 20
    assert sorted(p.name for p in result.project.drafts) == [
        "_template.md",
        "_theme-park-crowd-modeling-to-tesla-full-stack-data-engineering.md",
    ]
    assert sum(e.has_transcript for e in result.episodes) == 19
    assert not [d for d in result.diagnostics if d.severity.value == "error"]
    for episode in result.episodes:
        for item in episode.transcript:
            if isinstance(item, Utterance):
                assert item.text.strip()


def test_a_symlink_loop_in_the_episodes_folder_is_not_an_episode(
    content_tree: ContentTree,
) -> None:
    root = content_tree(
        {"episodes/a.md": "---\ntitle: A\ntranscript:\n- line: Hi.\n  who: A\n---\n"}
    )
    (root / "episodes/loop.md").symlink_to("loop.md")
    result = load_content(root)
    assert [episode.slug for episode in result.episodes] == ["a"]
