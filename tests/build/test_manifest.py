"""The build manifest: a faithful round trip, one episode per line, and tolerance of junk."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import threading
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.build import BuildOptions, build
from castline.build.manifest import (
    MANIFEST_FILE,
    MANIFEST_FORMAT,
    RECORD_FILE,
    RECORDS_DIR,
    STAT_CACHE_FILE,
    STATE_DIR,
    EpisodeState,
    ExporterState,
    Manifest,
    ManifestError,
    dependency_path,
    episode_path,
    load_manifest,
    manifest_bytes,
    output_path,
    read_manifest,
    read_stat_cache,
    sha256,
)
from castline.errors import ConfigError
from tests.build.conftest import tree
from tests.conftest import CONTENT, CORPUS

RECORD = '{"k":[1,2]}'


def sample() -> Manifest:
    return Manifest(
        castline_version="9.9",
        episodes={
            "episodes/b.md": EpisodeState(
                "b",
                "hash-b",
                {"people/p.md": "hash-p"},
                [["episodes/b.md", 3, "warning", "a ü warning", "L201"]],
                exporters={"txt": ExporterState("s", {"episodes/b.txt": "h"}, "", [])},
            ),
            "episodes/a.md": EpisodeState("a", "hash-a", failed=True),
        },
        show_outputs={"rss": ExporterState("inputs", {"feed.xml": "h"}, sha256(RECORD.encode()))},
    )


def test_round_trip_and_layout(tmp_path: Path) -> None:
    data = manifest_bytes(sample())
    (tmp_path / STATE_DIR).mkdir()
    (tmp_path / STATE_DIR / MANIFEST_FILE).write_bytes(data)
    assert read_manifest(tmp_path).to_json() == sample().to_json()
    lines = data.decode("utf-8").splitlines()
    assert [line[:16] for line in lines if line.startswith('"episodes/')] == [
        '"episodes/a.md":',
        '"episodes/b.md":',
    ]
    assert "a ü warning" in data.decode("utf-8")


def test_junk_or_an_older_format_means_nothing_is_known(tmp_path: Path) -> None:
    assert read_manifest(tmp_path).episodes == {}
    (tmp_path / STATE_DIR).mkdir()
    path = tmp_path / STATE_DIR / MANIFEST_FILE
    path.write_text("{not json", encoding="utf-8")
    assert read_manifest(tmp_path).episodes == {}
    path.write_text(json.dumps({"format": 0, "episodes": {"x": {}}}), encoding="utf-8")
    assert read_manifest(tmp_path).episodes == {}
    malformed = {"format": MANIFEST_FORMAT, "episodes": {"x": {"slug": 1}}}
    path.write_text(json.dumps(malformed), encoding="utf-8")
    assert read_manifest(tmp_path).episodes == {}


# --- An untrusted manifest: every path checked, records verified, any damage a full rebuild.


def built(source: Path, out: Path) -> Path:
    """Build ``source`` (a copy of a show) into ``out``; return the manifest's path."""
    report = build(source, out, BuildOptions(jobs=1))
    assert "Traceback" not in "".join(str(d) for d in report.diagnostics)
    return out / STATE_DIR / MANIFEST_FILE


