"""``castline youtube plan`` and ``castline youtube push``: the commands, mounted by
:mod:`castline.cli`, whose exit codes they share.

``plan`` lists, for each episode, its video, the caption file and language it would upload, the
chapter block it would write and how each compares with the last upload, then the quota a push
would spend; it needs no credentials and makes no network call. ``push`` does what the plan
says, and only that. Exit codes: 0 done (or nothing to do); 1 a content or state error, an
episode skipped, or a push stopped early (quota, authorisation, network: run it again to go on);
2 a usage error, or the ``youtube`` extra is not installed (the message says what to install).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from castline.errors import CastlineError, ContentError
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
    make_plan,
)

youtube_app = typer.Typer(
    name="youtube",
    help="Keep each episode's captions and chapter list in sync with its YouTube video.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ContentArg = Annotated[
    Path,
    typer.Argument(help="The content folder: show.yaml, episodes/ (or _podcast/), people/."),
]
OutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="The output folder 'castline build' wrote.")
]


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _load_plan(content: Path, out: Path) -> Plan:
    """The plan, its problems printed; a content or state error exits 1."""
    try:
        plan = make_plan(content, out)
    except ContentError as error:
        _err(str(error.diagnostic))
        raise typer.Exit(1) from None
    except CastlineError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None
    for diagnostic in plan.diagnostics:
        _err(str(diagnostic))
    return plan


@youtube_app.command("plan")
def plan_command(content: ContentArg = Path("content"), *, out: OutOpt = Path("out")) -> None:
    """Show what 'castline youtube push' would upload. No credentials, no network."""
    plan = _load_plan(content, out)
    for episode in plan.episodes:
        for line in episode_lines(episode):
            typer.echo(line)
    typer.echo(plan_summary(plan))


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


@youtube_app.command("push")
def push_command(
    content: ContentArg = Path("content"),
    *,
    out: OutOpt = Path("out"),
    only: Annotated[
        bool | None,
        typer.Option(
            "--only-captions/--only-chapters",
            help="Upload captions only, or write chapter blocks only (default: both).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Push at most this many episodes (those with work to do)."),
    ] = None,
    client_secrets: Annotated[
        Path | None,
        typer.Option(help="The OAuth client secrets (JSON) of a Desktop app, to authorise."),
    ] = None,
    reauthorise: Annotated[
        bool, typer.Option("--reauthorise", help="Ignore the cached token; authorise anew.")
    ] = False,
) -> None:
    """Upload what 'castline youtube plan' lists: captions, and chapter blocks in descriptions."""
    try:
        api.require_extra()
    except api.MissingExtraError as error:
        _err(f"castline: {error}")
        raise typer.Exit(2) from None
    options = api.PushOptions(captions=only is not False, chapters=only is not True, limit=limit)
    plan = _load_plan(content, out)
    if not api.pending_episodes(plan, options):
        _err(
            "nothing to push: YouTube has everything the plan can upload "
            "('castline youtube plan' lists what it cannot, and why)"
        )
        raise typer.Exit(0)
    service = api.connect(_credentials(client_secrets, reauthorise))
    report = api.push(plan, service, out, options, on_outcome=lambda o: typer.echo(str(o)))
    if report.stopped is not None:
        _err(f"castline: stopped: {report.stopped}")
    _err(push_summary(report))
    skipped = any(outcome.action == "skipped" for outcome in report.outcomes)
    raise typer.Exit(1 if report.stopped is not None or skipped else 0)


def _credentials(client_secrets: Path | None, reauthorise: bool) -> object:
    from castline.youtube import auth

    try:
        return auth.credentials(client_secrets, auth.token_path(), reauthorise=reauthorise)
    except auth.AuthorisationError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None


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
