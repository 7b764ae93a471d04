"""The plan: every episode's video, caption file and chapter block, with no network; what is
missing or stale; the offset applied to captions (read back by pysubs2) and chapters."""

from __future__ import annotations

from pathlib import Path

import pysubs2
import pytest
from typer.testing import CliRunner

import castline
from castline.cli import app
from castline.youtube.description import BLOCK_END, BLOCK_START
from castline.youtube.plan import QUOTA_COST, CaptionUpload, Change, ChapterBlock, make_plan
from castline.youtube.settings import episode_video
from tests.youtube.conftest import VIDEOS, Show, episode_text

runner = CliRunner()


def test_plan_on_the_corpus_lists_every_video_and_caption_file(
    corpus: Path, tmp_path: Path, no_network: list[object]
) -> None:
    out = tmp_path / "out"
    castline.build(corpus, out)
    result = runner.invoke(app, ["youtube", "plan", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    episodes = castline.load_content(corpus).episodes
    assert len(episodes) == 20
    lines = result.stdout.splitlines()
    for episode in episodes:
        video = episode_video(episode)[0]
        assert video is not None
        assert f"{episode.slug}: video {video}" in lines
        srt = out / "episodes" / f"{episode.slug}.srt"
        if episode.has_transcript:
            assert any(line.startswith(f"  captions: {srt}, ") for line in lines), episode.slug
    assert sum(line.startswith("  captions: /") for line in lines) == 19
    # The corpus has no show.yaml, so no caption language: nothing is uploaded, and it says so.
    assert "no language: set show.yaml 'language' or 'youtube.language'" in result.stdout
    assert no_network == []


def test_plan_on_the_corpus_with_a_language_counts_the_quota(
    corpus: Path, tmp_path: Path, no_network: list[object]
) -> None:
    content = tmp_path / "show"
    content.mkdir()
    (content / "show.yaml").write_text("title: DataTalks.Club\nlanguage: en\n")
    for folder in ("_podcast", "_people"):
        (content / folder).symlink_to(corpus / folder)
    out = tmp_path / "out"
    castline.build(content, out)
    plan = make_plan(content, out)
    captions = [e for e in plan.episodes if e.captions.pending]
    chapters = [e for e in plan.episodes if e.chapters.pending]
    assert (len(plan.episodes), len(captions), len(chapters)) == (20, 19, 18)
    assert all(e.captions.change is Change.NEW for e in captions)
    assert plan.quota() == 19 * (50 + 400) + 18 * (1 + 50) == 9468
    for episode in captions:
        upload = episode.captions.upload
        assert isinstance(upload, CaptionUpload)
        assert upload.data == (out / "episodes" / f"{episode.slug}.srt").read_bytes()
        assert upload.cues == len(pysubs2.SSAFile.from_string(upload.data.decode(), format_="srt"))
    for episode in chapters:
        block = episode.chapters.upload
        assert isinstance(block, ChapterBlock)
        youtube_list = (out / "episodes" / f"{episode.slug}.youtube.txt").read_text()
        assert block.text == f"{BLOCK_START}\n{youtube_list}{BLOCK_END}"
    assert no_network == []


def test_missing_stale_and_edited_captions_are_not_uploaded(show: Show) -> None:
    (show.out / "episodes" / "e1.srt").unlink()
    show.episode(1).write_text(episode_text(VIDEOS[1], words="Edited"), encoding="utf-8")
    (show.out / "episodes" / "e3.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    reasons = [e.captions.reason for e in show.plan().episodes]
    run = "run 'castline build'"
    assert reasons == [
        f"none: {show.out}/episodes/e1.srt is missing; {run}",
        f"none: {show.out}/episodes/e2.srt is stale: {show.episode(1)} changed since the "
        f"build; {run}",
        f"none: {show.out}/episodes/e3.srt was edited after the build wrote it; {run}",
    ]
    assert show.plan().quota() == 3 * (1 + 50)  # the chapter blocks are still to write


def test_an_episode_without_a_video_is_listed_with_the_reason(show: Show) -> None:
    text = episode_text(VIDEOS[0]).replace(f"ids:\n  youtube: {VIDEOS[0]}\n", "")
    show.episode(0).write_text(text, encoding="utf-8")
    show.rebuild()
    first = show.plan().episodes[0]
    assert first.video is None
    assert first.captions.reason == "no video: no 'youtube', 'ids.youtube' or 'links.youtube'"
    assert not first.captions.pending and not first.chapters.pending


@pytest.mark.parametrize(
    ("offset", "starts"),
    [(2.5, ["0:00", "2:02", "6:42"]), (-3, ["0:00", "1:57", "6:37"])],
)
def test_the_offset_shifts_captions_and_chapters_not_the_files_in_out(
    show: Show, offset: float, starts: list[str]
) -> None:
    extra = f"youtube:\n  offset: {offset}\n"
    show.episode(0).write_text(episode_text(VIDEOS[0], extra=extra), encoding="utf-8")
    show.rebuild()
    plan = show.plan().episodes[0]
    upload = plan.captions.upload
    assert isinstance(upload, CaptionUpload)
    built = pysubs2.SSAFile.from_string(
        (show.out / "episodes" / "e1.srt").read_text(), format_="srt"
    )
    sent = pysubs2.SSAFile.from_string(upload.data.decode(), format_="srt")
    shift = round(offset * 1000)
    expected = [
        (max(0, cue.start + shift), cue.end + shift, cue.text)
        for cue in built
        if cue.end + shift > 0
    ]
    assert [(cue.start, cue.end, cue.text) for cue in sent] == expected
    assert built[0].start == 0  # out/ stays on the stamps' timeline
    block = plan.chapters.upload
    assert isinstance(block, ChapterBlock)
    assert [line.split()[0] for line in block.text.split("\n")[1:-1]] == starts


def test_settings_problems_are_reported_at_the_key(show: Show) -> None:
    extra = "youtube:\n  offset: soon\n  colour: red\n"
    show.episode(0).write_text(episode_text(VIDEOS[0], extra=extra), encoding="utf-8")
    messages = [d.message for d in show.plan().diagnostics]
    assert messages == [
        "unknown key 'youtube.colour' (known: video, offset, language); ignored",
        "'youtube.offset' must be a number of seconds between -604800 and 604800, not 'soon'; "
        "ignored",
    ]


def test_quota_figures_are_the_documented_ones() -> None:
    assert QUOTA_COST == {
        "captions.list": 50,
        "captions.insert": 400,
        "captions.update": 450,
        "videos.list": 1,
        "videos.update": 50,
    }