def unreadable(out: Path, reason: str, line: int = 1) -> str:
    return (
        f"{out}/{STATE_DIR}/{MANIFEST_FILE}:{line}: warning: the build manifest is unreadable "
        f"({reason}); every episode is rebuilt"
    )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo show, so that a test may delete an episode."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../victim.txt", "the output '../victim.txt' is not a plain relative path"),
        ("a/../../victim.txt", "the output 'a/../../victim.txt' is not a plain relative path"),
        ("{tmp}/victim.txt", "the output '{tmp}/victim.txt' is not a plain relative path"),
        ("episodes/./x.txt", "the output 'episodes/./x.txt' is not a plain relative path"),
        (".castline/stat-cache.json", "the output '.castline/stat-cache.json' is in .castline/"),
    ],
)
def test_a_manifest_naming_a_file_outside_its_place_removes_nothing(
    demo: Path, tmp_path: Path, path: str, reason: str
) -> None:
    """Even when the named file holds exactly the bytes the manifest claims castline wrote."""
    out = tmp_path / "out"
    manifest_path = built(demo, out)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    path, reason = path.format(tmp=tmp_path), reason.format(tmp=tmp_path)
    data = json.loads(manifest_path.read_bytes())
    gone = "episodes/0003-listener-questions.md"
    data["episodes"][gone]["exporters"]["txt"]["outputs"][path] = sha256(b"precious")
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    (demo / gone).unlink()
    report = build(demo, out, BuildOptions(jobs=1))
    assert [str(d) for d in report.warnings if "manifest" in str(d)] == [
        unreadable(out, f"{gone}: txt: {reason}")
    ]
    assert victim.read_bytes() == b"precious"
    assert (out / STATE_DIR / "stat-cache.json").is_file()
    assert report.removed == [] and report.episodes_built == 2


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda d: d["episodes"].update({"/etc/x.md": {}}),
            "the episode '/etc/x.md' is not a plain relative path",
        ),
        (lambda d: d.update(episodes=[]), "episodes is not a JSON object"),
        (
            lambda d: d["show"]["rss"].update(diagnostics=[[1]]),
            "show: rss: diagnostics are not [path, line, severity, message, code] rows",
        ),
        (  # the shape before diagnostics had codes
            lambda d: d["show"]["rss"].update(diagnostics=[["show.yaml", 1, "warning", "w"]]),
            "show: rss: diagnostics are not [path, line, severity, message, code] rows",
        ),
        (
            lambda d: d["show"]["rss"].update(outputs={"feed.xml": 7}),
            "show: rss: the hash of 'feed.xml' is not text",
        ),
        (
            lambda d: _first(d).update(failed="yes"),
            "episodes/0001-forecasting-ferries.md: failed is not true or false",
        ),
        (
            lambda d: d["profiles"].update({"people/x.md": {"key": 1, "diagnostics": []}}),
            "people/x.md: key is not text",
        ),
        (
            lambda d: d["profiles"].update({"../x.md": {"key": "", "diagnostics": []}}),
            "the episode '../x.md' is not a plain relative path",
        ),
        (
            lambda d: d["profiles"].update({"people/x.md": {"key": "", "diagnostics": [[]]}}),
            "people/x.md: diagnostics are not [path, line, severity, message, code] rows",
        ),
        (lambda d: d.update(profiles=[]), "profiles is not a JSON object"),
        (
            lambda d: _first(d)["dependencies"].update({"a/../../b": ""}),
            "episodes/0001-forecasting-ferries.md: the dependency 'a/../../b' is not a plain "
            "relative path",
        ),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_read_as_empty_with_one_warning(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], reason: str
) -> None:
    out = tmp_path / "out"
    manifest_path = built(CONTENT, out)
    data = json.loads(manifest_path.read_bytes())
    edit(data)
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    manifest, warning = load_manifest(out)
    assert manifest.episodes == {} and manifest.show_outputs == {}
    assert str(warning) == unreadable(out, reason)


def _first(data: dict[str, Any]) -> dict[str, Any]:
    episode: dict[str, Any] = data["episodes"]["episodes/0001-forecasting-ferries.md"]
    return episode


def test_an_edited_record_is_caught_and_the_episode_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest_path = built(CONTENT, out)
    feed = (out / "feed.xml").read_bytes()
    digest = _first(json.loads(manifest_path.read_bytes()))["exporters"]["rss"]["record_hash"]
    record = out / STATE_DIR / "records" / f"{digest}.json"
    record.write_text(record.read_text(encoding="utf-8").replace("Forecasting Ferries", "Buy Now"))
    (out / "feed.xml").unlink()  # the show step runs
    report = build(CONTENT, out, BuildOptions(jobs=1))
    assert [str(d) for d in report.warnings] == [
        f"{record}:1: warning: the record of exporter 'rss' for "
        f"{CONTENT}/episodes/0001-forecasting-ferries.md cannot be used (its bytes do not hash "
        "to its name); that episode is rebuilt"
    ]
    assert report.episodes_built == 1
    assert (out / "feed.xml").read_bytes() == feed
    assert "Buy Now" not in record.read_text(encoding="utf-8")


