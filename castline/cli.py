"""The ``castline`` command. The only module that prints or exits.

Exit codes: 0 everything built (warnings allowed), 1 a content error (or any warning under
``--strict``), 2 a usage error. Problems go to stderr as ``path:line: severity: message``,
sorted by path and line, each once.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from castline.youtube.cli import youtube_app

if TYPE_CHECKING:
    from castline.build import BuildOptions, BuildReport

# The pipeline (castline.build, the loader, the exporters) is imported by the commands that use
# it, when they run: ``castline --help`` and a command's usage error load none of it.

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

app.add_typer(youtube_app, name="youtube")

ContentArg = Annotated[
    Path,
    typer.Argument(help="The content folder: show.yaml, episodes/ (or _podcast/), people/."),
]
#: ``--offset`` beyond a week is a typo, not a video.
MAX_OFFSET_SECONDS = 7 * 24 * 3600
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Treat every warning as an error (exit 1).")
]


def _version(value: bool) -> None:
    if value:
        from castline.version import version_text

        typer.echo(version_text())
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


class Annotations(StrEnum):
    """Where problems are also printed for a CI system to pick up."""

    none = "none"
    github = "github"


class ReportFormat(StrEnum):
    """What ``--report FILE`` writes."""

    json = "json"
    sarif = "sarif"


#: Exit codes (README, "Exit codes"): content errors, a stale output folder under --check.
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_STALE = 3


@dataclass(frozen=True, slots=True)
class Reporting:
    """How a command reports its diagnostics (the options ``build`` and ``check`` share)."""

    strict: bool = False
    quiet: bool = False
    verbose: bool = False
    annotations: Annotations = Annotations.none
    report_file: Path | None = None
    report_format: ReportFormat = ReportFormat.json
    max_warnings: int | None = None


def _report(report: BuildReport, reporting: Reporting) -> int:
    """Print the diagnostics (errors first, warnings grouped by kind), write the machine report,
    the annotations and the step summary; return the exit code for content problems."""
    from castline.report import github_annotations, human_lines, step_summary
    from castline.text import plural

    shown = report.errors if reporting.quiet else report.diagnostics
    _print_diagnostics(human_lines(shown, verbose=reporting.verbose))
    if reporting.report_file is not None:
        _write_report(report, reporting)
    if reporting.annotations is Annotations.github:
        for line in github_annotations(report.diagnostics):
            typer.echo(line)
        _append_step_summary(step_summary(report.diagnostics))
    too_many = reporting.max_warnings is not None and len(report.warnings) > reporting.max_warnings
    if too_many and not reporting.quiet:
        _err(f"castline: {plural(len(report.warnings), 'warning')}, more than --max-warnings")
    failed = bool(report.errors) or (reporting.strict and bool(report.warnings)) or too_many
    return EXIT_ERRORS if failed else 0


def _print_diagnostics(lines: list[str]) -> None:
    """Diagnostics to stderr; on a terminal (and without ``NO_COLOR``) errors red, warnings
    yellow."""
    if not lines:
        return
    if not sys.stderr.isatty() or os.environ.get("NO_COLOR"):
        for line in lines:
            _err(line)
        return
    console = _stderr_console()
    for line in lines:
        style = "red" if ": error: " in line else "yellow" if ": warning: " in line else "bold"
        console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)


def _write_report(report: BuildReport, reporting: Reporting) -> None:
    """``--report FILE``: every diagnostic, whatever ``-q`` hides, as JSON or SARIF."""
    from castline import __version__
    from castline.report import json_report, sarif_report

    assert reporting.report_file is not None
    if reporting.report_format is ReportFormat.sarif:
        text = sarif_report(report.diagnostics, __version__)
    else:
        text = json_report(report.diagnostics, report.episodes)
    try:
        reporting.report_file.write_text(text, encoding="utf-8")
    except OSError as error:
        _err(f"castline: cannot write {reporting.report_file}: {error.strerror}")
        raise typer.Exit(EXIT_ERRORS) from None


def _append_step_summary(markdown: str) -> None:
    """Append to the file GitHub Actions names in ``$GITHUB_STEP_SUMMARY``, when it is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with contextlib.suppress(OSError), open(target, "a", encoding="utf-8") as summary:
            summary.write(markdown)


