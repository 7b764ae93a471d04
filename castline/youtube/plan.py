"""What a push would upload for each episode, and what it would cost: no credentials, no network.

For each episode the plan finds

* the video (:func:`castline.youtube.settings.episode_video`);
* the captions: the SubRip file ``castline build`` wrote, ``out/episodes/<slug>.srt``, so that
  YouTube gets the bytes the feed publishes, made with show.yaml's caption options. The build
  manifest (``out/.castline/manifest.json``) tells whether the file is current: a file missing,
  not in the manifest, older than its episode file, or edited since the build is not uploaded
  (run ``castline build``). With an offset the cues are shifted by the ``srt`` library; a cue
  pushed before 0:00 is cut at 0:00, or left out when it ends there;
* the chapter block: the episode's chapters
  (:func:`castline.timing.chapters.resolve_chapters`) shifted by the offset, then held to
  YouTube's rules (:func:`castline.timing.chapters.youtube_chapters`);
* whether each differs from what :mod:`castline.youtube.state` says was uploaded.

Quota: each call's cost, from https://developers.google.com/youtube/v3/determine_quota_cost
(10,000 units a day by default, reset at midnight Pacific Time). Caption files are checked
against the API's limits before any call: SubRip that parses, at most 100 MiB (captions.insert,
https://developers.google.com/youtube/v3/docs/captions/insert).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, replace
from pathlib import Path

import srt

from castline.build.manifest import Manifest, read_manifest, sha256
from castline.build.outfiles import read_or_none
from castline.diagnostics import Diagnostic, Severity
from castline.exporter import episode_path
from castline.load import load_content
from castline.model import Chapter, Episode
from castline.paths import content_relative
from castline.timing.chapters import ChapterList, resolve_chapters, youtube_chapters
from castline.youtube.description import DESCRIPTION_LIMIT_BYTES, chapter_block
from castline.youtube.settings import Settings, episode_settings, episode_video, show_settings
from castline.youtube.state import UploadState, load_state

#: The suffix of the SubRip captions ``castline build`` writes for each episode.
SUBRIP_SUFFIX = ".srt"
#: The largest caption file the API takes (captions.insert ``maxSize``).
CAPTION_LIMIT_BYTES = 100 * 1024 * 1024
#: Quota units per call (https://developers.google.com/youtube/v3/determine_quota_cost).
QUOTA_COST = {
    "captions.list": 50,
    "captions.insert": 400,
    "captions.update": 450,
    "videos.list": 1,
    "videos.update": 50,
}
#: A project's default daily quota, in units.
DEFAULT_DAILY_QUOTA = 10_000


class Change(enum.Enum):
    """How something to upload compares with what was last uploaded."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class CaptionUpload:
    """A caption track to upload: the built file, and the bytes sent (the offset applied)."""

    path: Path
    #: ``None`` when neither show.yaml nor the episode gives one (nothing is uploaded then).
    language: str | None
    name: str
    data: bytes
    cues: int

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes sent."""
        return sha256(self.data)


@dataclass(frozen=True, slots=True)
class ChapterBlock:
    """The chapter block to keep in the description."""

    text: str
    count: int

    @property
    def sha256(self) -> str:
        """The SHA-256 of the block's UTF-8."""
        return sha256(self.text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Part:
    """One half of an episode's plan (captions or chapters): what to upload and how it compares
    with the last upload, or why nothing can be."""

    upload: CaptionUpload | ChapterBlock | None = None
    change: Change | None = None
    reason: str | None = None

    @property
    def pending(self) -> bool:
        """True when a push would write it (something to upload, nothing in the way)."""
        return (
            self.upload is not None and self.reason is None and self.change is not Change.UNCHANGED
        )


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    """What a push would do for one episode."""

    episode: Episode
    video: str | None
    settings: Settings
    captions: Part
    chapters: Part

    @property
    def slug(self) -> str:
        """The episode's slug (the state's key)."""
        return self.episode.slug


@dataclass(frozen=True, slots=True)
class Plan:
    """The plan for every episode that loaded, in file order, and the problems found."""

    episodes: tuple[EpisodePlan, ...]
    diagnostics: tuple[Diagnostic, ...]
    state: UploadState

    def quota(self, *, captions: bool = True, chapters: bool = True) -> int:
        """The most units a push would spend (every pending part written)."""
        return sum(
            episode_cost(plan, self.state, captions=captions, chapters=chapters)
            for plan in self.episodes
        )


def episode_cost(plan: EpisodePlan, state: UploadState, *, captions: bool, chapters: bool) -> int:
    """The most units a push would spend on this episode."""
    cost = 0
    if captions and plan.captions.pending:
        known = state.captions.get(plan.slug)
        write = "captions.update" if known and known.video == plan.video else "captions.insert"
        cost += QUOTA_COST["captions.list"] + QUOTA_COST[write]
    if chapters and plan.chapters.pending:
        cost += QUOTA_COST["videos.list"] + QUOTA_COST["videos.update"]
    return cost


def make_plan(content: Path, out: Path) -> Plan:
    """The plan for the content folder ``content`` built into ``out``.

    Raises:
        ContentError: show.yaml is unreadable.
        ConfigError: the upload state in ``out`` is unreadable.
    """
    result = load_content(content)
    manifest = read_manifest(out)
    state = load_state(out)
    default, found = show_settings(result.show)
    diagnostics = [d for d in result.diagnostics if d.severity is Severity.ERROR] + found
    plans = []
    for episode in result.episodes:
        plan, problems = plan_episode(episode, default, Built(content, out, manifest), state)
        plans.append(plan)
        diagnostics.extend(problems)
    return Plan(tuple(plans), tuple(diagnostics), state)


@dataclass(frozen=True, slots=True)
class Built:
    """Where the build's outputs are, and its manifest."""

    content: Path
    out: Path
    manifest: Manifest


def plan_episode(
    episode: Episode, default: Settings, built: Built, state: UploadState
) -> tuple[EpisodePlan, list[Diagnostic]]:
    """The plan for one episode, and what is wrong with its YouTube settings."""
    video, found = episode_video(episode)
    settings, more = episode_settings(episode, default)
    found.extend(more)
    if video is None:
        none = Part(reason="no video: no 'youtube', 'ids.youtube' or 'links.youtube'")
        return EpisodePlan(episode, None, settings, none, none), found
    captions = _caption_part(episode, settings, built)
    if isinstance(captions.upload, CaptionUpload):
        known = state.captions.get(episode.slug)
        current = (video, captions.upload.language, captions.upload.name, captions.upload.sha256)
        recorded = known and (known.video, known.language, known.name, known.sha256)
        captions = replace(captions, change=_compare(known is not None, recorded == current))
    chapters = _chapter_part(episode, settings.offset_ms)
    if isinstance(chapters.upload, ChapterBlock):
        written = state.chapters.get(episode.slug)
        same = written is not None and (written.video, written.sha256) == (
            video,
            chapters.upload.sha256,
        )
        chapters = replace(chapters, change=_compare(written is not None, same))
    return EpisodePlan(episode, video, settings, captions, chapters), found


def _compare(known: bool, same: bool) -> Change:
    if not known:
        return Change.NEW
    return Change.UNCHANGED if same else Change.CHANGED


def _caption_part(episode: Episode, settings: Settings, built: Built) -> Part:
    """The captions to upload, or why there are none."""
    if not episode.has_transcript:
        return Part(reason="none: the episode has no transcript")
    data, reason = built_captions(episode, built)
    if data is None:
        return Part(reason=f"none: {reason}")
    shifted, cues, problem = shift_captions(data, settings.offset_ms)
    if problem is not None:
        return Part(reason=f"none: {built.out / _srt(episode)}: {problem}")
    path = built.out / _srt(episode)
    upload = CaptionUpload(path, settings.language, settings.caption_name, shifted, cues)
    if settings.language is None:
        return Part(upload, reason="no language: set show.yaml 'language' or 'youtube.language'")
    return Part(upload)


def _srt(episode: Episode) -> Path:
    return Path(episode_path(episode.slug, SUBRIP_SUFFIX))


def built_captions(episode: Episode, built: Built) -> tuple[bytes | None, str]:
    """The episode's built SubRip bytes, or ``None`` and why they cannot be uploaded."""
    relative = episode_path(episode.slug, SUBRIP_SUFFIX)
    target = built.out / relative
    run = "run 'castline build'"
    data = read_or_none(target)
    if data is None:
        return None, f"{target} is missing; {run}"
    source = Path(episode.source.path)
    entry = built.manifest.episodes.get(content_relative(built.content, source))
    outputs = entry.all_outputs() if entry is not None else {}
    if entry is None or str(relative) not in outputs:
        return None, f"{target} is not in the build's manifest; {run}"
    if entry.failed or entry.file_hash != sha256(read_or_none(source) or b""):
        return None, f"{target} is stale: {episode.source.path} changed since the build; {run}"
    if outputs[str(relative)] != sha256(data):
        return None, f"{target} was edited after the build wrote it; {run}"
    return data, ""


def shift_captions(data: bytes, offset_ms: int) -> tuple[bytes, int, str | None]:
    """The SubRip bytes to upload (``data`` itself when there is no offset), their number of
    cues, and why YouTube would refuse them (``None`` when it would not)."""
    if len(data) > CAPTION_LIMIT_BYTES:
        return data, 0, f"{len(data)} bytes, the API takes at most {CAPTION_LIMIT_BYTES}"
    try:
        cues = list(srt.parse(data.decode("utf-8"), ignore_errors=False))
    except (UnicodeDecodeError, srt.SRTParseError) as error:
        return data, 0, f"not SubRip the API can read: {error}"
    if not cues:
        return data, 0, "no cue"
    if offset_ms == 0:
        return data, len(cues), None
    shift = dt.timedelta(milliseconds=offset_ms)
    zero = dt.timedelta(0)
    kept = [
        srt.Subtitle(0, max(zero, cue.start + shift), cue.end + shift, cue.content)
        for cue in cues
        if cue.end + shift > zero
    ]
    if not kept:
        return data, 0, f"the offset {offset_ms / 1000:g} s puts every cue before 0:00"
    for number, cue in enumerate(kept, start=1):
        cue.index = number
    text: str = srt.compose(kept, reindex=False, eol="\n")
    return text.encode("utf-8"), len(kept), None


def _chapter_part(episode: Episode, offset_ms: int) -> Part:
    """The chapter block to write, or why there is none."""
    chapters, _ = resolve_chapters(episode)
    if not chapters.chapters:
        return Part(reason="none: the episode has none")
    listed, reasons = youtube_chapters(episode, shift_chapters(chapters, offset_ms))
    if not listed:
        why = reasons[0].message if reasons else "YouTube's rules are not met"
        return Part(reason=f"none: {why.removeprefix('no YouTube chapter list: ')}")
    block = chapter_block(listed)
    size = len(block.encode("utf-8"))
    if size > DESCRIPTION_LIMIT_BYTES:
        return Part(reason=f"none: the block alone is {size} bytes, over YouTube's limit")
    return Part(ChapterBlock(block, len(listed)))


def shift_chapters(chapters: ChapterList, offset_ms: int) -> ChapterList:
    """``chapters`` on the video's timeline: every time plus ``offset_ms``. Chapters pushed to
    0:00 or before collapse into the last of them, at 0:00 (the video starts there)."""
    if offset_ms == 0:
        return chapters
    moved = [replace(c, start_ms=c.start_ms + offset_ms) for c in chapters.chapters]
    before = [c for c in moved if c.start_ms <= 0]
    kept: list[Chapter] = [replace(before[-1], start_ms=0)] if before else []
    kept.extend(c for c in moved if c.start_ms > 0)
    end = None if chapters.end_ms is None else chapters.end_ms + offset_ms
    speech = max(0, chapters.speech_start_ms + offset_ms)
    return ChapterList(tuple(kept), end, speech, chapters.from_headers)