def test_check_fails_on_an_output_made_from_a_record_edited_with_its_hash(tmp_path: Path) -> None:
    """A record file and manifest edited to agree pass their own checks; ``--check``
    re-derives every output from content, so what that edit put in the feed is caught."""
    out = tmp_path / "out"
    manifest_path = built(CONTENT, out)
    data = json.loads(manifest_path.read_bytes())
    rss = _first(data)["exporters"]["rss"]
    records = out / STATE_DIR / "records"
    text = (records / f"{rss['record_hash']}.json").read_bytes()
    edited = text.replace(b"Forecasting Ferries", b"Buy Now")
    rss["record_hash"] = sha256(edited)
    (records / f"{rss['record_hash']}.json").write_bytes(edited)
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    (out / "feed.xml").unlink()
    build(CONTENT, out, BuildOptions(jobs=1))  # trusts it: the show step runs on it
    assert b"Buy Now" in (out / "feed.xml").read_bytes()
    check = build(CONTENT, out, BuildOptions(jobs=1, dry_run=True))
    assert check.changed == [PurePosixPath("feed.xml")] and check.created == []
    (out / "episodes/0002-platforms-on-a-shoestring.srt").write_text("edited", encoding="utf-8")
    check = build(CONTENT, out, BuildOptions(jobs=1, dry_run=True))
    assert check.changed == [
        PurePosixPath("episodes/0002-platforms-on-a-shoestring.srt"),
        PurePosixPath("feed.xml"),
    ]


def _truncations(size: int, sample: int | None) -> list[int]:
    offsets = list(range(size))
    return offsets if sample is None else sorted(random.Random(size).sample(offsets, sample))


@pytest.mark.parametrize(
    ("show", "sample", "builds"),
    [
        pytest.param("demo", None, 25, id="demo-every-offset"),
        pytest.param("corpus", 500, 3, id="corpus-500-offsets"),
    ],
)
def test_a_truncated_manifest_is_a_full_rebuild_never_a_stale_output(
    tmp_path: Path, show: str, sample: int | None, builds: int
) -> None:
    """Truncated at every byte offset (the corpus's at 500 of them), the manifest reads as
    empty with one warning, or (only its final newline cut) as itself; a build from it makes
    exactly the outputs of a clean build, removes nothing, and raises nothing."""
    source = CONTENT if show == "demo" else CORPUS
    if not source.is_dir():
        pytest.skip(f"{source} is absent")
    base = tmp_path / "base"
    manifest_path = built(source, base)
    whole = manifest_path.read_bytes()
    expected = tree(base)
    full = read_manifest(base).to_json()
    offsets = _truncations(len(whole), sample)
    for offset in offsets:
        manifest_path.write_bytes(whole[:offset])
        manifest, warning = load_manifest(base)
        if offset == len(whole) - 1:  # only the final newline is gone
            assert warning is None and manifest.to_json() == full
            continue
        assert manifest.episodes == {} and manifest.show_outputs == {}, offset
        assert warning is not None and "the build manifest is unreadable (" in str(warning)
    for offset in random.Random(0).sample(offsets, builds):
        out = tmp_path / f"at-{offset}"
        shutil.copytree(base, out, symlinks=True)
        (out / STATE_DIR / MANIFEST_FILE).write_bytes(whole[:offset])
        report = build(source, out, BuildOptions(jobs=1))
        assert tree(out) == expected and report.removed == [], offset
        assert len([d for d in report.warnings if MANIFEST_FILE in d.source.path]) == 1
        assert (out / STATE_DIR / MANIFEST_FILE).read_bytes() == whole


@pytest.mark.parametrize(
    "junk",
    [
        '{"../x.md": [1, 2, 3, 4, "h"]}',
        '{"episodes/a.md": [1, 2, 3, "4", "h"]}',
        '{"episodes/a.md": [1, 2, 3, 4, 5]}',
        '{"episodes/a.md": [1, 2]}',
        "[]",
        '{"episodes/a.md": ',
    ],
)
def test_a_stat_cache_that_is_not_what_castline_writes_is_ignored(
    tmp_path: Path, junk: str
) -> None:
    out = tmp_path / "out"
    built(CONTENT, out)
    (out / STATE_DIR / STAT_CACHE_FILE).write_text(junk, encoding="utf-8")
    assert read_stat_cache(out) == {}
    report = build(CONTENT, out, BuildOptions(jobs=1))
    assert (report.episodes_skipped, report.errors, report.warnings) == (3, [], [])
    assert len(read_stat_cache(out)) == 3


def _plain_reference(text: str, climbs: bool) -> bool:
    """What a plain relative path is, by ``pathlib`` (the reference of the hand-split check)."""
    path = PurePosixPath(text)
    parts = path.parts
    leading = len(parts) - len(tuple(itertools.dropwhile(lambda p: p == "..", parts)))
    return not (
        not text
        or "\\" in text
        or "\0" in text
        or path.is_absolute()
        or path.as_posix() != text
        or ".." in parts[leading if climbs else 0 :]
        or leading == len(parts)
    )


