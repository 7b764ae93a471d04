"""The push: a :class:`~castline.youtube.plan.Plan` applied through the YouTube Data API v3.

Per episode, in file order, only the parts the plan says are pending:

* captions: ``captions.list`` finds the track castline owns (the recorded track id, else the
  track of the same language and name), then ``captions.update`` replaces its file or
  ``captions.insert`` adds it, the SubRip bytes as the media
  (https://developers.google.com/youtube/v3/docs/captions);
* chapters: ``videos.list`` reads the description, :func:`~castline.youtube.description.splice`
  puts the chapter block in it, and ``videos.update`` writes the snippet back with every other
  writable field as it was (https://developers.google.com/youtube/v3/docs/videos/update); no
  update when the description already holds the block.

After each call that changed something the state is saved (:mod:`castline.youtube.state`).

Errors (https://developers.google.com/youtube/v3/docs/errors): a used-up quota, a refused or
expired authorisation and a network that fails after the library's retries (exponential
backoff) stop the push (:class:`PushStopped`); a video that is missing or not the channel's,
or a description that would be too long, skips that part of that episode and the push goes on.

``service`` is a ``googleapiclient`` resource: ``build("youtube", "v3", credentials=...)`` for
real, or one built on ``googleapiclient.http.HttpMockSequence`` in tests.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from castline.youtube.description import find_block, over_limit, splice
from castline.youtube.plan import CaptionUpload, ChapterBlock, EpisodePlan, Plan
from castline.youtube.state import CaptionRecord, ChaptersRecord, UploadState, save_state

#: The snippet fields ``videos.update`` writes; every one is sent back as it was read.
WRITABLE_SNIPPET = ("title", "description", "tags", "categoryId", "defaultLanguage")
#: The media type the captions calls accept for a caption file of any format.
CAPTION_MEDIA_TYPE = "application/octet-stream"
#: Where the daily quota resets.
QUOTA_ZONE = "America/Los_Angeles"
#: Error reasons that mean the day's quota is used up.
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
#: Error reasons that mean the authorisation does not allow the call for any video.
AUTH_REASONS = frozenset({"insufficientPermissions", "authError", "youtubeSignupRequired"})


#: The modules of the ``youtube`` extra that a push imports.
EXTRA_MODULES = ("googleapiclient", "google_auth_oauthlib", "platformdirs")
#: What to install for a push.
INSTALL_HINT = "pip install 'castline[youtube]'"


class MissingExtraError(Exception):
    """The ``youtube`` extra is not installed."""


def require_extra() -> None:
    """Make sure the ``youtube`` extra's libraries can be imported.

    Raises:
        MissingExtraError: one is missing; the message says what to install.
    """
    import importlib

    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise MissingExtraError(
                f"'castline youtube push' needs the youtube extra ({name} is missing): "
                f"{INSTALL_HINT}"
            ) from None


def connect(credentials: Any) -> Any:
    """The YouTube Data API v3 service, from the discovery document the library ships."""
    from googleapiclient.discovery import build

    return build("youtube", "v3", credentials=credentials, static_discovery=True)


class PushStopped(Exception):
    """The push cannot go on (quota, authorisation, network); what was done is recorded."""


class _Skip(Exception):
    """One part of one episode cannot be done; the push goes on."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one part (``captions`` or ``chapters``) of one episode."""

    slug: str
    part: str
    #: ``inserted``, ``updated``, ``written``, ``unchanged`` or ``skipped``.
    action: str
    message: str

    def __str__(self) -> str:
        return f"{self.slug}: {self.part} {self.action}: {self.message}"


@dataclass(frozen=True, slots=True)
class PushOptions:
    """What to push."""

    captions: bool = True
    chapters: bool = True
    #: At most this many episodes with something to write (``None``: all).
    limit: int | None = None
    #: Retries of a call that failed on the network or with a 5xx/429 answer.
    retries: int = 5
    #: The clock, for the time the quota resets.
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))


@dataclass(slots=True)
class PushReport:
    """What a push did."""

    outcomes: list[Outcome] = field(default_factory=list)
    #: Why the push stopped early, or ``None``.
    stopped: str | None = None
    #: Calls made, by method (``captions.insert``...).
    calls: dict[str, int] = field(default_factory=dict)