def _annotations(choice: Annotations | None) -> Annotations:
    if choice is not None:
        return choice
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return Annotations.github
    return Annotations.none


class _Progress:
    """A progress bar on a terminal; plain lines every 10% otherwise (for 100+ episodes)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.task: Any = None
        self.last_tenth = -1

    def __enter__(self) -> _Progress:
        if self.enabled and self.tty:
            from rich import progress

            self.bar = progress.Progress(
                progress.TextColumn("building episodes"),
                progress.BarColumn(),
                progress.MofNCompleteColumn(),
                progress.TimeElapsedColumn(),
                progress.TextColumn("left"),
                progress.TimeRemainingColumn(),
                progress.TextColumn("{task.fields[current]}"),
                transient=True,
                console=_stderr_console(),
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("building episodes", total=None, current="")
        return self

    def __call__(self, done: int, total: int, current: str = "") -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total, current=current)
        elif total >= 100:
            tenth = done * 10 // total
            if tenth > self.last_tenth:
                self.last_tenth = tenth
                _err(f"progress: {done}/{total} episodes")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The output folder.")]
OnlyOpt = Annotated[
    list[str] | None,
    typer.Option("--only", help="Run only this exporter (repeatable). Default: all."),
]
OffsetOpt = Annotated[
    float | None,
    typer.Option(
        help="Shift every caption (srt, vtt) by this many seconds, e.g. 12.5 when the "
        "video starts 12.5 s before the audio. Shifted captions no longer match the "
        "audio, so the feed does not link them."
    ),
]
CheckOpt = Annotated[
    bool,
    typer.Option(
        "--check",
        help="Write nothing; list each file that would be created, changed or removed, "
        "and exit 1 unless the output folder is up to date.",
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Rebuild every episode, ignoring the manifest.")
]
JobsOpt = Annotated[
    int, typer.Option("--jobs", "-j", min=0, help="Worker processes (default 0: one per CPU).")
]
AnnotationsOpt = Annotated[
    Annotations | None,
    typer.Option(
        help="Also print each problem as a CI annotation "
        "(default: github when GITHUB_ACTIONS=true)."
    ),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="List every warning, the skipped drafts and every file written or removed.",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
ReportOpt = Annotated[
    Path | None,
    typer.Option(
        "--report", help="Also write every diagnostic to this file (see --format).", dir_okay=False
    ),
]
FormatOpt = Annotated[
    ReportFormat, typer.Option("--format", help="The --report file's format: json or sarif.")
]
MaxWarningsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-warnings", min=0, help="Fail (exit 1) when more warnings than this remain."
    ),
]


@app.command("build")
def build_command(
    content: ContentArg = Path("content"),
    *,
    out: OutOpt = Path("out"),
    only: OnlyOpt = None,
    offset: OffsetOpt = None,
    check: CheckOpt = False,
    force: ForceOpt = False,
    jobs: JobsOpt = 0,
    annotations: AnnotationsOpt = None,
    strict: StrictOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    report_file: ReportOpt = None,
    report_format: FormatOpt = ReportFormat.json,
    max_warnings: MaxWarningsOpt = None,
) -> None:
    """Build every output of CONTENT into the output folder.

    Exit 0 when everything built, 1 on a content error (or a warning under --strict, or more
    than --max-warnings), 2 on a usage error, 3 under --check when the content is fine but the
    output folder is not up to date.
    """
    from castline.build import BuildOptions

    options = BuildOptions(
        only=tuple(only or ()), overrides=_overrides(offset), dry_run=check, force=force, jobs=jobs
    )
    reporting = Reporting(
        strict, quiet, verbose, _annotations(annotations), report_file, report_format, max_warnings
    )
    started = time.perf_counter()
    with _Progress(enabled=not quiet) as progress:
        report = _run_build(content, out, options, progress)
    code = _report(report, reporting)
    if verbose:
        _list_drafts_and_files(report, out, check=check)
    if check and _list_stale(report, out) and code == 0:
        code = EXIT_STALE
    if not quiet:
        _err(_summary(report, out, time.perf_counter() - started, check=check))
    raise typer.Exit(code)


def _overrides(offset: float | None) -> dict[str, int]:
    """The exporter options ``--offset`` sets (a usage error when it is not a sane number)."""
    if offset is None:
        return {}
    if not (math.isfinite(offset) and abs(offset) <= MAX_OFFSET_SECONDS):
        raise typer.BadParameter(
            f"must be a number of seconds between -{MAX_OFFSET_SECONDS} and {MAX_OFFSET_SECONDS}",
            param_hint="'--offset'",
        )
    return {"offset_ms": round(offset * 1000)}


def _list_drafts_and_files(report: BuildReport, out: Path, *, check: bool) -> None:
    """``-v``: the drafts skipped and, unless checking, every file written or removed."""
    for draft in report.drafts:
        _err(f"{draft}: skipped (a draft or template: its name starts with '_')")
    if not check:
        for path in report.written:
            _err(f"wrote {out / path}")
        for path in report.removed:
            _err(f"removed {out / path}")


def _list_stale(report: BuildReport, out: Path) -> bool:
    """``--check``: print what a build would create, change or remove; true if anything."""
    stale = (
        [("create", p) for p in report.created]
        + [("change", p) for p in report.changed]
        + [("remove", p) for p in report.removed]
    )
    for verb, path in sorted(stale, key=lambda row: row[1]):
        typer.echo(f"would {verb} {out / path}")
    return bool(stale)


@app.command("check")
def check_command(  # one parameter per command-line option: the exception to six
    content: ContentArg = Path("content"),
    *,
    annotations: AnnotationsOpt = None,
    strict: StrictOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    report_file: ReportOpt = None,
    report_format: FormatOpt = ReportFormat.json,
    max_warnings: MaxWarningsOpt = None,
    directory: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="Run the rules one directory documents, at its severities: apple, spotify, "
            "podcastindex or youtube (default: every rule).",
        ),
    ] = None,
) -> None:
    """Check CONTENT: report every problem, write nothing. Exit 0, 1 or 2 as ``build``."""
    import tempfile

    from castline.build import BuildOptions
    from castline.feed.directories import DIRECTORIES, for_directory
    from castline.text import plural

    if directory is not None and directory not in DIRECTORIES:
        _err(f"castline: --for must be one of {', '.join(DIRECTORIES)}, not '{directory}'")
        raise typer.Exit(EXIT_USAGE)
    reporting = Reporting(
        strict, quiet, verbose, _annotations(annotations), report_file, report_format, max_warnings
    )
    with tempfile.TemporaryDirectory(prefix="castline-check-") as nowhere:
        # A dry run into an empty folder: every episode is read and every exporter runs.
        report = _run_build(content, Path(nowhere), BuildOptions(dry_run=True), None)
    if directory is not None:
        report.diagnostics = for_directory(report.diagnostics, directory)
    code = _report(report, reporting)
    if verbose:
        _list_drafts_and_files(report, Path(nowhere), check=True)
    episodes = report.episodes_built + report.episodes_failed
    if not quiet:
        _err(
            f"checked {plural(episodes, 'episode')}: "
            f"{plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}"
        )
    raise typer.Exit(code)


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="The new show's folder (new or empty).")] = Path(
        "."
    ),
) -> None:
    """Start a new show in FOLDER: show.yaml, an episode, a profile, artwork, a CI workflow."""
    from castline.scaffold import NotEmptyError, init_show

    try:
        written = init_show(folder)
    except NotEmptyError as error:
        _err(f"castline: {error}")
        raise typer.Exit(2) from None
    for relative in written:
        _err(f"wrote {folder / relative}")
    _err(
        f"a new show in {folder}: edit show.yaml and episodes/, then run "
        f"'castline build {folder} --out {folder / 'out'}'"
    )


class SchemaName(StrEnum):
    """The files a JSON Schema describes."""

    show = "show"
    episode = "episode"


@app.command("schema")
def schema_command(
    name: Annotated[SchemaName, typer.Argument(help="show (show.yaml) or episode (front matter).")],
) -> None:
    """Print the JSON Schema of show.yaml or of an episode's front matter."""
    from castline.scaffold import schema_text

    typer.echo(schema_text(name.value), nl=False)