@given(st.text(alphabet="a./\\\0", max_size=10))
def test_plain_paths_are_what_pathlib_says(text: str) -> None:
    for check, climbs in ((episode_path, False), (dependency_path, True)):
        try:
            check(text)
            accepted = True
        except ManifestError:
            accepted = False
        assert accepted == _plain_reference(text, climbs), (text, climbs)


# --- Record files: outside the manifest, named by their hash, untrusted like it.

#: The exporters whose episodes have records, built alone to keep the tests short.
WITH_RECORDS = BuildOptions(jobs=1, only=("rss", "site"))
FIRST = "episodes/0001-forecasting-ferries.md"


def records(out: Path) -> dict[str, bytes]:
    """The files of ``.castline/records/``, by name."""
    folder = out / STATE_DIR / RECORDS_DIR
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def record_hashes(out: Path) -> dict[tuple[str, str], str]:
    """(episode, exporter) to the record hash the saved manifest names."""
    data = json.loads((out / STATE_DIR / MANIFEST_FILE).read_bytes())
    return {
        (episode, name): state["record_hash"]
        for episode, fields in data["episodes"].items()
        for name, state in fields["exporters"].items()
        if state["record_hash"]
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The outputs and the record files of a clean build of the demo (rss and site)."""
    out = tmp_path_factory.mktemp("clean") / "out"
    assert build(CONTENT, out, WITH_RECORDS).warnings == []
    return tree(out), records(out)


def test_records_are_files_named_by_their_hash_and_the_manifest_holds_none(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    manifest_path = built(CONTENT, out)
    named = record_hashes(out)
    assert sorted({name for _, name in named}) == ["rss", "site"] and len(named) == 6
    files = records(out)
    assert sorted(files) == sorted(f"{digest}.json" for digest in named.values())
    for digest in named.values():
        data = files[f"{digest}.json"]
        assert sha256(data) == digest and isinstance(json.loads(data), dict)
    data = json.loads(manifest_path.read_bytes())
    for fields in [*data["episodes"].values(), {"exporters": data["show"]}]:
        for state in fields["exporters"].values():
            assert sorted(state) == ["diagnostics", "outputs", "record_hash", "settings"]
    manifest = read_manifest(out)
    assert manifest.episodes[FIRST].exporters["rss"].record is None  # nothing read but hashes
    text = manifest_path.read_text(encoding="utf-8")
    some_words = json.loads(files[f"{named[FIRST, 'site']}.json"])
    assert json.dumps(some_words, ensure_ascii=False)[:40] not in text


def test_a_no_change_rebuild_opens_no_record_file(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spied at ``os.open``, which every read of an output or a record goes through; the same
    spy sees the show step read every record once one episode changed."""
    out = tmp_path / "out"
    build(demo, out, WITH_RECORDS)
    opened: list[str] = []
    real = os.open

    def spy(path: Any, *args: Any, **kwargs: Any) -> int:
        if RECORD_FILE.fullmatch(Path(path).name):  # not the temporary files of a write
            opened.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    report = build(demo, out, WITH_RECORDS)
    assert (report.episodes_skipped, report.written, opened) == (3, [], [])
    episode = demo / FIRST
    episode.write_text(episode.read_text(encoding="utf-8") + " ", encoding="utf-8")
    report = build(demo, out, WITH_RECORDS)
    # Its records are the same: their files are checked while written, the show steps skipped.
    assert report.episodes_built == 1 and len(opened) == 2 and report.written == []
    opened.clear()
    retitled = episode.read_text(encoding="utf-8").replace("title: Forecasting", "title: Fore")
    episode.write_text(retitled, encoding="utf-8")
    report = build(demo, out, WITH_RECORDS)
    assert report.episodes_built == 1 and PurePosixPath("feed.xml") in report.written
    # The changed episode's two new records (written, after checking none is there), then each
    # show step reads its exporter's three.
    assert len(opened) == 2 + 6
    assert set(opened) == {f"{digest}.json" for digest in record_hashes(out).values()}


def _edit(out: Path, defect: str, name: str) -> str:
    """Spoil the record of the first episode for exporter ``name`` (``defect``); the reason the
    build should give."""
    manifest_path = out / STATE_DIR / MANIFEST_FILE
    data = json.loads(manifest_path.read_bytes())
    state = data["episodes"][FIRST]["exporters"][name]
    path = out / STATE_DIR / RECORDS_DIR / f"{state['record_hash']}.json"
    if defect == "edited":
        path.write_bytes(path.read_bytes().replace(b'"', b"'", 1))
        return "its bytes do not hash to its name"
    if defect == "missing":
        path.unlink()
        return "missing"
    if defect == "folder":
        path.unlink()
        path.mkdir()
        (path / "x").write_text("mine", encoding="utf-8")
        return "not a readable file"
    junk, reason = {
        "not-json": (b"{not json", "not JSON: Expecting property name enclosed in double quotes"),
        "not-utf-8": (b'{"a": "\xff"}', "not JSON"),
        "an-array": (b"[1, 2]", "not a JSON object"),
    }[defect]
    state["record_hash"] = sha256(junk)
    (path.parent / f"{sha256(junk)}.json").write_bytes(junk)
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    return reason


@pytest.mark.parametrize(
    ("defect", "name"),
    [
        ("edited", "rss"),
        ("edited", "site"),
        ("missing", "rss"),
        ("missing", "site"),
        ("not-json", "site"),
        ("not-utf-8", "rss"),
        ("an-array", "site"),
    ],
)
def test_an_unusable_record_file_rebuilds_its_episode(
    tmp_path: Path, clean: tuple[dict[str, bytes], dict[str, bytes]], defect: str, name: str
) -> None:
    out = tmp_path / "out"
    build(CONTENT, out, WITH_RECORDS)
    digest = record_hashes(out)[FIRST, name]
    reason = _edit(out, defect, name)
    spoiled = record_hashes(out)[FIRST, name]
    for shown in json.loads((out / STATE_DIR / MANIFEST_FILE).read_bytes())["show"][name][
        "outputs"
    ]:
        (out / shown).unlink()  # the show step runs even when the record's hash is the same
    report = build(CONTENT, out, WITH_RECORDS)
    assert [(str(d), d.code) for d in report.warnings] == [
        (
            f"{out}/{STATE_DIR}/{RECORDS_DIR}/{spoiled}.json:1: warning: the record of exporter "
            f"'{name}' for {CONTENT}/{FIRST} cannot be used ({reason}); that episode is rebuilt",
            "B008",
        )
    ]
    assert (report.episodes_built, report.episodes_skipped, report.errors) == (1, 2, [])
    assert record_hashes(out)[FIRST, name] == digest
    assert (tree(out), records(out)) == clean
    again = build(CONTENT, out, WITH_RECORDS)
    assert (again.warnings, again.written, again.episodes_skipped) == ([], [], 3)


def test_a_record_file_replaced_by_a_folder_fails_its_episode_only(tmp_path: Path) -> None:
    """The rebuild cannot write the record where a folder stands: that episode fails as any
    episode whose file cannot be written, the folder and its file are kept."""
    out = tmp_path / "out"
    build(CONTENT, out, WITH_RECORDS)
    reason = _edit(out, "folder", "rss")
    folder = out / STATE_DIR / RECORDS_DIR / f"{record_hashes(out)[FIRST, 'rss']}.json"
    (out / "feed.xml").unlink()
    report = build(CONTENT, out, WITH_RECORDS)
    assert [str(d) for d in report.warnings] == [
        f"{folder}:1: warning: the record of exporter 'rss' for {CONTENT}/{FIRST} cannot be "
        f"used ({reason}); that episode is rebuilt"
    ]
    assert [d.code for d in report.errors] == ["B006"]
    assert str(report.errors[0]).startswith(f"{CONTENT}/{FIRST}:1: error: cannot write {folder}")
    assert (folder / "x").read_text(encoding="utf-8") == "mine"
    assert b"Forecasting Ferries" not in (out / "feed.xml").read_bytes()


def test_a_symlinked_record_file_stops_the_build_and_nothing_outside_is_touched(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    build(CONTENT, out, WITH_RECORDS)
    path = out / STATE_DIR / RECORDS_DIR / f"{record_hashes(out)[FIRST, 'rss']}.json"
    outside = tmp_path / "outside.json"
    outside.write_bytes(b"precious")
    path.unlink()
    path.symlink_to(outside)
    (out / "feed.xml").unlink()
    with pytest.raises(ConfigError) as raised:
        build(CONTENT, out, WITH_RECORDS)
    assert str(raised.value) == f"{path}: is a symbolic link; castline writes no file through it"
    assert outside.read_bytes() == b"precious" and path.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "outside.json"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("../../../victim", "'../../../victim'"),
        ("A" * 64, f"'{'A' * 64}'"),
        ("a" * 63, f"'{'a' * 63}'"),
        ("a" * 64 + "/x", f"'{'a' * 64}/x'"),
    ],
)
def test_a_manifest_naming_a_record_by_anything_but_a_hash_is_unreadable(
    tmp_path: Path, clean: tuple[dict[str, bytes], dict[str, bytes]], value: str, shown: str
) -> None:
    """Even when the file it would name exists and holds a record that hashes to it."""
    out = tmp_path / "out"
    manifest_path = built_with_records(out)
    data = json.loads(manifest_path.read_bytes())
    data["episodes"][FIRST]["exporters"]["rss"]["record_hash"] = value
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    victim = tmp_path / "victim.json"
    victim.write_bytes(b"{}")
    before = sorted(p.name for p in tmp_path.iterdir())
    report = build(CONTENT, out, WITH_RECORDS)
    assert [str(d) for d in report.warnings] == [
        unreadable(out, f"{FIRST}: rss: the record hash {shown} is not 64 lowercase hex digits")
    ]
    assert report.warnings[0].code == "B001" and report.episodes_built == 3
    assert victim.read_bytes() == b"{}" and sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tree(out), records(out)) == clean


