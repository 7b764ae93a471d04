"""The Podcasting 2.0 JSON transcript: segments per caption cue, the shipped schema, every word
on real data, the feed's links (read by feedparser, podcastparser and lxml)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import feedparser
import jsonschema
import podcastparser
import pytest
import srt
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from castline.exporter import BuildContext
from castline.exporters.jsontranscript import JsonTranscriptExporter, document_text, segment
from castline.model import Episode, Header, Show, SourceRef, Utterance
from castline.timing.cues import Cue
from tests.exporters.conftest import FullBuild

SRC = SourceRef("e.md", 1)
NS = {"podcast": "https://podcastindex.org/namespace/1.0"}


def schema() -> dict[str, Any]:
    """The JSON Schema shipped in the package."""
    text = (resources.files("castline.data") / "transcript.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def render(*items: Header | Utterance, duration_ms: int | None = None) -> dict[str, Any]:
    episode = Episode(slug="e", source=SRC, title="T", transcript=items, duration_ms=duration_ms)
    text, _ = JsonTranscriptExporter().render(BuildContext(Show(SRC, ".")), episode)
    assert text.endswith("}\n")
    document: dict[str, Any] = json.loads(text)
    return document


def test_one_segment_per_caption_cue_with_speaker_and_times() -> None:
    document = render(
        Header("Start", SRC),
        Utterance("Hello and welcome. Today we talk about captions.", "Ann:", 0, SRC),
        Utterance("A line without a speaker.", None, 3_000, SRC),
        duration_ms=6_000,
    )
    assert document == {
        "version": "1.0.0",
        "segments": [
            # The "Ann: " label the SRT cue shows gets its share of the time.
            {"speaker": "Ann", "startTime": 0, "endTime": 1.243, "body": "Hello and welcome."},
            {
                "speaker": "Ann",
                "startTime": 1.326,
                "endTime": 2.917,
                "body": "Today we talk about captions.",
            },
            # The last line ends at its reading-speed estimate: the duration is metadata.
            {"startTime": 3, "endTime": 4.667, "body": "A line without a speaker."},
        ],
    }
    jsonschema.validate(document, schema())


def test_the_schema_rejects_what_the_spec_does_not_allow() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    jsonschema.Draft202012Validator.check_schema(schema())
    assert not validator.is_valid({"version": "1.0.0"})
    assert not validator.is_valid({"version": "1.0.0", "segments": [{"body": "no start"}]})
    assert not validator.is_valid(
        {"version": "1.0.0", "segments": [{"startTime": "0:01", "body": "a string time"}]}
    )
    assert validator.is_valid({"version": "1.0.0", "segments": [{"startTime": 0, "body": "x"}]})


def test_every_episode_gets_a_valid_transcript_with_every_word(full_build: FullBuild) -> None:
    """Acceptance 1: JSON valid against the shipped schema; every word of every line, in order;
    each segment starts within 0.5 s of the caption cue it came from (the .srt, read by the
    srt library)."""
    validator = jsonschema.Draft202012Validator(schema())
    transcribed = [e for e in full_build.episodes if e.has_transcript]
    assert transcribed
    for episode in transcribed:
        path = full_build.out / "episodes" / f"{episode.slug}.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(document)) == [], episode.slug
        segments = document["segments"]
        words = [w for line in episode.utterances for w in line.text.split()]
        assert [w for s in segments for w in s["body"].split()] == words, episode.slug
        starts = [s["startTime"] for s in segments]
        assert starts == sorted(starts)
        assert all(s["endTime"] > s["startTime"] for s in segments)
        cues = list(srt.parse((path.with_suffix(".srt")).read_text(encoding="utf-8")))
        assert len(cues) == len(segments), episode.slug
        for cue, entry in zip(cues, segments, strict=True):
            assert abs(cue.start.total_seconds() - entry["startTime"]) <= 0.5


def test_the_feed_links_the_json_and_html_transcripts(full_build: FullBuild) -> None:
    """Acceptance 2: feedparser, podcastparser and lxml read the feed with the new links."""
    feed_path = full_build.out / "feed.xml"
    if full_build.content.name != "content":
        assert not feed_path.exists()  # the corpus has no show.yaml: a folder of transcripts
        return
    text = feed_path.read_bytes()
    tree: Any = etree.fromstring(text)
    items = tree.xpath("//item")
    assert len(items) == 3
    base = "https://podcast.example.org/harbour-lights/episodes/"
    for item in items:
        slug = item.findtext("guid")
        links = {
            link.get("type"): link.get("url")
            for link in item.xpath("podcast:transcript", namespaces=NS)
        }
        assert links["application/json"] == f"{base}{slug}.json"
        assert links["text/html"] == f"{base}{slug}.html"
    parsed = feedparser.parse(text)
    assert not parsed.bozo and len(parsed.entries) == 3
    with feed_path.open("rb") as stream:
        podcast = podcastparser.parse(str(feed_path), stream)
    assert [len(e["enclosures"]) for e in podcast["episodes"]] == [1, 1, 1]
    for entry in podcast["episodes"]:
        types = {t["type"] for t in entry["transcripts"]} if "transcripts" in entry else None
        if types is not None:
            assert {"application/json", "text/html"} <= types


@pytest.mark.parametrize("who", ["", "  ", ":"])
def test_a_blank_speaker_is_left_out(who: str) -> None:
    document = render(Utterance("Hi.", who, 0, SRC), duration_ms=1_000)
    assert document["segments"] == [{"startTime": 0, "endTime": 1, "body": "Hi."}]


#: Times to 10**20 ms: the document writes those below 10**15 as their decimals, the rest as
#: the encoder does (``repr`` of the float).
_TIMES = st.integers(min_value=0, max_value=10**12) | st.integers(min_value=0, max_value=10**20)
_CUES = st.builds(
    Cue,
    _TIMES,
    _TIMES,
    st.one_of(st.none(), st.text(), st.sampled_from(["Ann", " Ann: ", ":"])),
    st.lists(st.text(), max_size=3).map(tuple),
    st.just(SRC),
)


@given(st.lists(_CUES, max_size=6))
def test_the_document_is_what_the_json_encoder_writes(cues: list[Cue]) -> None:
    document = {"version": "1.0.0", "segments": [segment(cue) for cue in cues]}
    expected = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert document_text(cues) == expected
    assert json.loads(document_text(cues)) == document


@pytest.mark.parametrize("ms", [0, 1, 999, 10**15 - 1, 10**15, 10**15 + 1, 10**18 + 7])
def test_times_around_the_last_written_as_decimals(ms: int) -> None:
    cue = Cue(ms, ms, None, ("Hi",), SRC)
    assert json.loads(document_text([cue])) == {"version": "1.0.0", "segments": [segment(cue)]}
    assert (
        document_text([cue])
        == json.dumps(
            {"version": "1.0.0", "segments": [segment(cue)]}, ensure_ascii=False, indent=2
        )
        + "\n"
    )


@pytest.mark.parametrize(
    "text",
    ["plain words", 'say "hi"', "back\\slash", "nul\x00", "unit\x1f", "del\x7f", "é ü ∑", "\ud800"],
)
def test_a_body_is_escaped_as_the_encoder_escapes_it(text: str) -> None:
    # Each text alone and beside a plain one: either way the whole document takes one path.
    for lines in [(text,)], [(text,), ("plain",)], [("plain",), (text,)]:
        cues = [Cue(0, 1_000, None, line, SRC) for line in lines]
        document = {"version": "1.0.0", "segments": [segment(cue) for cue in cues]}
        assert document_text(cues) == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
