"""The push against google-api-python-client's offline tools: each request's method, URL, query
and multipart body, on recorded responses (``HttpMockSequence``); no network."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pysubs2
import pytest

from castline.youtube.api import REAUTHORISE, PushOptions, push, quota_message
from castline.youtube.description import BLOCK_END, BLOCK_START
from castline.youtube.plan import Change
from castline.youtube.state import load_state, state_path
from tests.youtube.conftest import (
    VIDEOS,
    Show,
    api_error,
    episode_text,
    mock,
    requests_of,
    respond,
    service,
    video_item,
)

NOW = dt.datetime(2025, 3, 4, 20, 30, tzinfo=dt.UTC)
CAPTIONS_ONLY = PushOptions(chapters=False, retries=0, now=lambda: NOW)
CHAPTERS_ONLY = PushOptions(captions=False, retries=0, now=lambda: NOW)
BLOCK = f"{BLOCK_START}\n0:00 Intro\n2:00 Topic\n6:40 Outro\n{BLOCK_END}"
CAPTIONS_PATH = "/youtube/v3/captions"
UPLOAD_PATH = "/upload/youtube/v3/captions"
VIDEOS_PATH = "/youtube/v3/videos"


def uploads(requests: list[Any]) -> list[Any]:
    return [r for r in requests if r.path == UPLOAD_PATH]


def test_first_upload_lists_inserts_then_writes_the_chapter_block(show: Show) -> None:
    plan = show.plan()
    first = plan.episodes[0]
    assert (first.captions.change, first.chapters.change) == (Change.NEW, Change.NEW)
    http = mock(
        respond(200, {"items": []}),
        respond(200, {"id": "track-1", "snippet": {"language": "en"}}),
        respond(200, {"items": [video_item(VIDEOS[0], "Owner's words.")]}),
        respond(200, {"id": VIDEOS[0]}),
    )
    report = push(plan, service(http), show.out, PushOptions(limit=1, retries=0))
    listing, insert, read, update = requests_of(http)

    assert (listing.method, listing.path) == ("GET", CAPTIONS_PATH)
    assert listing.query == {"part": ["snippet"], "videoId": [VIDEOS[0]], "alt": ["json"]}
    assert (insert.method, insert.path) == ("POST", UPLOAD_PATH)
    assert insert.query == {"part": ["snippet"], "uploadType": ["multipart"], "alt": ["json"]}
    assert insert.json == {
        "snippet": {"videoId": VIDEOS[0], "language": "en", "name": "castline", "isDraft": False}
    }
    srt_file = show.out / "episodes" / "e1.srt"
    assert insert.media == srt_file.read_bytes()
    assert insert.media_type == "application/octet-stream"
    cues = pysubs2.SSAFile.from_string(insert.media.decode(), format_="srt")
    assert [cue.text for cue in cues][:1] == ["Host: Hello and welcome."]
    assert (read.method, read.path, read.query["id"]) == ("GET", VIDEOS_PATH, [VIDEOS[0]])
    assert (update.method, update.path, update.query["part"]) == ("PUT", VIDEOS_PATH, ["snippet"])
    assert update.json == {
        "id": VIDEOS[0],
        "snippet": {
            "title": f"Title of {VIDEOS[0]}",
            "description": f"Owner's words.\n\n{BLOCK}",
            "tags": ["data", "podcast"],
            "categoryId": "22",
        },
    }
    assert report.stopped is None
    assert [str(o) for o in report.outcomes] == [
        f"e1: captions inserted: {srt_file} (3 cues, en) on video {VIDEOS[0]}",
        f"e1: chapters written: 3 chapters added in the description of video {VIDEOS[0]}",
    ]
    saved = json.loads(state_path(show.out).read_text())
    assert saved["episodes"]["e1"]["captions"]["track"] == "track-1"
    assert saved["episodes"]["e1"]["chapters"]["video"] == VIDEOS[0]
    assert set(saved["episodes"]) == {"e1"}


def test_a_push_with_nothing_changed_makes_no_call(show: Show) -> None:
    http = mock(*_first_push_responses())
    push(show.plan(), service(http), show.out, PushOptions(retries=0))
    assert len(uploads(requests_of(http))) == 3

    again = mock()
    plan = show.plan()
    assert {p.change for e in plan.episodes for p in (e.captions, e.chapters)} == {Change.UNCHANGED}
    report = push(plan, service(again), show.out, PushOptions(retries=0))
    assert again.request_sequence == [] and report.calls == {} and report.outcomes == []
    assert plan.quota() == 0


def _first_push_responses() -> list[Any]:
    responses = []
    for number, video in enumerate(VIDEOS, start=1):
        responses += [
            respond(200, {"items": []}),
            respond(200, {"id": f"track-{number}"}),
            respond(200, {"items": [video_item(video, "")]}),
            respond(200, {"id": video}),
        ]
    return responses


def test_an_edited_transcript_updates_the_track_castline_owns(show: Show) -> None:
    push(show.plan(), service(mock(*_first_push_responses())), show.out, PushOptions(retries=0))
    show.episode(1).write_text(episode_text(VIDEOS[1], words="Hello again"), encoding="utf-8")
    show.rebuild()
    plan = show.plan()
    assert [e.captions.change for e in plan.episodes] == [
        Change.UNCHANGED,
        Change.CHANGED,
        Change.UNCHANGED,
    ]
    assert [e.chapters.change for e in plan.episodes] == [Change.UNCHANGED] * 3
    tracks = [
        {"id": "someone-else", "snippet": {"language": "en", "name": ""}},
        {"id": "track-2", "snippet": {"language": "en", "name": "castline"}},
    ]
    http = mock(respond(200, {"items": tracks}), respond(200, {"id": "track-2"}))
    report = push(plan, service(http), show.out, PushOptions(retries=0))
    listing, update = requests_of(http)
    assert listing.query["videoId"] == [VIDEOS[1]]
    assert (update.method, update.path) == ("PUT", UPLOAD_PATH)
    assert update.query == {"part": ["snippet"], "uploadType": ["multipart"], "alt": ["json"]}
    assert update.json == {"id": "track-2", "snippet": {"isDraft": False}}
    assert update.media == (show.out / "episodes" / "e2.srt").read_bytes()
    assert b"Hello again." in (update.media or b"")
    assert [o.action for o in report.outcomes] == ["updated"]
    assert show.plan().quota() == 0


@pytest.mark.parametrize("done", [0, 1, 2])
def test_a_push_stopped_by_the_quota_resumes_with_the_rest(show: Show, done: int) -> None:
    """n = 3 uploads; the quota runs out at upload ``done + 1``; the next push makes the
    remaining n - done uploads and no other write."""
    responses: list[Any] = []
    for number in range(1, done + 1):
        responses += [respond(200, {"items": []}), respond(200, {"id": f"track-{number}"})]
    quota = api_error(403, "quotaExceeded", "The request cannot be completed: quota exceeded.")
    responses += [respond(200, {"items": []}), quota]
    http = mock(*responses)
    report = push(show.plan(), service(http), show.out, CAPTIONS_ONLY)
    assert report.stopped == quota_message(NOW)
    assert "in 11 h 30 min (2025-03-05 08:00 UTC)" in report.stopped
    assert len(uploads(requests_of(http))) == done + 1  # the last one refused
    assert sorted(load_state(show.out).captions) == [f"e{n}" for n in range(1, done + 1)]

    plan = show.plan()
    rest = [*_insert_responses(range(done + 1, 4))]
    resumed = mock(*rest)
    second = push(plan, service(resumed), show.out, CAPTIONS_ONLY)
    assert second.stopped is None
    assert len(uploads(requests_of(resumed))) == 3 - done
    assert [r.query["videoId"] for r in requests_of(resumed) if r.method == "GET"] == [
        [VIDEOS[n - 1]] for n in range(done + 1, 4)
    ]
    assert sorted(load_state(show.out).captions) == ["e1", "e2", "e3"]


def _insert_responses(numbers: range) -> list[Any]:
    responses = []
    for number in numbers:
        responses += [respond(200, {"items": []}), respond(200, {"id": f"track-{number}"})]
    return responses


def test_a_missing_video_is_skipped_and_the_push_goes_on(show: Show) -> None:
    missing = api_error(
        404, "videoNotFound", "The video identified by the videoId could not be found."
    )
    http = mock(missing, *_insert_responses(range(2, 4)))
    report = push(show.plan(), service(http), show.out, CAPTIONS_ONLY)
    assert report.stopped is None
    assert str(report.outcomes[0]) == (
        f"e1: captions skipped: video {VIDEOS[0]} not found (captions.list: videoNotFound)"
    )
    assert [o.action for o in report.outcomes] == ["skipped", "inserted", "inserted"]
    assert sorted(load_state(show.out).captions) == ["e2", "e3"]


def test_a_video_list_without_the_video_skips_its_chapters(show: Show) -> None:
    http = mock(respond(200, {"items": []}))
    report = push(show.plan(), service(http), show.out, PushOptions(captions=False, limit=1))
    assert str(report.outcomes[0]) == (
        f"e1: chapters skipped: video {VIDEOS[0]} not found (videos.list: no such video)"
    )
    assert load_state(show.out).chapters == {}


def test_the_block_is_replaced_between_the_owners_text(show: Show) -> None:
    before_and_after = (
        "Before.\nChapters: my own heading\n\nChapters:\n0:00 Old chapter\n(chapters end)\n"
        "After: links <3 not allowed but kept as read."
    )
    http = mock(
        respond(200, {"items": [video_item(VIDEOS[0], before_and_after)]}),
        respond(200, {"id": VIDEOS[0]}),
    )
    report = push(show.plan(), service(http), show.out, PushOptions(captions=False, limit=1))
    update = requests_of(http)[1]
    assert update.json["snippet"]["description"] == (
        f"Before.\nChapters: my own heading\n\n{BLOCK}\n"
        "After: links <3 not allowed but kept as read."
    )
    assert report.outcomes[0].message == (
        f"3 chapters replaced in the description of video {VIDEOS[0]}"
    )


def test_a_description_that_already_holds_the_block_is_not_written(show: Show) -> None:
    http = mock(respond(200, {"items": [video_item(VIDEOS[0], f"Hi.\n\n{BLOCK}")]}))
    report = push(show.plan(), service(http), show.out, PushOptions(captions=False, limit=1))
    assert [r.method for r in requests_of(http)] == ["GET"]
    assert report.outcomes[0].action == "unchanged"
    assert "e1" in load_state(show.out).chapters


def test_a_description_over_the_limit_is_not_written(show: Show) -> None:
    long = "x" * 4990
    http = mock(respond(200, {"items": [video_item(VIDEOS[0], long)]}))
    report = push(show.plan(), service(http), show.out, PushOptions(captions=False, limit=1))
    assert [r.method for r in requests_of(http)] == ["GET"]
    size = len(f"{long}\n\n{BLOCK}".encode())
    assert str(report.outcomes[0]) == (
        f"e1: chapters skipped: the description would be {size} bytes with the chapter "
        "block; YouTube takes at most 5000"
    )
    assert load_state(show.out).chapters == {}


def test_a_refused_authorisation_stops_the_push(show: Show) -> None:
    http = mock(api_error(401, "authError", "Invalid Credentials"))
    report = push(show.plan(), service(http), show.out, CAPTIONS_ONLY)
    assert report.stopped == f"captions.list: Invalid Credentials. {REAUTHORISE}"
    assert report.outcomes == [] and not state_path(show.out).exists()


class FailingHttp:
    """An ``httplib2.Http`` stand-in whose every request fails on the network."""

    def __init__(self) -> None:
        self.attempts = 0

    def request(self, *args: object, **kwargs: object) -> Any:
        self.attempts += 1
        raise ConnectionResetError(104, "Connection reset by peer")


def test_network_errors_are_retried_then_stop_the_push_cleanly(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("googleapiclient.http.time.sleep", waits.append)
    http = FailingHttp()
    options = PushOptions(chapters=False, retries=2)
    report = push(show.plan(), service(http), show.out, options)
    assert http.attempts == 3 and len(waits) == 2  # the library's exponential backoff
    assert report.stopped == (
        "captions.list failed on the network after 2 retries ([Errno 104] Connection reset by "
        "peer); what was done is recorded, run the push again to go on"
    )
    assert not state_path(show.out).exists()


def test_server_errors_are_retried_by_the_library(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("googleapiclient.http.time.sleep", lambda seconds: None)
    http = mock(
        api_error(503, "backendError", "Backend Error"),
        respond(200, {"items": []}),
        respond(200, {"id": "track-1"}),
    )
    report = push(
        show.plan(), service(http), show.out, PushOptions(chapters=False, limit=1, retries=1)
    )
    assert [o.action for o in report.outcomes] == ["inserted"]
    assert len(http.request_sequence) == 3