def built_with_records(out: Path) -> Path:
    assert build(CONTENT, out, WITH_RECORDS).warnings == []
    return out / STATE_DIR / MANIFEST_FILE


def test_record_files_no_manifest_names_are_removed_and_nothing_else(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(demo, out, WITH_RECORDS)
    named = set(records(out))
    folder = out / STATE_DIR / RECORDS_DIR
    outside = tmp_path / "outside.json"
    outside.write_text("{}", encoding="utf-8")
    kept = {
        "notes.txt": b"mine",
        "A" * 64 + ".json": b"{}",
        "a" * 64 + ".json.bak": b"{}",
        "a" * 63 + ".json": b"{}",
    }
    for name, data in kept.items():
        (folder / name).write_bytes(data)
    (folder / f"{'b' * 64}.json").symlink_to(outside)
    (folder / f"{'c' * 64}.json").mkdir()
    (folder / f"{'d' * 64}.json").write_bytes(b"{}")  # named like a record, named by nothing
    report = build(demo, out, WITH_RECORDS)
    assert (report.episodes_skipped, report.warnings) == (3, [])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*named, *kept, f"{'b' * 64}.json", f"{'c' * 64}.json"]
    )
    assert {name: (folder / name).read_bytes() for name in kept} == kept
    assert outside.read_text(encoding="utf-8") == "{}"
    assert (folder / f"{'b' * 64}.json").is_symlink()
    old = record_hashes(out)[FIRST, "rss"]
    episode = demo / FIRST
    retitled = episode.read_text(encoding="utf-8").replace("title: Forecasting", "title: Fore")
    episode.write_text(retitled, encoding="utf-8")
    build(demo, out, WITH_RECORDS)
    new = record_hashes(out)[FIRST, "rss"]
    assert new != old and (folder / f"{new}.json").is_file()
    assert not (folder / f"{old}.json").exists()


