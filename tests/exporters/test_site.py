"""The site exporter: episode pages and the index, read back by lxml's HTML parser; escaping;
template overrides and broken templates; every word on real data."""

from __future__ import annotations

import functools
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.build import BuildOptions, build
from castline.errors import ConfigError
from castline.exporters.site import (
    SEGMENT_POLICY,
    make_environment,
    paragraph_html,
    segments_html,
    transcript_sections,
)
from castline.model import Episode, Header, SourceRef, TranscriptItem, Utterance
from castline.registry import create
from castline.timecode import format_clock, format_seconds
from castline.timing.cues import episode_cues
from tests.conftest import CONTENT, ContentTree
from tests.exporters.conftest import FullBuild
from tests.timing.strategies import paragraphs

SITE = BuildOptions(only=("site",), jobs=1)
#: An episode with markup in every field the page shows.
TRICKY = """---
title: Q&A <script>alert(1)</script>
dateadded: 2026-01-05
duration: PT00H00M30S
description: Fish & "chips" <b>today</b>
audio:
  url: https://media.example.org/q.mp3
  length: 100
  type: audio/mpeg
transcript:
- header: Part <one>
- line: Is 1 < 2 & 3 > 2? </span><script>x()</script>
  who: Ann <admin>
  sec: 0
---
Notes with a [link](https://example.org/).
"""


def page(out: Path, slug: str) -> Any:
    return lxml.html.parse(str(out / "episodes" / slug / "index.html")).getroot()


def test_demo_episode_page(tmp_path: Path) -> None:
    report = build(CONTENT, tmp_path, SITE)
    assert report.errors == []
    root = page(tmp_path, "0001-forecasting-ferries")
    assert root.findtext(".//h1") == "Forecasting Ferries with Tomás Okafor"
    assert root.get("lang") == "en"
    for landmark in ("header", "main", "footer", "nav"):
        assert root.findall(f".//{landmark}"), landmark
    [audio] = root.xpath("//audio[@controls]")
    assert (
        audio.get("src") == "https://media.example.org/harbour-lights/0001-forecasting-ferries.mp3"
    )
    guests = root.xpath("//section[@class='guests']//a/@href")
    assert guests == [
        "https://www.linkedin.com/in/tomas-okafor-example",
        "https://x.com/tomas_okafor",
    ]
    chapters = [
        (a.get("href"), a.text_content()) for a in root.xpath("//nav[@class='chapters']//a")
    ]
    assert chapters == [
        ("#t=0:04", "0:04 Introduction"),
        ("#t=0:15", "0:15 Where the forecasts come from"),
        ("#t=1:30", "1:30 The marathon night"),
    ]
    assert [h.text for h in root.xpath("//section[@class='transcript']//h3")] == [
        "Introduction",
        "Where the forecasts come from",
        "The marathon night",
    ]
    # Without JavaScript every time is a link.
    times = root.xpath("//time[not(ancestor::p[@class='facts'])]")
    assert times and all(t.getparent().tag == "a" for t in times)
    assert all(t.getparent().get("href").startswith("#t=") for t in times)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in root.iter("meta")}
    assert meta["og:title"] == meta["twitter:title"] == "Forecasting Ferries with Tomás Okafor"
    assert (
        meta["og:url"]
        == "https://podcast.example.org/harbour-lights/episodes/0001-forecasting-ferries/"
    )
    [script] = root.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@type"] == "PodcastEpisode" and data["datePublished"] == "2026-03-02"
    assert data["duration"] == "PT190S"
    assert data["associatedMedia"]["contentUrl"] == audio.get("src")
    # Self-contained: no external script, style sheet or font.
    assert root.xpath("//script[@src] | //link[@rel='stylesheet']") == []


def test_index_lists_episodes_newest_first(tmp_path: Path) -> None:
    build(CONTENT, tmp_path, SITE)
    root = lxml.html.parse(str(tmp_path / "index.html")).getroot()
    links = root.xpath("//ol[@class='episodes']//h3/a/@href")
    assert links == [
        "episodes/0003-listener-questions/",
        "episodes/0002-platforms-on-a-shoestring/",
        "episodes/0001-forecasting-ferries/",
    ]
    dates = root.xpath("//ol[@class='episodes']//time[1]/@datetime")
    assert dates == sorted(dates, reverse=True)
    facts = " ".join(
        root.xpath("//ol[@class='episodes']/li[3]//p[@class='facts']")[0].text_content().split()
    )
    assert facts == "2026-03-02 · 3:10 · with Tomás Okafor"


