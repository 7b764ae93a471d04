"""The output folder is not trusted: symbolic links in it, a second build on it at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castline.build import BuildOptions, build
from castline.build.manifest import locked
from castline.cli import app
from castline.errors import ConfigError
from tests.build.conftest import GOOD, lock_held_elsewhere, tree
from tests.conftest import ContentTree


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_symlinked_folder_in_the_output_folder_stops_the_build(
    content_tree: ContentTree, tmp_path: Path, jobs: int
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "episodes").symlink_to(elsewhere)
    with pytest.raises(ConfigError) as raised:
        build(root, out, BuildOptions(only=("txt",), jobs=jobs))
    assert str(raised.value) == (
        f"{out}/episodes: is a symbolic link; castline writes no file through it"
    )
    assert list(elsewhere.iterdir()) == []


def test_the_command_names_the_symlink_and_exits_1(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({"episodes/a.md": GOOD.format(title="a", text="T.")})
    out = tmp_path / "out"
    out.mkdir()
    (out / "episodes").symlink_to(tmp_path)
    result = CliRunner().invoke(app, ["build", str(root), "-o", str(out), "--only", "txt", "-q"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"castline: {out}/episodes: is a symbolic link; castline writes no file through it\n"
    )


def test_outputs_of_a_gone_episode_are_not_removed_through_a_symlink(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    moved = tmp_path / "moved"
    (out / "episodes").rename(moved)
    (out / "episodes").symlink_to(moved)
    (root / "episodes/a.md").unlink()
    (root / "episodes/b.md").unlink()
    report = build(root, out, BuildOptions(only=("txt",)))
    assert [str(d) for d in report.diagnostics] == [
        f"{out}/episodes/{n}.txt:1: warning: not removed: "
        f"{out}/episodes: is a symbolic link; castline writes no file through it"
        for n in "ab"
    ]
    assert sorted(p.name for p in moved.iterdir()) == ["a.txt", "b.txt"]


def test_an_output_edited_by_hand_is_not_removed(content_tree: ContentTree, tmp_path: Path) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    (out / "episodes/a.txt").write_text("my notes", encoding="utf-8")
    (root / "episodes/a.md").unlink()
    (root / "episodes/b.md").unlink()
    report = build(root, out, BuildOptions(only=("txt",)))
    assert [str(d) for d in report.diagnostics] == [
        f"{out}/episodes/a.txt:1: warning: not removed: it changed since castline wrote it"
    ]
    assert tree(out) == {"episodes/a.txt": b"my notes"}


def test_a_second_build_on_a_locked_output_folder_stops_and_writes_nothing(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({"episodes/a.md": GOOD.format(title="a", text="T.")})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "castline", "build", str(root), "-o", str(out), "-q"]
    with lock_held_elsewhere(out):
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        check = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=60)
    message = (
        f"castline: {out}: another castline build is writing this output folder "
        f"({out}/.castline/lock is locked); nothing was done: run again once it has finished\n"
    )
    assert (second.returncode, second.stderr) == (1, message)
    assert (check.returncode, check.stderr) == (1, message)
    assert sorted(p.name for p in out.iterdir()) == [".castline", "holding"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    assert (out / "episodes/a.txt").is_file()
    assert (out / ".castline/.gitignore").read_text() == "stat-cache.json\nlock\nreplay.json\n"


FORK_A_LINGERING_WORKER = """
import os, sys, time
from pathlib import Path
from castline.build.manifest import locked, prepare_state_dir

out = Path(sys.argv[1])
prepare_state_dir(out)
with locked(out, shared=False):
    child = os.fork()
    if child == 0:  # a worker process, still exiting when the build is over
        time.sleep(60)
        os._exit(0)
    (out / "forked").write_text(str(child))
"""


def test_a_worker_outliving_its_build_does_not_hold_the_lock(tmp_path: Path) -> None:
    """Else a build interrupted while its workers exit would stop the next one."""
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-c", FORK_A_LINGERING_WORKER, str(out)], timeout=30, check=True
    )
    child = int((out / "forked").read_text())
    try:
        with locked(out, shared=False):
            pass
    finally:
        os.kill(child, signal.SIGKILL)


def test_an_episode_named_in_no_utf8_is_skipped_and_the_manifest_saved(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({"episodes/a.md": GOOD.format(title="A", text="T.")})
    (root / "episodes" / os.fsdecode(b"b\xff.md")).write_text(GOOD.format(title="B", text="T."))
    out = tmp_path / "out"
    first = build(root, out, BuildOptions(only=("txt",), jobs=1))
    again = build(root, out, BuildOptions(only=("txt",), jobs=1))
    assert sorted(p.name for p in (out / "episodes").iterdir()) == ["a.txt"]
    assert (first.episodes_built, again.episodes_skipped) == (1, 1)
    assert [d.message for d in again.diagnostics] == ["the file name is not UTF-8; skipped"]