def pending_episodes(plan: Plan, options: PushOptions) -> list[EpisodePlan]:
    """The episodes a push would write to, in file order, at most ``options.limit``."""
    found = [
        episode
        for episode in plan.episodes
        if (options.captions and episode.captions.pending)
        or (options.chapters and episode.chapters.pending)
    ]
    return found if options.limit is None else found[: options.limit]


def push(
    plan: Plan,
    service: Any,
    out: Path,
    options: PushOptions,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> PushReport:
    """Apply ``plan`` through ``service``; save the state in ``out`` after each write."""
    report = PushReport()
    calls = _Calls(service, options, report)
    state = plan.state
    try:
        for episode in pending_episodes(plan, options):
            for outcome, after in _episode_steps(calls, episode, state, out, options):
                state = after
                report.outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
    except PushStopped as stop:
        report.stopped = str(stop)
    return report


def _episode_steps(
    calls: _Calls, episode: EpisodePlan, state: UploadState, out: Path, options: PushOptions
) -> Iterator[tuple[Outcome, UploadState]]:
    """Each pending part of ``episode`` done in turn, with the state after it."""
    parts = (
        ("captions", options.captions and episode.captions.pending, _push_captions),
        ("chapters", options.chapters and episode.chapters.pending, _push_chapters),
    )
    for part, wanted, step in parts:
        if not wanted:
            continue
        try:
            outcome, state = step(calls, episode, state)
        except _Skip as skip:
            yield Outcome(episode.slug, part, "skipped", str(skip)), state
            continue
        save_state(out, state)
        yield outcome, state


class _Calls:
    """Runs requests with retries, counts them, and turns errors into stops and skips."""

    def __init__(self, service: Any, options: PushOptions, report: PushReport) -> None:
        self.service = service
        self.options = options
        self.report = report

    def run(self, method: str, request: Any, video: str) -> Any:
        """``request.execute()``, retried by the library; errors become stops or skips."""
        from google.auth.exceptions import RefreshError, TransportError
        from googleapiclient.errors import HttpError
        from httplib2 import HttpLib2Error

        self.report.calls[method] = self.report.calls.get(method, 0) + 1
        try:
            return request.execute(num_retries=self.options.retries)
        except HttpError as error:
            raise _http_failure(method, video, error, self.options) from None
        except RefreshError:
            raise PushStopped(REAUTHORISE) from None
        except (OSError, HttpLib2Error, TransportError) as error:
            raise PushStopped(
                f"{method} failed on the network after {self.options.retries} retries "
                f"({error}); what was done is recorded, run the push again to go on"
            ) from None


#: What to do when YouTube refuses the authorisation.
REAUTHORISE = (
    "YouTube refused the authorisation (expired or revoked): run "
    "'castline youtube push --client-secrets FILE --reauthorise'"
)


def _http_failure(method: str, video: str, error: Any, options: PushOptions) -> PushStopped | _Skip:
    """A stop (quota, authorisation, server) or a skip (this video) for an ``HttpError``."""
    status = int(error.resp.status)
    reason, message = _error_detail(error)
    if status == 403 and reason in QUOTA_REASONS:
        return PushStopped(quota_message(options.now()))
    if status == 401 or reason in AUTH_REASONS:
        return PushStopped(f"{method}: {message}. {REAUTHORISE}")
    if status == 404:
        return _Skip(f"video {video} not found ({method}: {reason or status})")
    if status == 403:
        return _Skip(
            f"{method} refused on video {video} ({reason or status}: {message}); "
            "is it a video of the authorised channel?"
        )
    if status >= 500 or status == 429:
        return PushStopped(
            f"{method}: YouTube answered {status} after {options.retries} retries ({message}); "
            "what was done is recorded, run the push again to go on"
        )
    return _Skip(f"{method} refused on video {video} ({status} {reason}: {message})")


def _error_detail(error: Any) -> tuple[str, str]:
    """The first ``reason`` and the ``message`` of an API error's JSON body."""
    try:
        body = json.loads(error.content)["error"]
        reasons = [item.get("reason", "") for item in body.get("errors", [])]
        return (reasons[0] if reasons else str(body.get("status", ""))), str(body["message"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return "", str(getattr(error.resp, "reason", "") or "no detail")


def quota_message(now: dt.datetime) -> str:
    """What a used-up quota means, and when it resets (midnight Pacific Time).

    >>> text = quota_message(dt.datetime(2025, 3, 4, 20, 30, tzinfo=dt.UTC))  # 12:30 PST
    >>> text[text.index("in "):text.index(";", 60)]
    'in 11 h 30 min (2025-03-05 08:00 UTC)'
    """
    zone = zoneinfo.ZoneInfo(QUOTA_ZONE)
    local = now.astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), zone)
    left = int((midnight - local).total_seconds()) // 60
    at = midnight.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "the YouTube Data API quota is used up for today; it resets at midnight Pacific Time, "
        f"in {left // 60} h {left % 60} min ({at}); what was done is recorded: run the push "
        "again then to go on"
    )


