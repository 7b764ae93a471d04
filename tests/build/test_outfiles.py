"""Atomic writes: readers see the old file or the new one; no temporary file is left."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from castline.build import BuildOptions, build, outfiles
from castline.build.outfiles import FlushingAhead, path_parts, write_atomic
from castline.errors import ConfigError
from tests.build.conftest import GOOD, tree
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


@pytest.mark.parametrize("how", ["write_atomic", "put"])
def test_a_temporary_name_taken_by_another_file_is_skipped_and_that_file_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    foreign = tmp_path / ".a.txt.00000000.tmp"
    foreign.write_text("not ours")
    names = iter([0, 0x11111111])
    monkeypatch.setattr(random, "getrandbits", lambda _: next(names))
    if how == "put":
        assert outfiles.put(tmp_path, "a.txt", b"ours", dry_run=False) == "created"
    else:
        write_atomic(tmp_path / "a.txt", b"ours")
    assert (tmp_path / "a.txt").read_bytes() == b"ours"
    assert foreign.read_text() == "not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.txt.00000000.tmp", "a.txt"]
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

    def replace(source: str, target: str, **folders: int) -> None:  # by path or in a folder
        events.append("rename")
        real_replace(source, target, **folders)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "f.txt", b"data")
    assert events == ["fsync file", "rename", "fsync folder"]
    assert (tmp_path / "f.txt").read_bytes() == b"data"
    events.clear()  # an output: flushed when it replaces a file, not when it is new
    assert outfiles.put(tmp_path, "a/g.txt", b"new", dry_run=False) == "created"
    assert events == ["rename"]
    assert outfiles.put(tmp_path, "a/g.txt", b"old", dry_run=False) == "changed"
    assert events == ["rename", "fsync file", "rename", "fsync folder"]


@pytest.mark.parametrize("by_descriptor", [True, False])  # False: as on Windows
def test_nothing_is_written_through_a_symbolic_link_in_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_descriptor: bool
) -> None:
    monkeypatch.setattr(outfiles, "_BY_DESCRIPTOR", by_descriptor and outfiles._BY_DESCRIPTOR)
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
    (elsewhere / "feed.xml").write_bytes(b"not ours")
    with outfiles.reading(out) as reader:
        for relative in ("episodes/feed.xml", "feed.xml"):
            with pytest.raises(ConfigError, match=r": is a symbolic link"):
                reader.read(relative)
        os.mkfifo(out / "pipe")  # not waited for
        (out / "index.html").write_bytes(b"ours")
        assert [reader.read(p) for p in ("pipe", "missing", "index.html")] == [None, None, b"ours"]


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
        if threading.current_thread().name != FLUSH_THREAD:  # the flushes ahead wait for none
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
    # Nothing changed: nothing written, nothing waited for. The no-change replay file may be
    # saved for the next build (castline.build.replay: once the content is old enough to
    # trust), never flushed.
    assert [event for event in events if event != "rename replay.json"] == []
    (root / "episodes/a.md").write_text(episode.format(title="A", text="Two."))
    build(root, out, BuildOptions(only=("txt",)))
    assert events[:2] == ["fsync a.txt", "rename a.txt"] and "sync" not in events


#: The name of the thread that flushes ahead (castline.build.outfiles.FlushingAhead).
FLUSH_THREAD = "castline-flush"


def test_flushing_ahead_flushes_from_its_thread_until_it_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flushed_by: list[str] = []
    twice = threading.Event()

    def flush_all() -> None:
        flushed_by.append(threading.current_thread().name)
        if len(flushed_by) >= 2:
            twice.set()

    monkeypatch.setattr(outfiles, "flush_all", flush_all)
    monkeypatch.setattr(outfiles, "FLUSH_AHEAD_INTERVAL", 0.001)
    with FlushingAhead():
        assert twice.wait(timeout=30)
    stopped_after = len(flushed_by)
    assert set(flushed_by) == {FLUSH_THREAD}
    assert FLUSH_THREAD not in {thread.name for thread in threading.enumerate()}
    assert len(flushed_by) == stopped_after


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_flushes_ahead_in_the_process_that_writes_and_never_while_forking(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """With ``--jobs 1`` the build's own process flushes ahead while it writes; with worker
    processes, each worker does, and the main process runs no thread while it forks them."""
    episode = "---\ntitle: {title}\ntranscript:\n- line: Words.\n  sec: 0\n---\n"
    root = content_tree({f"episodes/{n}.md": episode.format(title=n) for n in "abc"})
    started: list[int] = []
    threads_at_fork: list[set[str]] = []
    real_start, real_fork = FlushingAhead.start, os.fork

    def start(self: FlushingAhead) -> None:
        started.append(os.getpid())
        real_start(self)

    def fork() -> int:
        threads_at_fork.append({thread.name for thread in threading.enumerate()})
        return real_fork()

    monkeypatch.setattr(FlushingAhead, "start", start)
    monkeypatch.setattr(os, "fork", fork)
    build(root, tmp_path / "out", BuildOptions(jobs=jobs, only=("txt",)))
    if jobs == 1:
        assert started == [os.getpid()] and threads_at_fork == []
    else:
        assert os.getpid() not in started and threads_at_fork  # the workers' own, not seen
        assert all(FLUSH_THREAD not in names for names in threads_at_fork)


@given(st.text(alphabet=["a", ".", "/", "é"], max_size=12))
def test_path_parts_are_pathlibs(text: str) -> None:
    assert path_parts(text) == PurePosixPath(text).parts
    assert path_parts(PurePosixPath(text)) == PurePosixPath(text).parts


def test_a_folder_swapped_for_a_link_is_not_followed_and_the_next_batch_refuses_it(
    tmp_path: Path,
) -> None:
    """A batch holds the folders it checked: a link put in place of one during the batch is
    not followed (the files go to the folder checked); the next batch refuses it."""
    out, moved, elsewhere = tmp_path / "out", tmp_path / "moved", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with outfiles.writing(out, dry_run=False) as writer:
        assert writer.put("episodes/a.txt", b"a") == "created"
        (out / "episodes").rename(moved)
        (out / "episodes").symlink_to(elsewhere)
        assert writer.put("episodes/b.txt", b"b") == "created"
    assert tree(moved) == {"a.txt": b"a", "b.txt": b"b"}
    with pytest.raises(ConfigError) as raised, outfiles.writing(out, dry_run=False) as writer:
        writer.put("episodes/c.txt", b"c")
    assert str(raised.value) == (
        f"{out}/episodes: is a symbolic link; castline writes no file through it"
    )
    assert list(elsewhere.iterdir()) == []


def test_a_folder_replaced_by_a_link_between_two_episodes_stops_the_build(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()

    def swap_after_the_first(done: int, total: int, slug: str) -> None:
        if done == 1:
            (out / "episodes").rename(tmp_path / "moved")
            (out / "episodes").symlink_to(elsewhere)

    with pytest.raises(ConfigError) as raised:
        build(root, out, BuildOptions(only=("txt",), jobs=1), progress=swap_after_the_first)
    assert str(raised.value) == (
        f"{out}/episodes: is a symbolic link; castline writes no file through it"
    )
    assert tree(tmp_path / "moved") == {"a.txt": (tmp_path / "moved/a.txt").read_bytes()}
    assert list(elsewhere.iterdir()) == []


def test_ctrl_c_during_a_batch_waits_for_its_end_and_leaves_every_file_whole(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    finished = False
    with pytest.raises(KeyboardInterrupt), outfiles.writing(out, dry_run=False) as writer:
        writer.put("a.txt", b"a")
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        assert signal.SIGINT in signal.sigpending()  # held back, not lost
        writer.put("b.txt", b"b")
        finished = True
    assert finished and tree(out) == {"a.txt": b"a", "b.txt": b"b"}
    assert not outfiles.temporaries()


@pytest.mark.parametrize("umask", [0o077, 0o022, 0o000])
def test_every_file_written_has_mode_644_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        outfiles.put(tmp_path, "episodes/new.txt", b"new", dry_run=False)
        outfiles.put(tmp_path, "episodes/replaced.txt", b"old", dry_run=False)
        outfiles.put(tmp_path, "episodes/replaced.txt", b"new", dry_run=False)
        write_atomic(tmp_path / "state.json", b"{}")
    finally:
        os.umask(previous)
    for path in ("episodes/new.txt", "episodes/replaced.txt", "state.json"):
        assert stat.S_IMODE((tmp_path / path).stat().st_mode) == 0o644, path


def _missing(out: Path) -> None:
    (out / "episodes").mkdir(parents=True)


def _same(out: Path) -> None:
    _missing(out)
    (out / "episodes/a.txt").write_bytes(b"new!")


def _same_size(out: Path) -> None:
    _missing(out)
    (out / "episodes/a.txt").write_bytes(b"old!")


def _other_size(out: Path) -> None:
    _missing(out)
    (out / "episodes/a.txt").write_bytes(b"older")


def _pipe(out: Path) -> None:  # not a file: never read (a read would wait), replaced
    _missing(out)
    os.mkfifo(out / "episodes/a.txt")


def _file_link(out: Path) -> None:
    _missing(out)
    (out / "episodes/a.txt").symlink_to(out.parent / "elsewhere.txt")


def _folder_file(out: Path) -> None:
    out.mkdir()
    (out / "episodes").write_bytes(b"a file")


LINK = "{out}/episodes/a.txt: is a symbolic link; castline writes no file through it"


@pytest.mark.parametrize(
    ("make", "outcome", "after"),
    [
        (_missing, "created", b"new!"),
        (lambda out: None, "created", b"new!"),  # no output folder yet
        (_same, "unchanged", b"new!"),
        (_same_size, "changed", b"new!"),
        (_other_size, "changed", b"new!"),
        (_pipe, "created", b"new!"),
        (_file_link, f"ConfigError: {LINK}", None),
        (_folder_file, "FileExistsError: [Errno 17] File exists: '{out}/episodes/a.txt'", None),
    ],
)
@pytest.mark.parametrize("by_descriptor", [True, False])  # False: as on Windows
def test_put_compares_and_writes_as_the_simple_definition(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], None],
    outcome: str,
    after: bytes | None,
    by_descriptor: bool,
) -> None:
    """Created when no regular file is there, unchanged when it holds the bytes, else changed;
    a dry run reports the same and writes nothing."""
    monkeypatch.setattr(outfiles, "_BY_DESCRIPTOR", by_descriptor and outfiles._BY_DESCRIPTOR)
    for dry_run in (True, False):
        out = tmp_path / f"{dry_run}" / "out"
        out.parent.mkdir()
        make(out)
        before = tree(out.parent)
        try:
            got: str = outfiles.put(out, "episodes/a.txt", b"new!", dry_run=dry_run)
        except (ConfigError, OSError) as error:
            got = f"{type(error).__name__}: {error}"
        expected = outcome.format(out=out)
        if dry_run and "Errno" in outcome:
            expected = "created"  # nothing is made, so nothing fails
        assert got == expected
        if dry_run or after is None:
            assert tree(out.parent) == before
        else:
            assert (out / "episodes/a.txt").read_bytes() == after
            assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_a_batch_opens_each_folder_once_and_reads_no_file_in_a_folder_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a cold episode costs: per new file, one look for it and its temporary file's
    creation; per folder, one opening (and ``mkdir`` when missing); no ``lstat``."""
    out = tmp_path / "out"
    (out / "episodes").mkdir(parents=True)
    calls: list[str] = []
    real_open, real_mkdir, real_lstat = os.open, os.mkdir, os.lstat

    def spy(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def call(path: str | Path, *args: object, **kwargs: object) -> object:
            base = os.path.basename(path)
            calls.append(f"{name} {'a temporary' if base.endswith('.tmp') else base}")
            return real(path, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "open", spy("open", real_open))
    monkeypatch.setattr(os, "mkdir", spy("mkdir", real_mkdir))
    monkeypatch.setattr(os, "lstat", spy("lstat", real_lstat))
    with outfiles.writing(out, dry_run=False) as writer:
        for relative in ("episodes/a.txt", "episodes/b.txt", "episodes/x/index.html"):
            assert writer.put(relative, b"data") == "created"
    assert calls == [
        *("open out", "open episodes", "open a.txt", "open a temporary"),
        *("open b.txt", "open a temporary"),
        *("open x", "mkdir x", "open x", "open a temporary"),  # index.html not looked for
    ]
    written = ("episodes/a.txt", "episodes/b.txt", "episodes/x/index.html")
    assert tree(out) == dict.fromkeys(written, b"data")


def test_a_dry_run_batch_makes_no_folder_however_many_files_it_would_put_there(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with outfiles.writing(out, dry_run=True) as writer:
        for relative in ("episodes/a.txt", "episodes/b.txt", "episodes/x/c.txt", "feed.xml"):
            assert writer.put(relative, b"data") == "created"
    assert list(out.iterdir()) == []


def _run_puts(out: Path, ops: list[tuple[str, str, bytes]], *, batched: bool) -> list[object]:
    """Each op's outcome (an error with its folder shown as OUT), then the files left.

    ``put`` and ``dry`` put a file (``dry``: in a dry run), ``read`` reads one; ``link``
    replaces whatever is at the path by a symbolic link to a folder outside, between two
    batches when ``batched``.
    """
    outside = out.parent / f"{out.name}-outside"
    outside.mkdir()
    outcomes: list[object] = []
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(outfiles.writing(out, dry_run=False)) if batched else None
        for kind, relative, data in ops:
            if kind == "link":
                stack.close()  # ends the batch
                target = out / relative
                if not _below_folders(out, relative):  # made only where nothing is followed
                    outcomes.append("no link made")
                elif target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.is_symlink() or target.exists():
                    target.unlink()
                if outcomes[-1:] != ["no link made"]:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.symlink_to(outside)
                if batched:
                    writer = stack.enter_context(outfiles.writing(out, dry_run=False))
                continue
            try:
                if kind == "read":
                    with outfiles.reading(out) as reader:
                        outcomes.append(reader.read(relative))
                elif kind == "dry" or writer is None:
                    outcomes.append(outfiles.put(out, relative, data, dry_run=kind == "dry"))
                else:
                    outcomes.append(writer.put(relative, data))
            except (ConfigError, OSError) as error:
                outcomes.append(f"{type(error).__name__}: {error}".replace(str(out), "OUT"))
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return [*outcomes, files, [p.name for p in outside.iterdir()]]


def _below_folders(out: Path, relative: str) -> bool:
    """Whether every folder on the way to ``out/relative`` is a folder or missing (no link,
    no file)."""
    folder = out
    for part in Path(relative).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return False
    return True


@settings(deadline=None)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["put", "put", "dry", "read", "link"]),
            st.sampled_from(["a.txt", "d/a.txt", "d/e/b.txt", "d", "d/e"]),
            st.sampled_from([b"", b"a", b"b", b"ab"]),
        ),
        max_size=8,
    ),
    batched=st.booleans(),
)
@example(ops=[("put", "d/a.txt", b"a"), ("put", "d/a.txt", b"a")], batched=True)  # made, written
def test_batched_puts_and_reads_give_what_they_give_by_path(
    ops: list[tuple[str, str, bytes]], batched: bool
) -> None:
    """Files, folders and links in each other's way, dry runs and real ones, in one batch or
    many: the outcomes, errors and files are those of the simple version, which checks every
    component of every path and writes by path (as on a system without ``openat``)."""
    with tempfile.TemporaryDirectory() as folder:
        fast = _run_puts(Path(folder) / "fast", ops, batched=batched)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(outfiles, "_BY_DESCRIPTOR", False)
            simple = _run_puts(Path(folder) / "simple", ops, batched=batched)
    assert fast == simple
    assert fast[-1] == []  # nothing written outside
