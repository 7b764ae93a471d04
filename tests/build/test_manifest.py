"""The build manifest: a faithful round trip, one episode per line, and tolerance of junk."""

from __future__ import annotations

import itertools
import json
import random
import shutil
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
    read_manifest,
    read_stat_cache,
    sha256,
)
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
        show_outputs={
            "rss": ExporterState("inputs", {"feed.xml": "h"}, sha256(RECORD.encode()))
        },
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
