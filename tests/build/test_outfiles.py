"""Atomic writes: readers see the old file or the new one; no temporary file is left."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.build import BuildOptions, build, outfiles
from castline.build.outfiles import path_parts, write_atomic
from castline.errors import ConfigError
from tests.conftest import ContentTree


def test_write_atomic_leaves_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.txt"
    write_atomic(target, b"old")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_a_temporary_name_taken_by_another_file_is_skipped_and_that_file_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    foreign = tmp_path / ".a.txt.00000000.tmp"
    foreign.write_text("not ours")
    names = iter(["00000000", "11111111"])
    monkeypatch.setattr(secrets, "token_hex", lambda _: next(names))
    write_atomic(tmp_path / "a.txt", b"ours")
    assert (tmp_path / "a.txt").read_bytes() == b"ours"
    assert foreign.read_text() == "not ours"
    assert not outfiles.temporaries()


@pytest.mark.parametrize("path", ["/etc/x", "../x", "a/../../x", ".castline/manifest.json"])
def test_an_output_outside_its_place_is_refused(path: str) -> None:
    with pytest.raises(ConfigError, match="outside its place"):
        outfiles.check_path(PurePosixPath(path))


def test_write_atomic_flushes_the_file_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(handle: int) -> None:
        kind = "folder" if os.path.isdir(f"/proc/self/fd/{handle}") else "file"
        events.append(f"fsync {kind}")
        real_fsync(handle)

    def replace(source: str, target: object) -> None:
        events.append("rename")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "f.txt", b"data")
    assert events == ["fsync file", "rename", "fsync folder"]
    assert (tmp_path / "f.txt").read_bytes() == b"data"


def test_nothing_is_written_through_a_symbolic_link_in_the_output_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "episodes").symlink_to(elsewhere)
    message = f"{out}/episodes: is a symbolic link; castline writes no file through it"
    with pytest.raises(ConfigError) as raised:
        outfiles.put(out, "episodes/a.txt", b"x", dry_run=False)
    assert str(raised.value) == message
    (out / "feed.xml").symlink_to(elsewhere / "feed.xml")
    with pytest.raises(ConfigError, match=r"feed\.xml: is a symbolic link"):
        outfiles.put(out, "feed.xml", b"x", dry_run=False)
    assert list(elsewhere.iterdir()) == []
    assert outfiles.read_output(out, "feed.xml") is None
    assert not outfiles.is_output_file(out, "feed.xml")


def test_only_files_that_still_hold_what_castline_wrote_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_bytes(b"mine")
    (out / "episodes").mkdir(parents=True)
    (out / "episodes/a.txt").write_bytes(b"edited by hand")
    (out / "episodes/c.txt").write_bytes(b"as written")
    (out / "linked").symlink_to(elsewhere)
    changes = outfiles.Changes()
    digest = hashlib.sha256(b"as written").hexdigest()
    for relative in ("episodes/a.txt", "linked/b.txt", "episodes/c.txt"):
        outfiles.remove_output(out, relative, digest, changes, dry_run=False)
    assert [str(d) for d in changes.diagnostics] == [
        f"{out}/episodes/a.txt:1: warning: not removed: it changed since castline wrote it",
        f"{out}/linked/b.txt:1: warning: not removed: "
        f"{out}/linked: is a symbolic link; castline writes no file through it",
    ]
    assert changes.removed == [PurePosixPath("episodes/c.txt")]
    assert (out / "episodes/a.txt").read_bytes() == b"edited by hand"
    assert (elsewhere / "b.txt").read_bytes() == b"mine"
    assert not (out / "episodes/c.txt").exists()


def test_a_build_flushes_new_files_at_once_before_the_manifest_and_replaced_ones_each(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New outputs replace nothing: one ``sync`` before the manifest names them. An output
    that replaces a previous one is flushed before its rename, so the old one is never lost."""
    episode = "---\ntitle: {title}\ntranscript:\n- line: {text}\n  sec: 0\n---\n"
    root = content_tree({"episodes/a.md": episode.format(title="A", text="One.")})
    out = tmp_path / "out"
    events: list[str] = []
    real_fsync, real_sync, real_replace = os.fsync, os.sync, os.replace

    def fsync(handle: int) -> None:
        name = os.path.basename(os.readlink(f"/proc/self/fd/{handle}"))
        if not os.path.isdir(f"/proc/self/fd/{handle}"):
            events.append(f"fsync {name[1:].rsplit('.', 2)[0]}")  # .NAME.RANDOM.tmp
        real_fsync(handle)

    def sync() -> None:
        events.append("sync")
        real_sync()

    def replace(source: str, target: str, **folders: int) -> None:  # by path or in a folder
        events.append(f"rename {os.path.basename(target)}")
        real_replace(source, target, **folders)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", sync)
    monkeypatch.setattr(os, "replace", replace)
    build(root, out, BuildOptions(only=("txt",)))
    assert events == [
        *("fsync .gitignore", "rename .gitignore", "rename a.txt", "sync"),
        *("fsync manifest.json", "rename manifest.json"),
        *("fsync stat-cache.json", "rename stat-cache.json"),
    ]
    events.clear()
    build(root, out, BuildOptions(only=("txt",)))
    assert events == []  # nothing changed: nothing written, nothing waited for
    (root / "episodes/a.md").write_text(episode.format(title="A", text="Two."))
    build(root, out, BuildOptions(only=("txt",)))
    assert events[:2] == ["fsync a.txt", "rename a.txt"] and "sync" not in events


@given(st.text(alphabet=["a", ".", "/", "é"], max_size=12))
def test_path_parts_are_pathlibs(text: str) -> None:
    assert path_parts(text) == PurePosixPath(text).parts
    assert path_parts(PurePosixPath(text)) == PurePosixPath(text).parts
