"""The text ``castline youtube plan`` and ``push`` print: a plan's lines, their summaries.

Kept apart from :mod:`castline.youtube.cli` so that mounting the ``youtube`` commands costs
nothing until one runs (``castline --help`` loads neither the plan nor the API modules).
"""

from __future__ import annotations

from castline.text import plural
from castline.youtube import api
from castline.youtube.plan import (
    DEFAULT_DAILY_QUOTA,
    QUOTA_COST,
    CaptionUpload,
    Change,
    ChapterBlock,
    EpisodePlan,
    Part,
    Plan,
)


def episode_lines(episode: EpisodePlan) -> list[str]:
    """The plan's lines for one episode: its video, then its captions and chapters."""
    if episode.video is None:
        return [f"{episode.slug}: {episode.captions.reason}"]
    offset = episode.settings.offset_ms
    shift = f" (offset {offset / 1000:+g} s)" if offset else ""
    lines = [f"{episode.slug}: video {episode.video}{shift}"]
    lines.append(f"  captions: {_part_text(episode.captions)}")
    lines.append(f"  chapters: {_part_text(episode.chapters)}")
    block = episode.chapters.upload
    if isinstance(block, ChapterBlock) and episode.chapters.pending:
        lines.extend(f"    {line}" for line in block.text.split("\n"))
    return lines


def _part_text(part: Part) -> str:
    upload = part.upload
    change = part.change.value if part.change is not None else ""
    if isinstance(upload, CaptionUpload):
        language = upload.language or "no language"
        what = f"{upload.path}, {plural(upload.cues, 'cue')}, {language}, '{upload.name}'"
    elif isinstance(upload, ChapterBlock):
        what = plural(upload.count, "chapter")
    else:
        return str(part.reason)
    if part.reason is not None:
        return f"{what}: not uploaded, {part.reason}"
    return f"{what}: {change}"


def plan_summary(plan: Plan) -> str:
    """The plan's last line: counts and the quota a push would spend."""
    with_video = [e for e in plan.episodes if e.video is not None]
    captions = sum(e.captions.pending for e in with_video)
    chapters = sum(e.chapters.pending for e in with_video)
    unchanged = sum(
        part.change is Change.UNCHANGED for e in with_video for part in (e.captions, e.chapters)
    )
    units = plan.quota()
    days = -(-units // DEFAULT_DAILY_QUOTA)
    return (
        f"{plural(len(plan.episodes), 'episode')}, {len(with_video)} with a video: "
        f"{plural(captions, 'caption track')} and {plural(chapters, 'chapter block')} to "
        f"write, {unchanged} unchanged; quota: at most {units:,} units "
        f"(captions.list {QUOTA_COST['captions.list']} + captions.insert "
        f"{QUOTA_COST['captions.insert']} or captions.update {QUOTA_COST['captions.update']}; "
        f"videos.list {QUOTA_COST['videos.list']} + videos.update "
        f"{QUOTA_COST['videos.update']}), {plural(days, 'day')} of the default "
        f"{DEFAULT_DAILY_QUOTA:,}"
    )


def push_summary(report: api.PushReport) -> str:
    """The push's last line: what was done, the calls made and the quota spent."""
    done: dict[str, int] = {}
    for outcome in report.outcomes:
        key = f"{outcome.part} {outcome.action}"
        done[key] = done.get(key, 0) + 1
    actions = ", ".join(f"{count} {key}" for key, count in sorted(done.items())) or "nothing done"
    calls = ", ".join(f"{name} {count}" for name, count in sorted(report.calls.items()))
    units = sum(QUOTA_COST.get(name, 0) * count for name, count in report.calls.items())
    return f"pushed: {actions}; calls: {calls or 'none'}; quota spent: {units:,} units"
