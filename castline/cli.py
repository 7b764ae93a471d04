"""The ``castline`` command. The only module that prints or exits.

Exit codes: 0 everything built (warnings allowed), 1 a content error (or any warning under
``--strict``), 2 a usage error. Problems go to stderr as ``path:line: severity: message``,
sorted by path and line, each once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from castline import __version__, registry
from castline.build import BuildOptions, BuildReport, build
from castline.diagnostics import CastlineError, ContentError

app = typer.Typer(
    name="castline",
    help="Podcast episodes (Markdown + YAML front matter) in; feed, chapters, captions and "
    "transcripts out.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ContentArg = Annotated[
    Path,
    typer.Argument(help="The content folder: show.yaml, episodes/ (or _podcast/), people/."),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Treat every warning as an error (exit 1).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"castline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """castline: a podcast publishing exporter."""


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _report(report: BuildReport, *, strict: bool, quiet: bool) -> int:
    """Print diagnostics; return the exit code."""
    for diagnostic in report.diagnostics:
        if quiet and diagnostic not in report.errors:
            continue
        _err(str(diagnostic))
    failed = bool(report.errors) or (strict and bool(report.warnings))
    return 1 if failed else 0


@app.command("build")
def build_command(
    content: ContentArg = Path("content"),
    *,
    out: Annotated[Path, typer.Option("--out", "-o", help="The output folder.")] = Path("out"),
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Run only this exporter (repeatable). Default: all."),
    ] = None,
    offset: Annotated[
        float | None,
        typer.Option(
            help="Shift every caption and chapter time by this many seconds "
            "(e.g. 12.5 when the video starts 12.5 s before the audio)."
        ),
    ] = None,
    strict: StrictOpt = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every file written and skipped.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
) -> None:
    """Build every output of CONTENT into the output folder."""
    overrides = {} if offset is None else {"offset_ms": round(offset * 1000)}
    options = BuildOptions(only=tuple(only or ()), overrides=overrides)
    try:
        report = build(content, out, options)
    except ContentError as error:
        _err(str(error.diagnostic))
        raise typer.Exit(1) from None
    except CastlineError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None
    code = _report(report, strict=strict, quiet=quiet)
    if verbose:
        for draft in report.drafts:
            _err(f"{draft}: skipped (a draft or template: its name starts with '_')")
        for path in report.written:
            _err(f"wrote {out / path}")
    if not quiet:
        _err(_summary(report, out))
    raise typer.Exit(code)


@app.command("check")
def check_command(content: ContentArg = Path("content"), *, strict: StrictOpt = False) -> None:
    """Check CONTENT: report every problem, write nothing."""
    try:
        report = build(content, Path(".castline-check-nowhere"), BuildOptions(dry_run=True))
    except ContentError as error:
        _err(str(error.diagnostic))
        raise typer.Exit(1) from None
    except CastlineError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None
    code = _report(report, strict=strict, quiet=False)
    errors, warnings = len(report.errors), len(report.warnings)
    _err(
        f"checked {report.episodes_built + report.episodes_failed} episodes: "
        f"{errors} errors, {warnings} warnings"
    )
    raise typer.Exit(code)


@app.command("exporters")
def exporters_command() -> None:
    """List the installed exporters: name, media type, distribution."""
    try:
        entries = registry.available()
        rows = [(name, entry.load().media_type, entry) for name, entry in entries.items()]
    except CastlineError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None
    for name, media_type, entry in rows:
        typer.echo(f"{name:<10} {media_type:<28} {entry.distribution}=={entry.version}")


def _summary(report: BuildReport, out: Path) -> str:
    drafts = ""
    if report.drafts:
        names = ", ".join(Path(draft).name for draft in report.drafts)
        listed = f" ({names})" if len(report.drafts) <= 5 else " (-v lists them)"
        drafts = f", {len(report.drafts)} drafts skipped{listed}"
    return (
        f"built {report.episodes_built} episodes, {report.episodes_failed} failed{drafts}; "
        f"{len(report.written)} files written, {len(report.unchanged)} unchanged in {out}; "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings"
    )


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        _err("castline: interrupted")
        sys.exit(130)
