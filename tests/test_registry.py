"""Exporter discovery through entry points, as a third party would plug in."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from castline import registry
from castline.errors import ConfigError, ExporterConflictError, UnknownExporterError
from tests.conftest import fake_distribution

GROUP = registry.ENTRY_POINT_GROUP


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def test_builtins_are_found_through_the_entry_point_group() -> None:
    entries = registry.available()
    assert "txt" in entries
    assert entries["txt"].distribution == "castline"
    assert entries["txt"].load().media_type == "text/plain"


def test_same_name_different_targets_is_a_conflict() -> None:
    with pytest.raises(ExporterConflictError) as raised:
        registry.available([ep("txt", "a:B"), ep("txt", "c:D")])
    assert str(raised.value) == "exporter 'txt' is declared more than once: a:B; c:D"


def test_identical_duplicates_are_merged() -> None:
    value = "castline.exporters.plaintext:PlaintextExporter"
    assert list(registry.available([ep("txt", value), ep("txt", value)])) == ["txt"]


def test_unknown_name_lists_what_is_installed() -> None:
    entries = registry.available([ep("txt", "castline.exporters.plaintext:PlaintextExporter")])
    with pytest.raises(UnknownExporterError) as raised:
        registry.create("vtx", entries=entries)
    assert str(raised.value) == "unknown exporter 'vtx'; installed: txt"


def test_unknown_option_names_the_exporter_and_the_known_options() -> None:
    entries = registry.available([ep("txt", "castline.exporters.plaintext:PlaintextExporter")])
    with pytest.raises(ConfigError) as raised:
        registry.create("txt", {"widht": 3}, entries=entries, source="content/show.yaml")
    assert str(raised.value) == (
        "content/show.yaml: exporters.txt: unknown option 'widht' (options: timestamps, width)"
    )


def test_a_target_that_is_not_an_exporter_is_refused() -> None:
    entries = registry.available([ep("txt", "castline.model:Show")])
    with pytest.raises(ConfigError, match="is not an exporter class whose 'name' is 'txt'"):
        entries["txt"].load()


def test_a_third_party_distribution_is_discovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_distribution(
        tmp_path,
        "castline_demo",
        "from castline.exporters.plaintext import PlaintextExporter\n"
        "class DemoExporter(PlaintextExporter):\n"
        "    name = 'demo'\n"
        "    suffix = '.demo.txt'\n",
        {"demo": "castline_demo:DemoExporter"},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    entries = registry.available()
    assert entries["demo"].distribution == "castline-demo"
    exporter = registry.create("demo", {"width": 0}, entries=entries)
    assert exporter.suffix == ".demo.txt"