def _push_captions(
    calls: _Calls, episode: EpisodePlan, state: UploadState
) -> tuple[Outcome, UploadState]:
    """Insert or update the episode's caption track; the state with its record."""
    upload = episode.captions.upload
    assert isinstance(upload, CaptionUpload) and upload.language and episode.video
    from googleapiclient.http import MediaInMemoryUpload

    video = episode.video
    listed = calls.run(
        "captions.list",
        calls.service.captions().list(part="snippet", videoId=video),
        video,
    )
    track = _owned_track(listed.get("items", []), state.captions.get(episode.slug), upload, video)
    media = MediaInMemoryUpload(upload.data, mimetype=CAPTION_MEDIA_TYPE, resumable=False)
    captions = calls.service.captions()
    if track is not None:
        body = {"id": track, "snippet": {"isDraft": False}}
        request = captions.update(part="snippet", body=body, media_body=media)
        answer, action = calls.run("captions.update", request, video), "updated"
    else:
        snippet = {"videoId": video, "language": upload.language, "name": upload.name}
        request = captions.insert(
            part="snippet", body={"snippet": {**snippet, "isDraft": False}}, media_body=media
        )
        answer, action = calls.run("captions.insert", request, video), "inserted"
    track_id = str(answer.get("id") or track or "")
    record = CaptionRecord(video, upload.language, upload.name, track_id, upload.sha256)
    message = f"{upload.path} ({upload.cues} cues, {upload.language}) on video {video}"
    return (
        Outcome(episode.slug, "captions", action, message),
        state.with_captions(episode.slug, record),
    )


def _owned_track(
    items: list[Any], known: CaptionRecord | None, upload: CaptionUpload, video: str
) -> str | None:
    """The id of castline's track among ``items``: the recorded one, else the one of the same
    language and name (a track castline uploaded but could not record)."""
    ids = {item.get("id") for item in items}
    if known is not None and known.video == video and known.track in ids:
        return known.track
    for item in items:
        snippet = item.get("snippet", {})
        if (snippet.get("language"), snippet.get("name")) == (upload.language, upload.name):
            return str(item["id"])
    return None


def _push_chapters(
    calls: _Calls, episode: EpisodePlan, state: UploadState
) -> tuple[Outcome, UploadState]:
    """Put the chapter block in the video's description; the state with its record."""
    block = episode.chapters.upload
    assert isinstance(block, ChapterBlock) and episode.video
    video = episode.video
    listed = calls.run("videos.list", calls.service.videos().list(part="snippet", id=video), video)
    items = listed.get("items", [])
    if not items:
        raise _Skip(f"video {video} not found (videos.list: no such video)")
    snippet = items[0].get("snippet", {})
    description = str(snippet.get("description", ""))
    written = splice(description, block.text)
    problem = over_limit(written)
    if problem is not None:
        raise _Skip(problem)
    record = ChaptersRecord(video, block.sha256)
    if written == description:
        message = f"video {video} already has these {block.count} chapters"
        return Outcome(episode.slug, "chapters", "unchanged", message), state.with_chapters(
            episode.slug, record
        )
    body = {key: snippet[key] for key in WRITABLE_SNIPPET if key in snippet}
    body["description"] = written
    request = calls.service.videos().update(part="snippet", body={"id": video, "snippet": body})
    calls.run("videos.update", request, video)
    where = "replaced" if find_block(description) is not None else "added"
    message = f"{block.count} chapters {where} in the description of video {video}"
    return Outcome(episode.slug, "chapters", "written", message), state.with_chapters(
        episode.slug, record
    )
