"""The chapters exporter: JSON chapters (valid, sorted, in range), WebVTT track, YouTube list."""

from __future__ import annotations

import html
import itertools
import json
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import webvtt
from hypothesis import given

from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext
from castline.exporters.chapters import ChaptersExporter
from castline.load import load_content
from castline.model import Chapter, Episode, Header, Show, SourceRef
from castline.timecode import format_vtt_timecode, parse_clock
from tests.conftest import CONTENT, DATA, GoldenCheck
from tests.exporters.hostile import assert_writable, hostile_episodes

SHOW = DATA / "feed" / "show"


def schema() -> dict[str, Any]:
    """The JSON Schema castline ships for JSON chapters."""
    text = (files("castline") / "data" / "chapters.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def export(root: Path) -> tuple[dict[str, str], list[str], dict[str, Episode]]:
    """Every chapter file of a content folder, the exporter's messages, and the episodes."""
    loaded = load_content(root)
    context = BuildContext(show=loaded.show)
    exporter = ChaptersExporter()
    outputs: dict[str, str] = {}
    messages: list[Diagnostic] = []
    for episode in loaded.episodes:
        result = exporter.export_episode(context, episode)
        messages.extend(result.diagnostics)
        for artifact in result.artifacts:
            outputs[str(artifact.path)] = artifact.text
    assert exporter.export_show(context, []).artifacts == ()
    prefix = str(root) + "/"
    lines = [str(d).removeprefix(prefix) for d in sorted(set(messages))]
    return outputs, lines, {episode.slug: episode for episode in loaded.episodes}


def check_chapter_files(outputs: dict[str, str], episodes: dict[str, Episode]) -> int:
    """Every JSON file valid, sorted and within the episode; VTT and YouTube files agree."""
    validator = jsonschema.Draft202012Validator(schema())
    count = 0
    for path, text in outputs.items():
        if not path.endswith(".chapters.json"):
            continue
        slug = path.removeprefix("episodes/").removesuffix(".chapters.json")
        document = json.loads(text)
        validator.validate(document)
        assert document["version"] == "1.2.0"
        starts = [chapter["startTime"] for chapter in document["chapters"]]
        assert starts, path
        assert starts == sorted(set(starts)), path
        # The declared duration bounds nothing: the stamps are the timeline.
        assert all(start >= 0 for start in starts), path
        vtt = outputs.get(f"episodes/{slug}.chapters.vtt")
        if vtt is not None:
            cues = webvtt.from_string(vtt).captions
            # webvtt-py leaves character references as written; a player decodes them.
            titles = [html.unescape(cue.text) for cue in cues]
            assert titles == [chapter["title"] for chapter in document["chapters"]]
            assert [cue.start for cue in cues] == [
                format_vtt_timecode(round(start * 1000)) for start in starts
            ]
            assert all(cue.end > cue.start for cue in cues)  # fixed-width HH:MM:SS.mmm
            assert all(a.end == b.start for a, b in itertools.pairwise(cues))
        youtube = outputs.get(f"episodes/{slug}.youtube.txt")
        if youtube is not None:
            listed = [line.split(" ", 1) for line in youtube.splitlines()]
            assert listed[0][0] == "0:00"
            # Every listed title is a chapter's, in order: a chapter under 10 s is merged.
            remaining = iter(c["title"] for c in document["chapters"])
            assert all(title in remaining for _, title in listed)
            seconds = [parse_clock(stamp) // 1000 for stamp, _ in listed]
            assert len(seconds) >= 3
            assert all(b - a >= 10 for a, b in itertools.pairwise(seconds))
        count += len(starts)
    return count


def test_fixture_show_chapter_files() -> None:
    outputs, messages, episodes = export(SHOW)
    assert messages == []
    assert sorted(outputs) == [
        "episodes/harbour-survey.chapters.json",
        "episodes/harbour-survey.chapters.vtt",
        "episodes/harbour-survey.youtube.txt",
        "episodes/night-ferry.chapters.json",
        "episodes/night-ferry.chapters.vtt",
        "episodes/night-ferry.youtube.txt",
    ]
    assert check_chapter_files(outputs, episodes) == 7
    assert json.loads(outputs["episodes/night-ferry.chapters.json"]) == {
        "version": "1.2.0",
        "title": "The Night Ferry Trailer",
        "podcastName": "Tidewater Notes",
        "author": "Tidewater Collective",
        "chapters": [
            {"startTime": 0, "title": "Cold open"},
            {
                "startTime": 30,
                "title": "Reading the table",
                "url": "https://wen.example.net/tables",
                "img": "https://cdn.example.net/site/images/chapters/table.png",
            },
            {"startTime": 95.25, "title": "Last crossing"},
        ],
    }
    assert '"startTime": 95.25,' in outputs["episodes/night-ferry.chapters.json"]
    # Headers: the first starts where speech does (6 s), "Old charts" at its own stamp.
    assert outputs["episodes/harbour-survey.youtube.txt"] == (
        "0:00 Welcome\n0:40 The lead line\n2:05 Old charts\n4:40 Goodbye\n"
    )
    assert outputs["episodes/night-ferry.chapters.vtt"] == (
        "WEBVTT\n\n"
        "1\n00:00:00.000 --> 00:00:30.000\nCold open\n\n"
        "2\n00:00:30.000 --> 00:01:35.250\nReading the table\n\n"
        "3\n00:01:35.250 --> 00:02:30.000\nLast crossing\n"
    )


def test_schema_refuses_what_the_format_does_not_allow() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    good = {"version": "1.2.0", "chapters": [{"startTime": 1.5, "title": "A"}]}
    assert validator.is_valid(good)
    invalid: list[dict[str, Any]] = [
        {"chapters": []},
        {"version": "1.2.0", "chapters": [{"title": "no start"}]},
        {"version": "1.2.0", "chapters": [{"startTime": -1}]},
        {"version": "1.2.0", "chapters": [{"start_time": 1}]},
        {"version": "1.2.0", "chapters": [{"startTime": 1, "img": "relative.png"}]},
    ]
    for bad in invalid:
        assert not validator.is_valid(bad), bad


def explicit_episode(*chapters: Chapter, duration_ms: int | None = None) -> Episode:
    return Episode("e", SourceRef("e.md", 1), "E", chapters=chapters, duration_ms=duration_ms)


def test_explicit_chapters_without_duration_or_transcript_get_no_vtt_track() -> None:
    at = SourceRef("e.md", 4)
    episode = explicit_episode(
        Chapter(0, "A", at), Chapter(20_000, "B", at), Chapter(40_000, "C", at)
    )
    result = ChaptersExporter().export_episode(BuildContext(Show(SourceRef("s", 1), ".")), episode)
    assert [str(a.path) for a in result.artifacts] == [
        "episodes/e.chapters.json",
        "episodes/e.youtube.txt",
    ]
    assert [str(d) for d in result.diagnostics] == [
        "e.md:1: warning: no WebVTT chapters track: without a 'duration' or a transcript the "
        "last chapter has no end"
    ]


def test_relative_chapter_image_needs_a_base_url() -> None:
    at = SourceRef("e.md", 4)
    episode = explicit_episode(Chapter(0, "A", at, image="art/a.png"), duration_ms=60_000)
    result = ChaptersExporter().export_episode(BuildContext(Show(SourceRef("s", 1), ".")), episode)
    document = json.loads(result.artifacts[0].text)
    assert document["chapters"] == [{"startTime": 0, "title": "A"}]
    assert [str(d) for d in result.diagnostics] == [
        "e.md:4: warning: chapter image 'art/a.png' is a relative path and show.yaml has no "
        "'assets_url' or 'base_url'; left out",
        "e.md:1: warning: no YouTube chapter list: 1 chapter, YouTube needs at least 3",
    ]


def test_vtt_cue_text_is_escaped() -> None:
    at = SourceRef("e.md", 4)
    episode = explicit_episode(Chapter(0, "Q&A <live>", at), duration_ms=60_000)
    result = ChaptersExporter().export_episode(BuildContext(Show(SourceRef("s", 1), ".")), episode)
    vtt = result.artifacts[1].text
    assert "Q&amp;A &lt;live&gt;" in vtt
    assert [html.unescape(cue.text) for cue in webvtt.from_string(vtt).captions] == ["Q&A <live>"]


def test_demo_chapter_files_match_golden(golden: GoldenCheck, tmp_path: Path) -> None:
    outputs, messages, episodes = export(CONTENT)
    assert messages == []
    assert check_chapter_files(outputs, episodes) > 0
    for relative, text in sorted(outputs.items()):
        built = tmp_path / relative
        built.parent.mkdir(parents=True, exist_ok=True)
        built.write_bytes(text.encode("utf-8"))
        golden(built, Path("demo") / relative)


def test_corpus_chapter_files(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "content"
    for folder in ("_podcast", "_people"):
        shutil.copytree(corpus / folder, root / folder)
    outputs, messages, episodes = export(root)
    with_chapters = {path.split("/")[1].split(".")[0] for path in outputs}
    # Every episode with section headers gets chapters; the two without headers get none.
    headed = {
        slug
        for slug, episode in episodes.items()
        if any(isinstance(item, Header) for item in episode.transcript)
    }
    assert with_chapters == headed
    assert len(headed) == len(episodes) - 2
    total = check_chapter_files(outputs, episodes)
    assert total > 400
    youtube = [path for path in outputs if path.endswith(".youtube.txt")]
    refused = [m for m in messages if "no YouTube chapter list" in m]
    assert len(youtube) + len(refused) == len(headed)
    assert all(" warning: " in m for m in messages)


def test_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


# --- untrusted input: text UTF-8 cannot encode ----------------------------------------------


def test_lone_surrogates_are_replaced_and_reported() -> None:
    episode = Episode(
        slug="e",
        source=SourceRef("e.md", 1),
        title="T\udfff",
        duration_ms=60_000,
        chapters=(Chapter(0, "Intro\ud800", SourceRef("e.md", 5)),),
        key_lines={"title": 2},
    )
    show = Show(SourceRef("show.yaml", 1), ".", title="S\udc00", key_lines={"title": 3})
    result = ChaptersExporter().export_episode(BuildContext(show), episode)
    assert [str(d) for d in result.diagnostics] == [
        "show.yaml:3: warning: 'title' holds the lone surrogate U+DC00, which is not text; "
        "replaced with U+FFFD",
        "e.md:2: warning: 'title' holds the lone surrogate U+DFFF, which is not text; replaced "
        "with U+FFFD",
        "e.md:5: warning: 'title' holds the lone surrogate U+D800, which is not text; replaced "
        "with U+FFFD",
        "e.md:1: warning: no YouTube chapter list: 1 chapter, YouTube needs at least 3",
    ]
    document = json.loads(result.artifacts[0].text)
    assert (document["title"], document["podcastName"]) == ("T\ufffd", "S\ufffd")
    assert document["chapters"] == [{"startTime": 0, "title": "Intro\ufffd"}]
    assert "Intro\ufffd" in result.artifacts[1].text


@given(hostile_episodes())
def test_any_text_gives_files_that_encode(episode: Episode) -> None:
    made = ChaptersExporter().export_episode(BuildContext(Show(SourceRef("s", 1), ".")), episode)
    assert_writable(made.artifacts, made.diagnostics)
    for artifact in made.artifacts:
        if artifact.path.suffix == ".json":
            json.loads(artifact.text)
