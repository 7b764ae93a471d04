"""``castline init`` and ``castline schema``: a new show that builds clean, and schemas that agree
with the loader on every show and episode file the project knows."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import podcastparser
import pytest
from typer.testing import CliRunner

from castline import load_content
from castline.cli import app
from castline.load import EPISODE_KEYS, SHOW_FILE
from castline.load.frontmatter import decode, parse_document, parse_yaml
from castline.load.show import SHOW_KEYS
from castline.scaffold import SCHEMA_DIR, schema_text
from tests.conftest import CONTENT, CORPUS, DATA

runner = CliRunner()


def test_init_then_build_gives_a_feed_with_no_warning(tmp_path: Path) -> None:
    show = tmp_path / "show"
    created = runner.invoke(app, ["init", str(show)])
    assert created.exit_code == 0, created.stderr
    assert (show / ".github/workflows/castline.yml").is_file()
    built = runner.invoke(app, ["build", str(show), "--out", str(tmp_path / "out"), "--strict"])
    assert built.exit_code == 0, built.stderr
    feed_bytes = (tmp_path / "out" / "feed.xml").stat().st_size
    site_bytes = (tmp_path / "out" / "index.html").stat().st_size  # the pages are the episodes'
    assert built.stderr.splitlines() == [
        "episodes: 1 built, 0 unchanged, 0 failed; 12 files written, 0 removed in "
        f"{tmp_path / 'out'}; show files: rss {feed_bytes:,} bytes, "
        f"site {site_bytes:,} bytes; 0 errors, 0 warnings; "
        + built.stderr.split("warnings; ")[1].strip()
    ]
    feed = (tmp_path / "out" / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed)
    assert parsed.bozo == 0
    assert parsed.feed.title == "My Podcast"
    episodes = podcastparser.parse("file:///feed.xml", io.BytesIO(feed))["episodes"]
    assert [e["title"] for e in episodes] == ["Welcome to My Podcast"]
    assert len(episodes[0]["chapters"]) == 3
    assert (tmp_path / "out/episodes/0001-welcome.srt").is_file()


def test_init_refuses_a_folder_that_holds_anything(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"castline: {tmp_path}: not an empty folder; castline init writes a new show only into"
        " a new or empty folder, so that nothing is overwritten\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_the_new_show_yaml_points_editors_at_its_schema(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    first = (tmp_path / SHOW_FILE).read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_DIR}/show.schema.json"
    assert (tmp_path / SCHEMA_DIR / "show.schema.json").read_text() == schema_text("show")


@pytest.mark.parametrize("name", ["show", "episode"])
def test_schema_prints_a_valid_json_schema(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schemas_name_exactly_the_keys_the_loader_knows() -> None:
    assert set(json.loads(schema_text("show"))["properties"]) == SHOW_KEYS
    assert set(json.loads(schema_text("episode"))["properties"]) == EPISODE_KEYS


def as_json(value: Any) -> Any:
    """YAML values as an editor's YAML-to-JSON view has them: dates become strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def shows() -> Iterator[Path]:
    yield CONTENT / SHOW_FILE
    yield from sorted(DATA.rglob(SHOW_FILE))


def folders() -> Iterator[Path]:
    yield CONTENT
    yield from sorted({p.parent.parent for p in DATA.rglob("*.md")})
    if CORPUS.is_dir():
        yield CORPUS


@pytest.mark.parametrize("path", list(shows()), ids=str)
def test_every_show_yaml_that_loads_cleanly_meets_the_schema(path: Path) -> None:
    data = parse_yaml(decode(path.read_bytes(), str(path)), str(path)).data
    errors = [d for d in load_content(path.parent).diagnostics if d.severity.value == "error"]
    if not [e for e in errors if e.source.path.endswith(SHOW_FILE)]:
        jsonschema.validate(as_json(data), json.loads(schema_text("show")))


@pytest.mark.parametrize("folder", list(folders()), ids=str)
def test_every_episode_that_loads_meets_the_schema(folder: Path) -> None:
    loaded = load_content(folder)
    schema = json.loads(schema_text("episode"))
    assert loaded.episodes or folder != CONTENT
    for episode in loaded.episodes:
        path = Path(episode.source.path)
        document = parse_document(decode(path.read_bytes(), str(path)), str(path))
        jsonschema.validate(as_json(dict(document.data)), schema)
