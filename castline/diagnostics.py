"""Diagnostics: the problems castline finds in content, each pinned to ``path:line``.

The core never prints. Every stage returns or raises :class:`Diagnostic` values and
:mod:`castline.cli` alone turns them into stderr lines and exit codes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from castline.model import SourceRef


class Severity(enum.Enum):
    """How bad a diagnostic is. ``--strict`` promotes every warning to an error."""

    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at one place in the content.

    Ordered by ``(source, severity, message)`` so a sorted list reads file by file, line by line.
    ``str()`` gives the line the CLI prints: ``path:line: severity: message``.
    """

    source: SourceRef
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.severity.value}: {self.message}"

    @classmethod
    def error(cls, source: SourceRef, message: str) -> Diagnostic:
        """An error: the object it concerns is not built."""
        return cls(source, Severity.ERROR, message)

    @classmethod
    def warning(cls, source: SourceRef, message: str) -> Diagnostic:
        """A warning: the object is built (repaired where a sound rule exists)."""
        return cls(source, Severity.WARNING, message)


def sort_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort diagnostics by path and line and drop repeats (two exporters may see one problem)."""
    return sorted(set(diagnostics))
