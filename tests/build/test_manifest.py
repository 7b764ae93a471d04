"""The build manifest: a faithful round trip, one episode per line, and tolerance of junk."""

from __future__ import annotations

import json
from pathlib import Path

from castline.build.manifest import (
    MANIFEST_FILE,
    MANIFEST_FORMAT,
    STATE_DIR,
    EpisodeState,
    ExporterState,
    Manifest,
    manifest_bytes,
    read_manifest,
)


def sample() -> Manifest:
    return Manifest(
        castline_version="9.9",
        episodes={
            "episodes/b.md": EpisodeState(
                "b",
                "hash-b",
                {"people/p.md": "hash-p"},
                [["episodes/b.md", 3, "warning", "a ü warning"]],
                exporters={"txt": ExporterState("s", {"episodes/b.txt": "h"}, None, "", [])},
            ),
            "episodes/a.md": EpisodeState("a", "hash-a", failed=True),
        },
        show_outputs={"rss": ExporterState("inputs", {"feed.xml": "h"}, '{"k":[1,2]}', "r")},
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
