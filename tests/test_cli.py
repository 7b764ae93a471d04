"""The command line: exit codes, messages on stderr, no traceback for content problems."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.synthetic import write_show
from castline import __version__
from castline.cli import app, end
from castline.timing import engine
from tests.conftest import CONTENT, DATA, ContentTree, fake_distribution

runner = CliRunner()


def test_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """The version, and which cue engine cuts the captions."""
    monkeypatch.delenv("CASTLINE_ENGINE", raising=False)
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    built = engine.native_cheapest_cuts is not None
    assert (
        result.stdout == f"castline {__version__} (cue engine: {'native' if built else 'python'})\n"
    )
    monkeypatch.setenv("CASTLINE_ENGINE", "python")
    result = runner.invoke(app, ["--version"])
    assert result.stdout == f"castline {__version__} (cue engine: python)\n"


def _modules_loaded_by(*args: str) -> list[str]:
    """The castline and third-party modules ``python -m castline ARGS`` loads (the console
    script runs the same ``castline.__main__.main``)."""
    code = (
        "import os, runpy, sys\n"
        "# castline ends with os._exit: in this process (not in a forked worker), catch it below\n"
        "real_exit, pid = os._exit, os.getpid()\n"
        "os._exit = lambda status: (sys.exit if os.getpid() == pid else real_exit)(status)\n"
        "before = set(sys.modules)\n"
        f"sys.argv = ['castline', *{list(args)!r}]\n"
        "try:\n"
        "    runpy.run_module('castline', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(m.split('.')[0] if not m.startswith('castline') else m\n"
        "    for m in set(sys.modules) - before)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return sorted(set(result.stdout.splitlines()[-1].split()))


def test_version_loads_nothing_but_the_version() -> None:
    loaded = _modules_loaded_by("--version")
    # runpy runs castline/__main__.py as "__main__"; the version names the cue engine.
    native = ["castline.timing._cue_engine"] if engine.native_cheapest_cuts is not None else []
    assert [m for m in loaded if m.startswith("castline")] == [
        "castline",
        "castline.timing",
        *native,
        "castline.timing.engine",
        "castline.version",
    ]
    assert not {"typer", "yaml", "importlib_metadata", "typing"} & set(loaded)


def test_help_loads_none_of_the_pipeline() -> None:
    loaded = _modules_loaded_by("--help")
    assert "typer" in loaded
    pipeline = ("castline.build", "castline.load", "castline.timing", "castline.exporters")
    assert [m for m in loaded if m.startswith(pipeline)] == []
    assert not {"yaml", "lxml", "feedgen", "jinja2", "markdown_it", "srt"} & set(loaded)


def test_a_no_change_build_loads_no_writer_library(tmp_path: Path) -> None:
    args = ("build", str(CONTENT), "--out", str(tmp_path), "-q")
    first = _modules_loaded_by(*args)
    # The show step made the feed (checking the cover with Pillow) and the site.
    assert {"jinja2", "lxml", "feedgen", "PIL"} <= set(first)
    loaded = _modules_loaded_by(*args)
    # lxml reads the demo's raw feed_tags, which every load of show.yaml checks; nothing writes,
    # no cover is opened, no worker process started.
    assert not {"jinja2", "feedgen", "markdown_it", "nh3", "srt"} & set(loaded)
    assert not {"PIL", "concurrent", "multiprocessing"} & set(loaded)


def test_build_demo_show(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(CONTENT), "--out", str(tmp_path), "--only", "txt"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        f"episodes: 3 built, 0 unchanged, 0 failed; 3 files written, 0 removed in {tmp_path}; "
        "0 errors, 0 warnings; "
    )
    assert len(list((tmp_path / "episodes").glob("*.txt"))) == 3


def test_the_summary_gives_the_size_of_each_exporters_show_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(CONTENT), "--out", str(tmp_path), "--only", "rss"])
    assert result.exit_code == 0, result.stderr
    size = (tmp_path / "feed.xml").stat().st_size
    assert f" removed in {tmp_path}; show files: rss {size:,} bytes; 0 errors" in result.stderr
    again = runner.invoke(app, ["build", str(CONTENT), "--out", str(tmp_path), "--only", "rss"])
    assert (
        f"0 files written, 0 removed in {tmp_path}; show files: rss {size:,} bytes;" in again.stderr
    )


def test_content_errors_exit_1_sorted_once_each_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(DATA / "loader"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 13 and errors == sorted(set(errors))
    assert "Traceback" not in result.stderr
    assert "1 draft skipped (_draft.md)" in result.stderr
    assert (tmp_path / "episodes/good.txt").is_file()


def test_verbose_lists_drafts_and_written_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(DATA / "loader"), "-o", str(tmp_path), "-v"])
    assert "_draft.md: skipped (a draft or template: its name starts with '_')" in result.stderr
    assert f"wrote {tmp_path / 'episodes/good.txt'}" in result.stderr


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    episode = tmp_path / "c" / "episodes" / "w.md"
    episode.parent.mkdir(parents=True)
    episode.write_text("---\ntranscript:\n- line: Hi.\n---\n", encoding="utf-8")
    relaxed = runner.invoke(app, ["build", str(tmp_path / "c"), "-o", str(tmp_path / "o")])
    strict = runner.invoke(
        app, ["build", str(tmp_path / "c"), "-o", str(tmp_path / "o"), "--strict"]
    )
    assert relaxed.exit_code == 0 and strict.exit_code == 1
    assert f"{episode}:1: warning: no 'title'; using 'w'" in strict.stderr


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["build", "--bogus"]).exit_code == 2


def test_unknown_exporter_is_a_usage_error() -> None:
    result = runner.invoke(app, ["build", str(CONTENT), "--only", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith("castline: unknown exporter 'nope'; installed: ")


@pytest.mark.parametrize("value", ["nan", "inf", "-1e300"])
def test_an_offset_that_is_not_a_time_is_a_usage_error(value: str) -> None:
    result = runner.invoke(app, ["build", str(CONTENT), "--offset", value])
    assert result.exit_code == 2
    assert "Traceback" not in result.output + result.stderr
    assert "must be a number of seconds between -604800 and 604800" in result.stderr


def test_an_output_folder_that_is_a_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    result = runner.invoke(app, ["build", str(CONTENT), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"castline: {tmp_path / 'out'}: cannot write the output folder: Not a directory\n"
    )


def test_missing_content_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "absent"), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'absent'}:1: error: no such content folder\n"


def test_check_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in (DATA / "loader").rglob("*"))
    result = runner.invoke(app, ["check", str(DATA / "loader")])
    assert result.exit_code == 1
    assert "checked 14 episodes: 13 errors, 0 warnings" in result.stderr.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in (DATA / "loader").rglob("*")) == before


def test_corpus_build_writes_a_txt_per_transcript(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path), "--only", "txt"])
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((tmp_path / "episodes").glob("*.txt"))) == 19
    assert "2 drafts skipped (_template.md, _theme-park-" in result.stderr


def test_exporters_lists_name_media_type_and_distribution() -> None:
    result = runner.invoke(app, ["exporters"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["txt", "text/plain", f"castline=={__version__}"] in rows


def test_check_exit_codes_and_listing(tmp_path: Path) -> None:
    content = tmp_path / "c"
    (content / "episodes").mkdir(parents=True)
    for name in "ab":
        (content / "episodes" / f"{name}.md").write_text(
            f"---\ntitle: {name}\ntranscript:\n- line: Hi.\n  who: A\n---\n", encoding="utf-8"
        )
    out = tmp_path / "out"
    args = ["build", str(content), "-o", str(out), "--only", "txt"]
    stale = runner.invoke(app, [*args, "--check"])
    assert stale.exit_code == 3  # content fine, output folder stale
    assert stale.stdout == (
        f"would create {out / 'episodes/a.txt'}\nwould create {out / 'episodes/b.txt'}\n"
    )
    assert not out.exists()
    assert runner.invoke(app, args).exit_code == 0
    fresh = runner.invoke(app, [*args, "--check"])
    assert (fresh.exit_code, fresh.stdout) == (0, "")
    assert "0 to create, 0 to change, 0 to remove" in fresh.stderr
    (content / "episodes" / "a.md").unlink()
    (content / "episodes" / "b.md").write_text(
        "---\ntitle: b\ntranscript:\n- line: Bye.\n  who: A\n---\n", encoding="utf-8"
    )
    changed = runner.invoke(app, [*args, "--check"])
    assert changed.exit_code == 3
    assert changed.stdout == (
        f"would remove {out / 'episodes/a.txt'}\nwould change {out / 'episodes/b.txt'}\n"
    )


def test_github_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["build", str(DATA / "loader"), "-o", str(tmp_path), "--only", "txt"]
    plain = runner.invoke(app, args)
    assert "::error" not in plain.stdout
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(app, args)
    annotations = result.stdout.splitlines()
    # GitHub shows 10 error annotations a step: 10 of the 13, then one notice for the rest.
    assert len(annotations) == 11
    assert all(line.startswith("::error ") for line in annotations[:10])
    assert annotations[10] == (
        "::notice::castline: 3 more problems not annotated (13 errors, 0 warnings in all); "
        "see the log, or write them all with --report FILE"
    )
    assert (
        f"::error file={DATA / 'loader'}/episodes/empty.md,line=1,title=L102 empty-file::empty file"
    ) in annotations
    assert (
        f"::error file={DATA / 'loader'}/episodes/invalid-yaml.md,line=4,title=L104 invalid-yaml::"
        "invalid YAML%3A mapping values are not allowed in this context"
    ) not in annotations  # ':' is escaped in properties only, not in the message
    assert (
        f"::error file={DATA / 'loader'}/episodes/invalid-yaml.md,line=4,title=L104 invalid-yaml::"
        "invalid YAML: mapping values are not allowed in this context"
    ) in annotations
    monkeypatch.delenv("GITHUB_ACTIONS")
    explicit = runner.invoke(app, [*args, "--annotations", "github"])
    assert explicit.stdout == result.stdout


def test_plain_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    content = tmp_path / "c"
    (content / "episodes").mkdir(parents=True)
    for index in range(120):
        (content / "episodes" / f"e{index:03d}.md").write_text(
            "---\ntitle: t\ntranscript:\n- line: Hi.\n  who: A\n---\n", encoding="utf-8"
        )
    result = runner.invoke(app, ["build", str(content), "-o", str(tmp_path / "o"), "--only", "txt"])
    progress = [line for line in result.stderr.splitlines() if line.startswith("progress:")]
    assert (
        progress[0] == "progress: 0/120 episodes" and progress[-1] == "progress: 120/120 episodes"
    )
    assert len(progress) == 11


SLOW_EXPORTER = '''
import time
from castline.exporters.plaintext import PlaintextExporter

class SlowExporter(PlaintextExporter):
    """Plain text, slowly: gives a test time to interrupt a build."""
    name = "slow"
    suffix = ".slow.txt"

    def render(self, context, episode):
        time.sleep(0.04)
        return super().render(context, episode)
'''


def _slow_plugin(folder: Path) -> dict[str, str]:
    """A third-party exporter installed on PYTHONPATH; the environment to run castline with."""
    fake_distribution(
        folder, "castline_slow", SLOW_EXPORTER, {"slow": "castline_slow:SlowExporter"}
    )
    return {**os.environ, "PYTHONPATH": str(folder)}


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".castline" not in p.parts
    }


@pytest.mark.parametrize(
    ("jobs", "stop", "code", "message"),
    [
        ("1", signal.SIGINT, 130, "interrupted"),
        ("2", signal.SIGINT, 130, "interrupted"),
        ("2", signal.SIGTERM, 143, "terminated"),
    ],
)
def test_a_stopped_build_leaves_no_partial_file_and_the_next_build_completes(
    tmp_path: Path, jobs: str, stop: signal.Signals, code: int, message: str
) -> None:
    content = write_show(tmp_path / "content", 40)
    env = _slow_plugin(tmp_path / "plugins")
    command = [sys.executable, "-m", "castline", "build", str(content), "--only", "slow"]
    command += ["--only", "txt", "-j", jobs, "-q"]
    reference = tmp_path / "reference"
    subprocess.run([*command, "-o", str(reference)], env=env, check=True, timeout=120)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*command, "-o", str(out)], env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while len(list((out / "episodes").glob("*.slow.txt"))) < 5:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.01)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert f"castline: {message}; every file written is complete" in stderr
    assert "Traceback" not in stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    partial = _outputs(out)
    expected = _outputs(reference)
    assert 0 < len(partial) < len(expected)
    assert all(expected[name] == data for name, data in partial.items())
    finish = subprocess.run(
        [*command, "-o", str(out)], env=env, capture_output=True, text=True, timeout=120
    )
    assert finish.returncode == 0, finish.stderr
    assert _outputs(out) == expected


def test_a_first_show_yaml_is_checked_without_a_traceback(content_tree: ContentTree) -> None:
    """What a new user writes first: title, description and base_url, and one episode. An error
    and a warning at the same line (show.yaml:1) once made the sort raise."""
    episode = next((CONTENT / "episodes").glob("0001-*.md"))
    root = content_tree(
        {
            "show.yaml": "title: My Show\ndescription: A show\nbase_url: https://example.org/show/\n",
            f"episodes/{episode.name}": episode.read_bytes(),
        }
    )
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    show = f"{root}/show.yaml:1"
    assert result.stderr.splitlines() == [
        f"{show}: error: missing 'author': Spotify requires itunes:author (the show's creator), "
        "and Apple Podcasts shows it under the title",
        f"{show}: error: missing 'categories': Apple Podcasts requires one",
        f"{show}: error: missing 'explicit' (true or false): Apple Podcasts requires"
        " itunes:explicit",
        f"{show}: error: missing 'image': Apple Podcasts requires square artwork of 1400x1400"
        " to 3000x3000 pixels",
        f"{show}: error: missing 'language': Apple Podcasts requires an ISO 639 code such as 'en'",
        "1 warning F021 missing-owner-email: show.yaml has no 'owner.email'",
        f"  {show}: warning: missing 'owner.email': directories use the owner's e-mail to verify"
        " the show",
        "1 warning L221 unknown-guest: a guest id names no readable profile in the people folder",
        f"  {root}/episodes/{episode.name}:6: warning: unknown guest 'tomasokafor': no profile"
        " people/tomasokafor.md",
        "checked 1 episode: 5 errors, 2 warnings",
    ]


def test_a_url_python_cannot_split_is_a_message(content_tree: ContentTree) -> None:
    """``http://[::1`` (an unclosed IPv6 host) made urllib raise ValueError mid-build."""
    root = content_tree(
        {
            "show.yaml": 'title: S\ndescription: D\nbase_url: "http://[::1"\n',
            "episodes/e.md": "---\ntitle: T\naudio: 'http://[::1'\ntranscript:\n- line: Hi.\n"
            "  who: A\n  sec: 1\n---\n",
        }
    )
    result = runner.invoke(app, ["check", str(root), "-v"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{root}/episodes/e.md:3: error: 'audio.length' must be the file size in bytes"
        " (a positive number)",
        f"{root}/show.yaml:3: error: 'base_url' http://[::1 is not an absolute https:// URL;"
        " the feed is not written",
        "checked 1 episode: 2 errors, 0 warnings",
    ]


class _Exited(Exception):
    """What the stand-in for ``os._exit`` raises, with the status it was given."""


def _fake_exit(status: int) -> None:
    raise _Exited(status)


@pytest.mark.parametrize(
    ("code", "status", "printed"), [(None, 0, ""), (3, 3, ""), ("no", 1, "no\n")]
)
def test_end_exits_as_sys_exit_would(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: object,
    status: int,
    printed: str,
) -> None:
    monkeypatch.setattr(os, "_exit", _fake_exit)
    with pytest.raises(_Exited) as exited:
        end(code)
    assert exited.value.args == (status,)
    assert capsys.readouterr().err == printed


class _ClosedPipe:
    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_end_gives_120_when_a_stream_cannot_be_flushed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "_exit", _fake_exit)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    with pytest.raises(_Exited) as exited:
        end(0)
    assert exited.value.args == (120,)