def test_a_symlinked_records_folder_stops_the_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / STATE_DIR).mkdir(parents=True)
    (out / STATE_DIR / RECORDS_DIR).symlink_to(elsewhere)
    with pytest.raises(ConfigError) as raised:
        build(CONTENT, out, WITH_RECORDS)
    assert str(raised.value) == (
        f"{out}/{STATE_DIR}/{RECORDS_DIR}: is a symbolic link; castline writes no file through it"
    )
    assert list(elsewhere.iterdir()) == []


def test_a_dry_run_writes_no_record_file_and_reads_the_records_it_made(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(demo, out, WITH_RECORDS)
    before = records(out)
    episode = demo / FIRST
    retitled = episode.read_text(encoding="utf-8").replace("title: Forecasting", "title: Fore")
    episode.write_text(retitled, encoding="utf-8")
    check = build(demo, out, BuildOptions(jobs=1, only=("rss", "site"), dry_run=True))
    assert PurePosixPath("feed.xml") in check.changed and check.warnings == []
    assert records(out) == before
    build(demo, out, WITH_RECORDS)
    assert build(demo, out, BuildOptions(jobs=1, only=("rss", "site"), dry_run=True)).written == []


def test_record_files_are_flushed_with_the_new_outputs_before_the_manifest_names_them(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when they are the only new files: the feed's episodes write no file of their own."""
    events: list[str] = []
    real_sync, real_replace = os.sync, os.replace

    def sync() -> None:
        if threading.current_thread().name != "castline-flush":  # flushes ahead: none waits
            events.append("sync")
        real_sync()

    def replace(source: str, target: str, **folders: int) -> None:  # by path or in a folder
        name = os.path.basename(target)
        events.append("record" if RECORD_FILE.fullmatch(name) else name)
        real_replace(source, target, **folders)

    monkeypatch.setattr(os, "sync", sync)
    monkeypatch.setattr(os, "replace", replace)
    out = tmp_path / "out"
    build(demo, out, BuildOptions(jobs=1, only=("rss",)))
    assert events[:4] == [".gitignore", "record", "record", "record"]
    assert events[-3:] == ["sync", MANIFEST_FILE, STAT_CACHE_FILE] and events.count("sync") == 1
    events.clear()
    episode = demo / FIRST
    retitled = episode.read_text(encoding="utf-8").replace("title: Forecasting", "title: Fore")
    episode.write_text(retitled, encoding="utf-8")
    report = build(demo, out, BuildOptions(jobs=1, only=("rss",)))
    assert report.created == [] and report.changed == [PurePosixPath("feed.xml")]
    assert events == ["record", "feed.xml", "sync", MANIFEST_FILE, STAT_CACHE_FILE]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_records_folder_removed_rebuilds_every_episode_once_per_exporter(
    tmp_path: Path, clean: tuple[dict[str, bytes], dict[str, bytes]], jobs: int
) -> None:
    out = tmp_path / "out"
    built_with_records(out)
    named = record_hashes(out)
    shutil.rmtree(out / STATE_DIR / RECORDS_DIR)
    (out / "feed.xml").unlink()
    (out / "index.html").unlink()
    report = build(CONTENT, out, BuildOptions(jobs=jobs, only=("rss", "site")))
    assert sorted(str(d) for d in report.warnings) == sorted(
        f"{out}/{STATE_DIR}/{RECORDS_DIR}/{digest}.json:1: warning: the record of exporter "
        f"'{name}' for {CONTENT}/{episode} cannot be used (missing); that episode is rebuilt"
        for (episode, name), digest in named.items()
    )
    assert (report.episodes_built, report.episodes_skipped, report.errors) == (3, 0, [])
    assert (tree(out), records(out)) == clean


@given(st.lists(st.sampled_from([STATE_DIR, STATE_DIR + "x", "a", ".", "..", ""]), max_size=4))
def test_outputs_in_the_state_folder_are_what_pathlib_says(segments: list[str]) -> None:
    text = "/".join(segments)
    try:
        output_path(text)
        accepted = True
    except ManifestError:
        accepted = False
    expected = _plain_reference(text, False) and PurePosixPath(text).parts[0] != STATE_DIR
    assert accepted == expected, text


def _plain_by_segments(text: str, *, climbs: bool) -> bool:
    """The simple statement of a plain relative path: split at ``/``, no segment empty, ``.``
    or ``..`` after the leading ``..`` (only when ``climbs``), and not only ``..``."""
    parts = text.split("/")
    leading = 0
    while climbs and leading < len(parts) and parts[leading] == "..":
        leading += 1
    return (
        "\\" not in text
        and "\0" not in text
        and leading < len(parts)
        and not any(part in ("", ".", "..") for part in parts[leading:])
    )


def _accepted(check: Callable[[object], str], text: str) -> bool:
    try:
        return check(text) == text
    except ManifestError:
        return False


@given(st.text(alphabet=["a", ".", "/", "\\", "\0", "é"], max_size=12))
def test_path_checks_agree_with_splitting_at_slashes(text: str) -> None:
    assert _accepted(output_path, text) == (
        _plain_by_segments(text, climbs=False) and text.partition("/")[0] != STATE_DIR
    )
    assert _accepted(episode_path, text) == _plain_by_segments(text, climbs=False)
    assert _accepted(dependency_path, text) == _plain_by_segments(text, climbs=True)
