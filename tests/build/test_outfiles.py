"""Atomic writes: readers see the old file or the new one; no temporary file is left."""

from __future__ import annotations

import os
import secrets
from pathlib import Path, PurePosixPath

import pytest

from castline.build import outfiles
from castline.build.outfiles import write_atomic
from castline.errors import ConfigError


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
