"""castline's exceptions: problems that stop a command, or the one object being read.

Content problems that do not stop anything are :class:`castline.diagnostics.Diagnostic` values,
returned rather than raised.
"""

from __future__ import annotations

from collections.abc import Iterable

from castline.diagnostics import Rule
from castline.source import SourceRef
from castline.text import did_you_mean


class CastlineError(Exception):
    """Root of castline's exceptions: a problem that stops a whole command."""


class ContentError(CastlineError):
    """A content problem that stops the object being read. Carries its
    :class:`~castline.diagnostics.Diagnostic`, an error of the kind ``kind``."""

    def __init__(self, kind: Rule, source: SourceRef, message: str) -> None:
        self.kind = kind
        self.diagnostic = kind.error(source, message)
        super().__init__(str(self.diagnostic))

    def __reduce__(self) -> tuple[type[ContentError], tuple[Rule, SourceRef, str]]:
        return (ContentError, (self.kind, self.diagnostic.source, self.diagnostic.message))


class ConfigError(CastlineError):
    """A problem in show.yaml or in the options given to an exporter."""


class UnknownExporterError(ConfigError):
    """No installed exporter has the requested name."""

    def __init__(self, name: str, installed: Iterable[str]) -> None:
        self.name = name
        self.installed = tuple(sorted(installed))
        hint = did_you_mean(name, self.installed)
        super().__init__(
            f"unknown exporter '{name}'{hint}; installed: {', '.join(self.installed) or 'none'}"
        )


class ExporterConflictError(ConfigError):
    """Two entry points claim one exporter name with different targets."""

    def __init__(self, name: str, targets: Iterable[str]) -> None:
        self.name = name
        self.targets = tuple(sorted(targets))
        super().__init__(f"exporter '{name}' is declared more than once: {'; '.join(self.targets)}")
