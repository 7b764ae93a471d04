"""The command line: exit codes, messages on stderr, no traceback for content problems."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from castline import __version__
from castline.cli import app
from tests.conftest import CONTENT, DATA

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"castline {__version__}\n"


def test_build_demo_show(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(CONTENT), "--out", str(tmp_path), "--only", "txt"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(
        f"built 3 episodes, 0 failed; 3 files written, 0 unchanged in {tmp_path}; "
        "0 errors, 0 warnings\n"
    )
    assert len(list((tmp_path / "episodes").glob("*.txt"))) == 3


def test_content_errors_exit_1_sorted_once_each_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(DATA / "loader"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 10 and errors == sorted(set(errors))
    assert "Traceback" not in result.stderr
    assert "1 drafts skipped (_draft.md)" in result.stderr
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


def test_unknown_exporter_exits_1() -> None:
    result = runner.invoke(app, ["build", str(CONTENT), "--only", "nope"])
    assert result.exit_code == 1
    assert result.stderr.startswith("castline: unknown exporter 'nope'; installed: ")


def test_missing_content_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "absent"), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'absent'}:1: error: no such content folder\n"


def test_check_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(DATA / "loader")])
    assert result.exit_code == 1
    assert result.stderr.endswith("checked 11 episodes: 10 errors, 0 warnings\n")
    assert not Path(".castline-check-nowhere").exists()


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