def test_text_is_escaped_everywhere(content_tree: ContentTree, tmp_path: Path) -> None:
    root = content_tree({"episodes/q.md": TRICKY})
    build(root, tmp_path, SITE)
    text = (tmp_path / "episodes/q/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<script>x()" not in text and "<admin>" not in text
    document = page(tmp_path, "q")
    assert document.findtext(".//h1") == "Q&A <script>alert(1)</script>"
    segments = [span.xpath("string()") for span in document.xpath("//span[@class='seg']")]
    assert " ".join(segments).startswith("Is 1 < 2 & 3 > 2? </span><script>x()</script>")
    assert document.xpath("string(//span[@class='speaker'])") == "Ann <admin>"
    assert document.xpath("//section[@class='notes']//a/@href") == ["https://example.org/"]
    scripts = document.xpath("//script[not(@type)]")
    assert len(scripts) == 1  # the player's own, and nothing from the content


def test_a_template_override_changes_the_page(content_tree: ContentTree, tmp_path: Path) -> None:
    root = content_tree(
        {
            "episodes/q.md": TRICKY,
            "templates/episode.html.j2": (
                '{% extends "castline/episode.html.j2" %}\n'
                "{% block title %}Custom: {{ episode.title }}{% endblock %}\n"
            ),
        }
    )
    out = tmp_path / "out"
    assert build(root, out, SITE).errors == []
    assert page(out, "q").findtext(".//title") == "Custom: Q&A <script>alert(1)</script>"
    # Changing the override alone rebuilds the pages.
    (root / "templates/episode.html.j2").write_text(
        "<p>{{ episode.title }}</p>\n", encoding="utf-8"
    )
    build(root, out, SITE)
    assert (out / "episodes/q/index.html").read_text(encoding="utf-8") == (
        "<p>Q&amp;A &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def shipped_episode_template() -> tuple[str, str]:
    """The shipped episode.html.j2, and the segment loop its header says segments_html prints."""
    text = (resources.files("castline.data") / "site" / "episode.html.j2").read_text("utf-8")
    start = text.index("{% for segment in paragraph.segments %}")
    end = text.index("{% endfor %}", start) + len("{% endfor %}")
    loop = "\n".join(line.strip() for line in text[start:end].splitlines()) + "\n"
    return text, loop


def shipped_paragraph_loop() -> str:
    """The paragraph loop the shipped episode.html.j2's header says paragraphs_html prints."""
    text = shipped_episode_template()[0]
    start = text.index("{% for paragraph in section.paragraphs %}")
    end = text.index("{% endfor %}", start) + len("{% endfor %}")
    return "\n".join(line.strip() for line in text[start:end].splitlines()) + "\n"


def shipped_paragraph() -> str:
    """The paragraph markup the shipped episode.html.j2's header says a paragraph's html is."""
    text = shipped_episode_template()[0]
    start = text.index("<p{% if paragraph.turn %}")
    end = text.index("</p>", start) + len("</p>")
    return "\n".join(line.strip() for line in text[start:end].splitlines())


def test_a_dict_attribute_is_what_jinja2_finds() -> None:
    """The site's faster ``value.name`` on dicts: a dict's own attributes (even one a key
    shadows) first, then its keys, else the same undefined value."""
    import jinja2

    ours = make_environment({})
    theirs = jinja2.Environment(undefined=jinja2.StrictUndefined)
    data = {"title": "T", "items": "a key that a method shadows", "none": None}
    for name in [*dir(dict), *data, "missing"]:
        found, expected = ours.getattr(data, name), theirs.getattr(data, name)
        if isinstance(expected, jinja2.Undefined):
            assert type(found) is type(expected)
            assert found._undefined_message == expected._undefined_message
        else:
            assert found == expected, name
    assert ours.getattr(data, "items") == data.items


@functools.cache
def segment_loop() -> Any:
    """The loop of the shipped template's header, compiled by the site's environment."""
    return make_environment({}).from_string(shipped_episode_template()[1])


@given(
    st.lists(
        st.tuples(st.integers(0, 10**8), st.integers(0, 10**8), st.text()).map(list), max_size=8
    )
)
def test_segments_html_is_what_the_template_loop_prints(segments: list[list[Any]]) -> None:
    """Any text (quotes, ``&``, ``<``, line breaks) and any times: the same markup as the
    loop rendered by the site's Jinja2 environment."""
    paragraph = {"segments": [{"start_ms": a, "end_ms": b, "text": t} for a, b, t in segments]}
    expected = segment_loop().render(paragraph=paragraph)
    assert segments_html(paragraph["segments"]) == expected


@functools.cache
def paragraph_markup() -> Any:
    """The paragraph markup of the shipped template's header, compiled by the site's
    environment."""
    return make_environment({}).from_string(shipped_paragraph())


@given(
    speaker=st.none() | st.text(),
    turn=st.booleans(),
    start=st.integers(0, 10**8),
    segments=st.lists(
        st.tuples(st.integers(0, 10**8), st.integers(0, 10**8), st.text()), max_size=4
    ),
)
def test_paragraph_html_is_what_the_template_markup_prints(
    speaker: str | None, turn: bool, start: int, segments: list[tuple[int, int, str]]
) -> None:
    """Any speaker (quotes, ``&``, ``<``), either turn, any start and segments: the same
    markup as the header's paragraph markup rendered by the site's Jinja2 environment."""
    paragraph = {
        "speaker": speaker,
        "turn": turn,
        "start_clock": format_clock(start),
        "start_seconds": format_seconds(start),
        "start_iso": f"PT{start // 1000}S",
        "segments_html": segments_html(
            [{"start_ms": a, "end_ms": b, "text": t} for a, b, t in segments]
        ),
    }
    assert paragraph_html(paragraph) == paragraph_markup().render(paragraph=paragraph)


#: Transcripts: lines of any words by a few speakers (one a swapped text, not a name), some
#: stamped, some not, between headers with and without stamps.
_items = st.lists(
    st.one_of(
        st.tuples(
            paragraphs,
            st.sampled_from([None, "Ann & Bo", "<Cy>", "Ann & Bo:", "so we said it and went"]),
            st.none() | st.integers(0, 10**7),
        ),
        st.tuples(st.just("# header"), st.sampled_from(["Intro", "Q&A <1>"]), st.none()),
    ),
    max_size=12,
)


@functools.cache
def paragraph_loop() -> Any:
    """The paragraph loop of the shipped template's header, compiled by the site's
    environment."""
    return make_environment({}).from_string(shipped_paragraph_loop())


@given(_items)
def test_transcript_sections_hold_the_markup_of_their_parts(
    items: list[tuple[str, str | None, int | None]],
) -> None:
    """Each paragraph's ``segments_html`` (made for the whole transcript at once) is
    :func:`segments_html` of its segments and its ``html`` is :func:`paragraph_html` of it;
    each section's ``paragraphs_html`` is what the header's paragraph loop prints of it, and
    what the sections without parts hold; the segments are the cues, in order."""
    transcript: list[TranscriptItem] = []
    for line, (text, who, stamp) in enumerate(items, start=2):
        at = SourceRef("e.md", line)
        if text == "# header":
            assert who is not None
            transcript.append(Header(who, at, start_ms=stamp))
        else:
            transcript.append(Utterance(text, who, stamp, at))
    episode = Episode("e", SourceRef("e.md", 1), "E", transcript=tuple(transcript))
    cues, _ = episode_cues(episode, SEGMENT_POLICY)
    sections = transcript_sections(episode, cues)
    for section in sections:
        assert section["paragraphs_html"] == paragraph_loop().render(section=section)
    # Without parts: the same titles and markup, nothing else.
    assert transcript_sections(episode, cues, parts=False) == [
        {"title": section["title"], "paragraphs_html": section["paragraphs_html"]}
        for section in sections
    ]
    found = [p for section in sections for p in section["paragraphs"]]
    for paragraph in found:
        assert paragraph["segments_html"] == segments_html(paragraph["segments"])
        assert paragraph["html"] == paragraph_html(paragraph)
    segments = [(s["start_ms"], s["end_ms"], s["text"]) for p in found for s in p["segments"]]
    assert segments == [(cue.start_ms, cue.end_ms, cue.text) for cue in cues]


def test_an_override_looping_over_segments_makes_the_same_pages(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    """A show's episode.html.j2 that loops over each section's paragraphs, not its
    paragraphs_html, prints each paragraph with the markup of the shipped header, not its
    html, and its segments with the loop, not segments_html, gets the shipped pages byte for
    byte: sections, paragraphs and segments keep their shape for overrides."""
    root = content_tree({"episodes/q.md": TRICKY})
    shutil.copytree(CONTENT, root, dirs_exist_ok=True)
    shipped_out, override_out = tmp_path / "shipped", tmp_path / "override"
    assert build(root, shipped_out, SITE).errors == []
    text, loop = shipped_episode_template()
    assert text.count("{{ section.paragraphs_html -}}\n") == 1
    paragraphs = shipped_paragraph_loop()
    assert paragraphs.count("{{ paragraph.html }}") == 1
    markup = shipped_paragraph()
    assert markup.count("{{ paragraph.segments_html }}") == 1
    paragraph = markup.replace("{{ paragraph.segments_html }}", loop)
    (root / "templates").mkdir()
    (root / "templates/episode.html.j2").write_text(
        text.replace(
            "{{ section.paragraphs_html -}}\n",
            paragraphs.replace("{{ paragraph.html }}", paragraph),
        ),
        encoding="utf-8",
    )
    assert build(root, override_out, SITE).errors == []
    pages = sorted(p.relative_to(shipped_out) for p in shipped_out.rglob("*.html"))
    assert len(pages) == 5  # four episode pages and the index
    for relative in pages:
        assert (override_out / relative).read_bytes() == (shipped_out / relative).read_bytes()


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "<p>\n{% if %}\n",
            "templates/episode.html.j2:2: error: template error: Expected an expression, got "
            "'end of statement block'; pages not written",
        ),
        (
            "<p>\n\n{{ episode.nothing_here }}\n",
            "templates/episode.html.j2:3: error: template error: 'dict object' has no attribute "
            "'nothing_here'; pages not written",
        ),
    ],
    ids=["syntax", "render"],
)
def test_a_broken_template_is_an_error_at_its_line(
    content_tree: ContentTree, tmp_path: Path, template: str, expected: str
) -> None:
    root = content_tree({"episodes/q.md": TRICKY})
    out = tmp_path / "out"
    assert build(root, out, SITE).errors == []
    good = (out / "episodes/q/index.html").read_bytes()
    (root / "templates").mkdir()
    (root / "templates/episode.html.j2").write_text(template, encoding="utf-8")
    report = build(root, out, SITE)
    assert [str(d).removeprefix(f"{root}/") for d in report.errors] == [expected]
    assert (out / "episodes/q/index.html").read_bytes() == good  # the last good page stays


