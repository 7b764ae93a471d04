"""build(): deterministic bytes, contained failures, removals, dry runs, the golden tree."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from castline.build import BuildOptions, build
from castline.build.manifest import read_manifest
from castline.errors import ConfigError
from tests.build.conftest import GOOD, tree
from tests.conftest import CONTENT, GOLDEN, ContentTree, GoldenCheck, output_files


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(CONTENT, tmp_path / "one")
    build(CONTENT, tmp_path / "two")
    assert (tmp_path / "one/.castline/replay.json").is_file()  # left out: see output_files
    one, two = output_files(tmp_path / "one"), output_files(tmp_path / "two")
    assert one and one == two


def test_a_broken_episode_keeps_its_previous_output(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": GOOD.format(title="A", text="First version."),
            "episodes/b.md": GOOD.format(title="B", text="Bee."),
        }
    )
    out = tmp_path / "out"
    assert not build(root, out).errors
    before = (out / "episodes/a.txt").read_bytes()
    (root / "episodes/a.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    (root / "episodes/b.md").write_text(GOOD.format(title="B", text="Bee two."), encoding="utf-8")
    report = build(root, out)
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/a.md:3: error: invalid YAML: did not find expected ',' or ']' "
        "(the '[' opened on line 2)"
    ]
    assert report.episodes_failed == 1 and report.episodes_built == 1
    assert (out / "episodes/a.txt").read_bytes() == before
    assert "Bee two." in (out / "episodes/b.txt").read_text(encoding="utf-8")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_deleting_an_episode_removes_its_outputs_and_nothing_else(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    (out / "episodes/a.notes.md").write_text("mine", encoding="utf-8")
    (out / "index.html").write_text("mine too", encoding="utf-8")
    (root / "episodes/a.md").unlink()
    report = build(root, out, BuildOptions(only=("txt",)))
    assert report.removed == [PurePosixPath("episodes/a.txt")]
    assert sorted(tree(out)) == ["episodes/a.notes.md", "episodes/b.txt", "index.html"]
    assert "episodes/a.md" not in read_manifest(out).episodes


def test_dry_run_lists_changes_and_writes_nothing(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "abc"})
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    before = tree(out)
    manifest_before = (out / ".castline/manifest.json").read_bytes()
    (root / "episodes/a.md").unlink()
    (root / "episodes/b.md").write_text(GOOD.format(title="b", text="New."), encoding="utf-8")
    (root / "episodes/d.md").write_text(GOOD.format(title="d", text="D."), encoding="utf-8")
    (out / "episodes/c.txt").write_text("edited by hand", encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",), dry_run=True))
    assert report.created == [PurePosixPath("episodes/d.txt")]
    assert report.changed == [PurePosixPath("episodes/b.txt"), PurePosixPath("episodes/c.txt")]
    assert report.removed == [PurePosixPath("episodes/a.txt")]
    assert tree(out) == {**before, "episodes/c.txt": b"edited by hand"}
    assert (out / ".castline/manifest.json").read_bytes() == manifest_before


def test_demo_show_full_build_matches_the_golden_tree(tmp_path: Path, golden: GoldenCheck) -> None:
    """Every file of a full build of content/ is pinned (txt, srt, vtt, chapters, json, html,
    the site's pages and index, feed)."""
    report = build(CONTENT, tmp_path)
    assert report.errors == []
    built = tree(tmp_path)
    artwork = built.pop("images/cover.png")
    assert artwork == (CONTENT / "images/cover.png").read_bytes()
    # The feed and the site's index, and nine files per episode.
    assert len(built) == 2 + 3 * 9
    for name in built:
        golden(tmp_path / name, Path("demo") / name)
    pinned = {
        p.relative_to(GOLDEN / "demo").as_posix()
        for p in (GOLDEN / "demo").rglob("*")
        if p.is_file()
    }
    assert pinned == set(built)


def test_a_no_change_rebuild_writes_nothing_at_all(tmp_path: Path) -> None:
    build(CONTENT, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    report = build(CONTENT, tmp_path)
    assert (report.episodes_built, report.episodes_skipped, report.written) == (0, 3, [])
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


def test_replayed_warnings_name_the_content_folder_as_this_build_does(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree({"episodes/a.md": "---\ntranscript:\n- line: Hi.\n  who: A\n---\n"})
    out = tmp_path / "out"
    monkeypatch.chdir(root.parent)
    first = build(Path(root.name), out, BuildOptions(only=("txt",)))
    assert [str(d) for d in first.warnings] == [
        f"{root.name}/episodes/a.md:1: warning: no 'title'; using 'a'"
    ]
    monkeypatch.chdir(root.parent.parent)
    again = build(Path(root.parent.name) / root.name, out, BuildOptions(only=("txt",)))
    assert again.episodes_skipped == 1
    assert [str(d) for d in again.warnings] == [
        f"{root.parent.name}/{root.name}/episodes/a.md:1: warning: no 'title'; using 'a'"
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            "    max_chars_per_line: -3\n",
            "'max_chars_per_line' must be a positive whole number, not -3",
        ),
        ("    max_chars: 3\n", "unknown option 'max_chars' (options: "),
    ],
)
def test_a_bad_exporter_option_is_reported_at_its_exporter_in_show_yaml(
    content_tree: ContentTree, tmp_path: Path, options: str, message: str
) -> None:
    root = content_tree(
        {
            "show.yaml": "title: T\nexporters:\n  srt:\n" + options,
            "episodes/a.md": GOOD.format(title="A", text="Ay."),
        }
    )
    with pytest.raises(ConfigError) as raised:
        build(root, tmp_path / "out")
    assert str(raised.value).startswith(f"{root}/show.yaml:3: exporters.srt: {message}")
    assert not (tmp_path / "out").exists()
