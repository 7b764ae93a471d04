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
    """How bad a diagnostic is. ``--strict`` promotes every warning to an error.

    Ordered: an error sorts before a warning at the same place.

    >>> sorted([Severity.WARNING, Severity.ERROR])
    [<Severity.ERROR: 'error'>, <Severity.WARNING: 'warning'>]
    """

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for an error, 1 for a warning: the order diagnostics at one place are listed in."""
        return 0 if self is Severity.ERROR else 1

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at one place in the content.

    Ordered by ``(source, severity, message)`` so a sorted list reads file by file, line by line
    (:func:`sort_key` is the same order as a key of plain values).
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


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    """Path, line, severity (errors first), message: a key of plain values, so sorting any
    diagnostics never raises."""
    source = diagnostic.source
    return (str(source.path), int(source.line), diagnostic.severity.rank, str(diagnostic.message))


def sort_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort diagnostics by path and line and drop repeats (two exporters may see one problem).

    >>> from castline.model import SourceRef
    >>> here = SourceRef("show.yaml", 1)
    >>> [str(d) for d in sort_unique([Diagnostic.warning(here, "w"), Diagnostic.error(here, "e")])]
    ['show.yaml:1: error: e', 'show.yaml:1: warning: w']
    """
    return sorted(set(diagnostics), key=sort_key)