def test_a_broken_template_is_reported_once_and_every_last_good_page_stays(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    second = TRICKY.replace("title: Q&A", "title: R&B")
    root = content_tree({"episodes/q.md": TRICKY, "episodes/r.md": second})
    out = tmp_path / "out"
    assert build(root, out, SITE).errors == []
    good = {slug: (out / f"episodes/{slug}/index.html").read_bytes() for slug in ("q", "r")}
    (root / "templates").mkdir()
    (root / "templates/episode.html.j2").write_text("{% if %}\n", encoding="utf-8")
    for _ in range(2):  # and again on the next build, until the template is fixed
        report = build(root, out, SITE)
        assert [str(d).removeprefix(f"{root}/") for d in report.errors] == [
            "templates/episode.html.j2:1: error: template error: Expected an expression, got "
            "'end of statement block'; pages not written"
        ]
        for slug, data in good.items():
            assert (out / f"episodes/{slug}/index.html").read_bytes() == data
    (root / "templates/episode.html.j2").unlink()
    assert build(root, out, SITE).errors == []
    assert (out / "episodes/q/index.html").read_bytes() == good["q"]


def test_a_new_episode_writes_its_page_and_the_index_only(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({"episodes/q.md": TRICKY})
    out = tmp_path / "out"
    build(root, out, SITE)
    (root / "episodes/r.md").write_text(TRICKY.replace("Q&A", "R&B"), encoding="utf-8")
    report = build(root, out, SITE)
    assert [str(path) for path in report.written] == ["episodes/r/index.html", "index.html"]
    assert report.episodes_built == 1


def test_the_index_record_holds_no_transcript(content_tree: ContentTree, tmp_path: Path) -> None:
    root = content_tree({"episodes/q.md": TRICKY})
    out = tmp_path / "out"
    build(root, out, SITE)
    manifest = json.loads((out / ".castline/manifest.json").read_bytes())
    digest = manifest["episodes"]["episodes/q.md"]["exporters"]["site"]["record_hash"]
    record = (out / ".castline/records" / f"{digest}.json").read_text(encoding="utf-8")
    assert "Is 1 < 2" not in record and "Q&A" in record
    assert page(out, "q").xpath("string(//span[@class='seg'])").startswith("Is 1 < 2")


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="'excerpt_chars' must be at least 20, not 5"):
        create("site", {"excerpt_chars": 5})
    with pytest.raises(ConfigError, match="'templates' must be a folder name"):
        create("site", {"templates": ""})
    for outside in ("../../etc", "/etc"):
        with pytest.raises(ConfigError, match="'templates' must be a folder inside the content"):
            create("site", {"templates": outside})


def test_every_episode_gets_a_page_with_every_word(full_build: FullBuild) -> None:
    """Acceptance 1: a page per episode; its segments hold every word of every line, in order;
    the index links every page."""
    assert [str(d) for d in full_build.report.errors] == []
    index = lxml.html.parse(str(full_build.out / "index.html")).getroot()
    listed = index.xpath("//ol[@class='episodes']//h3/a/@href")
    assert sorted(listed) == sorted(f"episodes/{e.slug}/" for e in full_build.episodes)
    for episode in full_build.episodes:
        root = page(full_build.out, episode.slug)
        segments = [s.text_content() for s in root.xpath("//span[@class='seg']")]
        words = [w for line in episode.utterances for w in line.text.split()]
        assert [w for s in segments for w in s.split()] == words, episode.slug
        starts = [float(s) for s in root.xpath("//span[@class='seg']/@data-start")]
        assert starts == sorted(starts)
