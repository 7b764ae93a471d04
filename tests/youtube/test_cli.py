"""``castline youtube``: the core imports no Google library; push without the extra says what to
install; plan prints each episode's lines and the quota; push with nothing to do calls nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from castline.cli import app
from tests.youtube.conftest import VIDEOS, Show, api_error, mock, respond, service

runner = CliRunner()


def test_the_core_and_its_help_import_no_google_library() -> None:
    code = (
        "import sys, castline, castline.cli\n"
        "from typer.testing import CliRunner\n"
        "for args in (['--help'], ['youtube', '--help'], ['youtube', 'push', '--help']):\n"
        "    assert CliRunner().invoke(castline.cli.app, args).exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('googleapiclient', 'google', 'google_auth_oauthlib', 'httplib2', 'platformdirs')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def test_push_without_the_extra_says_what_to_install(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "googleapiclient", None)  # import fails
    result = runner.invoke(app, ["youtube", "push", str(show.content), "-o", str(show.out)])
    assert result.exit_code == 2
    assert result.stderr == (
        "castline: 'castline youtube push' needs the youtube extra (googleapiclient is "
        "missing): pip install 'castline[youtube]'\n"
    )


def test_plan_prints_each_episode_and_the_quota(show: Show) -> None:
    result = runner.invoke(app, ["youtube", "plan", str(show.content), "-o", str(show.out)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:8] == [
        f"e1: video {VIDEOS[0]}",
        f"  captions: {show.out}/episodes/e1.srt, 3 cues, en, 'castline': new",
        "  chapters: 3 chapters: new",
        "    Chapters:",
        "    0:00 Intro",
        "    2:00 Topic",
        "    6:40 Outro",
        "    (chapters end)",
    ]
    assert lines[-1] == (
        "3 episodes, 3 with a video: 3 caption tracks and 3 chapter blocks to write, 0 "
        "unchanged; quota: at most 1,503 units (captions.list 50 + captions.insert 400 or "
        "captions.update 450; videos.list 1 + videos.update 50), 1 day of the default 10,000"
    )


def test_push_with_nothing_to_do_needs_no_authorisation(show: Show) -> None:
    """Without captions to upload (removed from out/), --only-captions has nothing to do: no
    token, no client secrets, no call."""
    for srt in (show.out / "episodes").glob("*.srt"):
        srt.unlink()
    args = ["youtube", "push", str(show.content), "-o", str(show.out), "--only-captions"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(
        "nothing to push: YouTube has everything the plan can upload ('castline youtube plan' "
        "lists what it cannot, and why)\n"
    )


def test_push_prints_each_outcome_and_exits_1_when_the_quota_stops_it(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = mock(
        respond(200, {"items": []}),
        respond(200, {"id": "track-1"}),
        respond(200, {"items": []}),
        api_error(403, "quotaExceeded", "quota exceeded"),
    )
    monkeypatch.setattr("castline.youtube.auth.credentials", lambda *a, **k: "credentials")
    monkeypatch.setattr("castline.youtube.api.connect", lambda credentials: service(http))
    args = ["youtube", "push", str(show.content), "-o", str(show.out), "--only-captions"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stdout == (
        f"e1: captions inserted: {show.out}/episodes/e1.srt (3 cues, en) on video {VIDEOS[0]}\n"
    )
    stopped, summary = result.stderr.splitlines()
    assert stopped.startswith("castline: stopped: the YouTube Data API quota is used up")
    assert summary == (
        "pushed: 1 captions inserted; calls: captions.insert 2, captions.list 2; "
        "quota spent: 900 units"
    )
