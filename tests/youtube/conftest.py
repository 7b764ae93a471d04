"""Shared helpers of the YouTube tests: a small show built into ``out/``, the offline API
service of google-api-python-client, and a parse of each request it recorded."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from googleapiclient.discovery import build as build_service
from googleapiclient.http import HttpMockSequence

import castline
from castline.youtube.plan import Plan, make_plan

SHOW_YAML = "title: Show\nlanguage: en\nbase_url: https://example.com/\n"
#: The videos of the three episodes of :func:`write_show`.
VIDEOS = ("vidAAAAAAA1", "vidBBBBBBB2", "vidCCCCCCC3")


def episode_text(video: str, words: str = "Hello and welcome", extra: str = "") -> str:
    """An episode with three chapters (transcript headers) and three timed lines."""
    return (
        f"---\ntitle: Episode {video}\ndate: 2024-01-01\nduration: PT10M\n"
        f"ids:\n  youtube: {video}\n{extra}"
        "transcript:\n"
        f"- header: Intro\n- line: {words}.\n  who: Host\n  sec: 0\n"
        "- header: Topic\n- line: Let us talk.\n  who: Host\n  sec: 120\n"
        "- header: Outro\n- line: Goodbye.\n  who: Host\n  sec: 400\n---\n"
    )


@dataclass(frozen=True, slots=True)
class Show:
    """A content folder and the output folder it was built into."""

    content: Path
    out: Path

    def episode(self, index: int) -> Path:
        return self.content / "episodes" / f"e{index + 1}.md"

    def rebuild(self) -> None:
        report = castline.build(self.content, self.out)
        assert report.episodes_failed == 0, report.errors

    def plan(self) -> Plan:
        return make_plan(self.content, self.out)


@pytest.fixture
def show(tmp_path: Path) -> Show:
    """Three episodes, one video each, built into ``tmp_path/out``."""
    content = tmp_path / "content"
    (content / "episodes").mkdir(parents=True)
    (content / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    for index, video in enumerate(VIDEOS):
        (content / "episodes" / f"e{index + 1}.md").write_text(
            episode_text(video), encoding="utf-8"
        )
    built = Show(content, tmp_path / "out")
    built.rebuild()
    return built


def respond(status: int, body: object) -> tuple[dict[str, str], str]:
    """One recorded response for :class:`HttpMockSequence`."""
    return {"status": str(status)}, json.dumps(body)


def api_error(status: int, reason: str, message: str) -> tuple[dict[str, str], str]:
    """An error response in the API's JSON shape (https://developers.google.com/youtube/v3/docs/errors)."""
    errors = [{"domain": "youtube", "reason": reason, "message": message}]
    return respond(status, {"error": {"code": status, "message": message, "errors": errors}})


def service(http: Any) -> Any:
    """The YouTube Data API v3 service on ``http``, from the shipped discovery document."""
    return build_service("youtube", "v3", http=http, static_discovery=True)


def mock(*responses: tuple[dict[str, str], str]) -> HttpMockSequence:
    return HttpMockSequence(list(responses))


@dataclass(frozen=True, slots=True)
class Request:
    """One recorded request, parsed: method, path, query, and the body's parts."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    #: The JSON body (the metadata part of a multipart upload).
    json: Any
    #: The media part of a multipart upload, else ``None``.
    media: bytes | None
    media_type: str | None


def requests_of(http: HttpMockSequence) -> list[Request]:
    """Every request ``http`` received, parsed with the standard library's MIME parser."""
    return [
        _parse(uri, method, body, headers) for uri, method, body, headers in http.request_sequence
    ]


def _parse(uri: str, method: str, body: Any, headers: Mapping[str, str]) -> Request:
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    content_type = headers.get("content-type", "")
    raw = body.encode() if isinstance(body, str) else body
    if not content_type.startswith("multipart/related"):
        return Request(method, parts.path, query, json.loads(raw) if raw else None, None, None)
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw, policy=email.policy.compat32
    )
    payload = message.get_payload()
    assert isinstance(payload, list) and len(payload) == 2
    metadata, media = payload
    assert isinstance(metadata, Message) and isinstance(media, Message)
    assert metadata.get_content_type() == "application/json"
    document = json.loads(str(metadata.get_payload()))
    data = media.get_payload(decode=True)
    assert isinstance(data, bytes)
    return Request(method, parts.path, query, document, data, media.get_content_type())


def video_item(video: str, description: str) -> dict[str, Any]:
    """A videos.list item as the API returns it (read-only fields included)."""
    return {
        "kind": "youtube#video",
        "id": video,
        "snippet": {
            "publishedAt": "2024-01-01T00:00:00Z",
            "channelId": "UCchannel",
            "title": f"Title of {video}",
            "description": description,
            "thumbnails": {"default": {"url": "https://i.ytimg.com/x.jpg"}},
            "channelTitle": "Channel",
            "tags": ["data", "podcast"],
            "categoryId": "22",
            "liveBroadcastContent": "none",
            "localized": {"title": "t", "description": description},
        },
    }


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Any connection or name lookup fails (and is recorded)."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> Any:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
