"""Exporter discovery through the entry-point group ``castline.exporters``.

Built-in exporters are declared in castline's own ``pyproject.toml`` exactly as a third party
declares theirs::

    [project.entry-points."castline.exporters"]
    html = "castline_html:HtmlExporter"

The entry-point name is the exporter's id: the CLI's ``--only`` value and its key under
``exporters:`` in show.yaml. Two distributions claiming one name with different targets is an
error, never a silent override.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, cast

from castline.errors import ConfigError, ExporterConflictError, UnknownExporterError
from castline.exporter import Exporter

#: The entry-point group castline reads.
ENTRY_POINT_GROUP = "castline.exporters"


@dataclass(frozen=True, slots=True)
class ExporterEntry:
    """An installed exporter, not yet imported."""

    name: str
    target: str
    entry_point: EntryPoint

    @property
    def distribution(self) -> str:
        """The name of the distribution that declares it (``?`` when unknown). Read from its
        metadata when asked: a build never asks, so it parses no distribution's metadata."""
        dist = getattr(self.entry_point, "dist", None)
        return str(dist.name) if dist is not None else "?"

    @property
    def version(self) -> str:
        """The version of the distribution that declares it (``?`` when unknown)."""
        dist = getattr(self.entry_point, "dist", None)
        return str(dist.version) if dist is not None else "?"

    def load(self) -> type[Exporter]:
        """Import the exporter class and check it is one.

        Raises:
            ConfigError: the target is not an exporter class named ``name``.
        """
        return check_exporter_class(self.entry_point.load(), self.name, self.target)


def check_exporter_class(loaded: object, name: str, target: str) -> type[Exporter]:
    """``loaded`` as an exporter class, checked to be one whose ``name`` is ``name``.

    Raises:
        ConfigError: it is not a class, its ``name`` differs, or it lacks a member.
    """
    where = f" ({target})" if target else ""
    if not inspect.isclass(loaded) or not name or getattr(loaded, "name", None) != name:
        shown = f"entry point '{name} = {target}'" if target else f"'{loaded!r}'"
        raise ConfigError(f"{shown} is not an exporter class whose 'name' is '{name}'")
    for attribute in ("media_type", "suffix", "export_episode", "export_show"):
        if not hasattr(loaded, attribute):
            raise ConfigError(f"exporter '{name}'{where} has no '{attribute}'")
    return cast("type[Exporter]", loaded)


def available(eps: Iterable[EntryPoint] | None = None) -> dict[str, ExporterEntry]:
    """Installed exporters by name, sorted by name.

    Args:
        eps: entry points to read instead of the installed ones (for tests).

    Raises:
        ExporterConflictError: one name, two different targets.
    """
    found: dict[str, ExporterEntry] = {}
    targets: dict[str, set[str]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP) if eps is None else eps:
        entry = ExporterEntry(name=ep.name, target=ep.value, entry_point=ep)
        targets.setdefault(ep.name, set()).add(ep.value)
        found.setdefault(ep.name, entry)
    for name, values in targets.items():
        if len(values) > 1:
            raise ExporterConflictError(name, values)
    return dict(sorted(found.items()))


def create(
    exporter: str | type[Any],
    options: Mapping[str, Any] | None = None,
    *,
    entries: Mapping[str, ExporterEntry] | None = None,
    source: str = "show.yaml",
) -> Exporter:
    """Construct an exporter, given by name (looked up in ``entries``, else among the installed
    ones) or as its class, with its options.

    Raises:
        UnknownExporterError: no such exporter.
        ConfigError: an option the exporter does not take, or a bad value.
    """
    if isinstance(exporter, str):
        entries = available() if entries is None else entries
        if exporter not in entries:
            raise UnknownExporterError(exporter, entries)
        exporter_class: type[Any] = entries[exporter].load()
    else:
        exporter_class = check_exporter_class(exporter, getattr(exporter, "name", ""), "")
    name = exporter_class.name
    options = dict(options or {})
    parameters = inspect.signature(exporter_class).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    for key in options:
        if not takes_any and key not in parameters:
            known = ", ".join(sorted(parameters)) or "none"
            raise ConfigError(
                f"{source}: exporters.{name}: unknown option '{key}' (options: {known})"
            )
    try:
        return cast("Exporter", exporter_class(**options))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{source}: exporters.{name}: {error}") from None


def accepts_option(exporter_class: type[Any], option: str) -> bool:
    """True when the exporter's constructor takes ``option`` (used for CLI overrides)."""
    return option in inspect.signature(exporter_class).parameters
