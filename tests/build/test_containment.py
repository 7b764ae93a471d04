"""Failures castline itself meets on one episode (loading, fingerprinting, writing) fail that
episode alone: a ``path:line`` error, its previous outputs kept, the others built."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from castline.build import BuildOptions, build, manifest, planner, workers
from castline.load import Project, load_episode
from tests.build.conftest import GOOD, tree
from tests.conftest import ContentTree

KEPT = "its previous outputs are kept"


def three(content_tree: ContentTree, text: str = "T.") -> Path:
    return content_tree({f"episodes/{n}.md": GOOD.format(title=n, text=text) for n in "abc"})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_loader_crash_fails_only_its_episode(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    root = three(content_tree)
    out = tmp_path / "out"
    assert not build(root, out, BuildOptions(only=("txt",))).errors
    before = (out / "episodes/b.txt").read_bytes()
    three(content_tree, "Second version.")
    real = load_episode

    def crash_on_b(project: Project, path: Path, raw: bytes | None = None) -> object:
        if path.stem == "b":
            raise ValueError("embedded null byte")
        return real(project, path, raw)

    monkeypatch.setattr(workers, "load_episode", crash_on_b)
    report = build(root, out, BuildOptions(only=("txt",), jobs=jobs))
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/b.md:1: error: castline failed on this episode: "
        f"ValueError: embedded null byte; {KEPT}"
    ]
    assert (out / "episodes/b.txt").read_bytes() == before
    assert "Second version." in (out / "episodes/a.txt").read_text(encoding="utf-8")
    assert "Second version." in (out / "episodes/c.txt").read_text(encoding="utf-8")
    assert report.episodes_failed == 1 and report.episodes_built == 2


def test_a_fingerprint_crash_fails_only_its_episode(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree(
        {
            "episodes/a.md": GOOD.format(title="a", text="T."),
            "episodes/b.md": "---\ntitle: b\nguests: [ann]\n"
            "transcript:\n- line: T.\n  who: A\n  sec: 1\n---\n",
            "people/ann.md": "---\nname: Ann\n---\n",
        }
    )
    real = manifest.fingerprint

    def unreadable_profile(path: Path) -> str:
        if path.name == "ann.md":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path)

    monkeypatch.setattr(workers, "fingerprint", unreadable_profile)
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/b.md:1: error: castline failed on this episode: "
        f"PermissionError: [Errno 13] Permission denied: '{root}/people/ann.md'; {KEPT}"
    ]
    assert sorted(tree(tmp_path / "out")) == ["episodes/a.txt"]


def test_a_planning_crash_rebuilds_the_episode(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree(
        {
            "episodes/a.md": "---\ntitle: a\nguests: [ann]\n"
            "transcript:\n- line: T.\n  who: A\n  sec: 1\n---\n",
            "people/ann.md": "---\nname: Ann\n---\n",
        }
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))

    def broken(path: Path) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(planner, "fingerprint", broken)
    report = build(root, out, BuildOptions(only=("txt",)))
    assert not report.errors and report.episodes_built == 1


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(os.mkfifo, id="fifo"),
        pytest.param(os.mkdir, id="folder"),
        pytest.param(lambda p: os.symlink("/dev/zero", p), id="dev-zero"),
        pytest.param(lambda p: os.symlink(p, p), id="symlink-loop"),
    ],
)
def test_a_dependency_that_is_not_a_file_is_fingerprinted_without_reading_it(
    tmp_path: Path, make: object
) -> None:
    """A pipe would block a read forever, /dev/zero never ends (fuzz findings 04 to 07)."""
    path = tmp_path / "guest.md"
    make(str(path))  # type: ignore[operator]
    assert manifest.fingerprint(path) in ("not-a-file", "absent")
    assert manifest.fingerprint(tmp_path / "missing.md") == "absent"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_full_or_read_only_disk_names_the_file_and_the_episode(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """As the system reports it: on the temporary file's descriptor, naming no file (the
    bytes reach the disk at the flush of a new file, at the fsync of a replaced one)."""
    root = three(content_tree)
    out = tmp_path / "out"
    real = os.write

    def failing_for_b(handle: int, data: Any) -> int:
        if "/.b.txt." in os.readlink(f"/proc/self/fd/{handle}"):
            raise OSError(code, os.strerror(code))
        return real(handle, data)

    monkeypatch.setattr(os, "write", failing_for_b)
    report = build(root, out, BuildOptions(only=("txt",)))
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/b.md:1: error: cannot write {out}/episodes/b.txt: "
        f"{os.strerror(code)}; {KEPT}"
    ]
    assert sorted(tree(out)) == ["episodes/a.txt", "episodes/c.txt"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
