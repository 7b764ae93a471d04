"""Incremental builds: what is rebuilt, and what is skipped without being parsed."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from castline.build import BuildOptions, build, workers
from castline.build.manifest import read_manifest, sha256
from castline.load import Project, load_episode, people
from castline.load.people import load_person
from castline.model import Limits
from tests.build.conftest import GOOD
from tests.conftest import CONTENT, ContentTree

PROFILE = "---\ntitle: {name}\n---\n"
WITH_GUEST = "---\ntitle: {title}\nguests: [{guest}]\ntranscript:\n- line: {text}\n  who: A\n---\n"


def _built_one_episode(content_tree: ContentTree, out: Path, text: str) -> Path:
    """A show of one episode, ``episodes/a.md``, built into ``out`` (txt only); its folder."""
    root = content_tree({"episodes/a.md": GOOD.format(title="a", text=text)})
    build(root, out, BuildOptions(only=("txt",)))
    return root


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    first = build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    second = build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    assert len(first.written) == 3 and second.written == []
    assert (second.episodes_built, second.episodes_skipped) == (0, 3)


def test_unchanged_episodes_are_not_parsed_again(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree(
        {f"episodes/{n}.md": GOOD.format(title=n, text=f"Text {n}.") for n in "abc"}
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    parsed: list[str] = []

    def counting(project: Project, path: Path, raw: bytes | None = None) -> object:
        parsed.append(path.name)
        return load_episode(project, path, raw)

    monkeypatch.setattr(workers, "load_episode", counting)
    (root / "episodes/b.md").write_text(GOOD.format(title="b", text="New b."), encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",)))
    assert parsed == ["b.md"]
    assert (report.episodes_built, report.episodes_skipped) == (1, 2)
    assert report.written == [PurePosixPath("episodes/b.txt")]
    manifest = read_manifest(out)
    assert sorted(manifest.episodes) == ["episodes/a.md", "episodes/b.md", "episodes/c.md"]


def test_touching_a_file_without_changing_it_rebuilds_nothing(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({"episodes/a.md": GOOD.format(title="a", text="Same.")})
    build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    path = root / "episodes/a.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert (report.episodes_built, report.episodes_skipped) == (0, 1)


def test_a_same_size_edit_that_keeps_the_modification_time_is_rebuilt(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    path = _built_one_episode(content_tree, out, "Cat.") / "episodes/a.md"
    before = path.stat()
    path.write_text(GOOD.format(title="a", text="Dog."), encoding="utf-8")  # as rsync -t does
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = build(path.parents[1], out, BuildOptions(only=("txt",)))
    assert report.episodes_built == 1
    assert "Dog." in (out / "episodes/a.txt").read_text(encoding="utf-8")


def test_changing_a_profile_rebuilds_the_episodes_that_name_it(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": WITH_GUEST.format(title="a", guest="p1", text="A."),
            "episodes/b.md": WITH_GUEST.format(title="b", guest="p2", text="B."),
            "episodes/c.md": WITH_GUEST.format(title="c", guest="p1", text="C."),
            "people/p1.md": PROFILE.format(name="One"),
            "people/p2.md": PROFILE.format(name="Two"),
        }
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    (root / "people/p1.md").write_text(PROFILE.format(name="Uno"), encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",)))
    assert (report.episodes_built, report.episodes_skipped) == (2, 1)
    assert read_manifest(out).episodes["episodes/a.md"].dependencies == {
        "people/p1.md": sha256(PROFILE.format(name="Uno").encode())
    }


def test_adding_the_profile_of_an_unknown_guest_rebuilds_the_episodes_that_name_it(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": WITH_GUEST.format(title="a", guest="p1", text="A."),
            "episodes/b.md": GOOD.format(title="b", text="B."),
            "people/p2.md": PROFILE.format(name="Two"),
        }
    )
    out = tmp_path / "out"
    assert build(root, out, BuildOptions(only=("txt",))).warnings
    (root / "people/p1.md").write_text(PROFILE.format(name="One"), encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",)))
    assert (report.episodes_built, report.episodes_skipped) == (1, 1)
    assert report.warnings == []


def test_unchanged_profiles_are_not_parsed_and_their_problems_are_replayed(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree(
        {
            "episodes/a.md": WITH_GUEST.format(title="a", guest="p1", text="A."),
            "episodes/b.md": WITH_GUEST.format(title="b", guest="p2", text="B."),
            "people/p1.md": PROFILE.format(name="One"),
            "people/p2.md": "---\nlinkedin: two\n---\n",  # no title: a warning
            "people/p3.md": "---\ntitle: [unclosed\n---\n",  # an error, and named by none
        }
    )
    out = tmp_path / "out"
    first = build(root, out, BuildOptions(only=("txt",)))
    parsed: list[str] = []

    def counting(path: Path, display: str, limits: Limits | None = None) -> object:
        parsed.append(path.name)
        return load_person(path, display, limits)

    monkeypatch.setattr(people, "load_person", counting)
    second = build(root, out, BuildOptions(only=("txt",)))
    assert parsed == []
    assert [str(d) for d in second.diagnostics] == [str(d) for d in first.diagnostics]
    assert any("p2.md:1: warning: profile has no 'title'" in str(d) for d in second.diagnostics)
    assert any(str(d).startswith(f"{root}/people/p3.md:") for d in second.errors)

    (root / "people/p2.md").write_text(PROFILE.format(name="Two"), encoding="utf-8")
    third = build(root, out, BuildOptions(only=("txt",)))
    assert parsed == ["p2.md"]  # once: the build in this process shares the profiles
    assert (third.episodes_built, third.episodes_skipped) == (1, 1)
    assert not any("no 'title'" in str(d) for d in third.diagnostics)

    parsed.clear()
    build(root, out, BuildOptions(only=("txt",), dry_run=True))
    assert sorted(parsed) == ["p1.md", "p2.md", "p3.md"]  # a check trusts no record


def test_a_new_or_resized_media_file_rebuilds_its_episode(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "show.yaml": "media:\n  url: https://m.example.org/{slug}.mp3\n  folder: media\n",
            "episodes/a.md": GOOD.format(title="a", text="A."),
            "episodes/b.md": GOOD.format(title="b", text="B."),
            "media/a.mp3": b"\0" * 10,
        }
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    assert read_manifest(out).episodes["episodes/b.md"].dependencies == {"media/b.mp3": "absent"}
    (root / "media/a.mp3").write_bytes(b"\0" * 20)
    (root / "media/b.mp3").write_bytes(b"\0" * 5)
    report = build(root, out, BuildOptions(only=("txt",)))
    assert report.episodes_built == 2
    assert read_manifest(out).episodes["episodes/a.md"].dependencies == {"media/a.mp3": "size:20"}


def test_changing_an_option_rebuilds_every_episode(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    (root / "show.yaml").write_text("exporters:\n  txt:\n    width: 0\n", encoding="utf-8")
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert report.episodes_built == 2


def test_force_rebuilds_everything(content_tree: ContentTree, tmp_path: Path) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",), force=True))
    assert (report.episodes_built, report.episodes_skipped) == (2, 0)


def test_an_output_deleted_by_hand_is_written_again(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    root = _built_one_episode(content_tree, out, "T.")
    (out / "episodes/a.txt").unlink()
    report = build(root, out, BuildOptions(only=("txt",)))
    assert report.created == [PurePosixPath("episodes/a.txt")]


def test_a_broken_episode_is_reported_again_on_every_build(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": "---\ntitle: [x\n---\n",
            "episodes/b.md": GOOD.format(title="b", text="T."),
        }
    )
    first = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    second = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert [str(d) for d in first.errors] == [str(d) for d in second.errors]
    assert len(second.errors) == 1 and second.episodes_failed == 1
