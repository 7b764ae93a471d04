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
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from castline.youtube.plan import Plan

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
    from castline.errors import CastlineError, ContentError
    from castline.youtube.plan import make_plan

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
    from castline.youtube.lines import episode_lines, plan_summary

    plan = _load_plan(content, out)
    for episode in plan.episodes:
        for line in episode_lines(episode):
            typer.echo(line)
    typer.echo(plan_summary(plan))


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
    from castline.youtube import api
    from castline.youtube.lines import push_summary

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