@app.command("exporters")
def exporters_command() -> None:
    """List the installed exporters: name, media type, distribution."""
    from castline import registry
    from castline.errors import CastlineError

    try:
        entries = registry.available()
        rows = [(name, entry.load().media_type, entry) for name, entry in entries.items()]
    except CastlineError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None
    for name, media_type, entry in rows:
        typer.echo(f"{name:<10} {media_type:<28} {entry.distribution}=={entry.version}")


def _run_build(
    content: Path,
    out: Path,
    options: BuildOptions,
    progress: Callable[[int, int, str], None] | None,
) -> BuildReport:
    """Run a build; turn what stops it into a message and an exit code.

    SIGTERM (a cancelled CI job, a stopped container) stops the build the way Ctrl-C does:
    every file written is complete, and the exit code is 128 + 15.
    """
    from castline.build import build
    from castline.errors import CastlineError, ContentError, UnknownExporterError

    previous: Any = None
    try:
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _terminate_handler(os.getpid()))
        return build(content, out, options, progress=progress)
    except _Terminated:
        _err("castline: terminated; every file written is complete, the next build finishes")
        raise typer.Exit(128 + signal.SIGTERM) from None
    except KeyboardInterrupt:
        _err("castline: interrupted; every file written is complete, the next build finishes")
        raise typer.Exit(130) from None
    except UnknownExporterError as error:  # --only NAME: a usage error
        _err(f"castline: {error}")
        raise typer.Exit(2) from None
    except ContentError as error:
        _err(str(error.diagnostic))
        raise typer.Exit(1) from None
    except CastlineError as error:
        _err(f"castline: {error}")
        raise typer.Exit(1) from None
    except OSError as error:  # the output folder failed under the build (disk full, unmounted)
        _err(f"castline: cannot write {error.filename or out}: {error.strerror or error}")
        raise typer.Exit(1) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler; a KeyboardInterrupt so that every clean-up path runs."""


def _terminate_handler(main_pid: int) -> Callable[[int, object], None]:
    """The SIGTERM handler: raise :class:`_Terminated` in this process."""

    def terminate(signum: int, frame: object) -> None:
        if os.getpid() != main_pid:
            # A worker forked before installing its own handler: it has nothing to clean up.
            os._exit(128 + signum)
        raise _Terminated

    return terminate


def _summary(report: BuildReport, out: Path, seconds: float, *, check: bool) -> str:
    from castline.text import plural

    drafts = ""
    if report.drafts:
        names = ", ".join(Path(draft).name for draft in report.drafts)
        listed = f" ({names})" if len(report.drafts) <= 5 else " (-v lists them)"
        drafts = f", {plural(len(report.drafts), 'draft')} skipped{listed}"
    if check:
        files = (
            f"{len(report.created)} to create, {len(report.changed)} to change, "
            f"{len(report.removed)} to remove in {out}"
        )
    else:
        files = (
            f"{plural(len(report.written), 'file')} written, {len(report.removed)} removed in {out}"
        )
    return (
        f"episodes: {report.episodes_built} built, {report.episodes_skipped} unchanged, "
        f"{report.episodes_failed} failed{drafts}; {files}{_sizes(report)}; "
        f"{plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}; "
        f"{seconds:.2f} s"
    )


def _sizes(report: BuildReport) -> str:
    """The size of each exporter's show files (a directory may refuse a feed past its
    limit): ``; show files: rss 52,144 bytes, site 1,200,310 bytes``."""
    sizes = report.show_exporter_bytes
    if not sizes:
        return ""
    return "; show files: " + ", ".join(f"{name} {size:,} bytes" for name, size in sizes.items())


def main() -> NoReturn:
    """Console-script entry point: run the command, then end the process with its exit code
    (:func:`end`); interrupted, exit as Python does (its teardown stops what is still running)."""
    try:
        app()
    except SystemExit as exit_request:
        end(exit_request.code)
    except _Terminated:
        _err("castline: terminated")
        sys.exit(128 + signal.SIGTERM)
    except KeyboardInterrupt:
        _err("castline: interrupted")
        sys.exit(130)
    end(0)


def end(code: object) -> NoReturn:
    """Exit with ``code`` as ``sys.exit(code)`` would (``None`` is 0; any other object is
    printed to standard error and gives 1) once the standard streams are flushed, without
    Python's teardown (``os._exit``, https://docs.python.org/3/library/os.html#os._exit).
    By then every file castline writes is complete and closed, and no thread or worker
    process runs: the teardown would only free, one by one, every object the command kept
    (110 ms after a cold build of 200 episodes). A stream that cannot be flushed (a closed
    pipe) gives 120, as Python's own exit does."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)
