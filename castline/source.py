"""Where a parsed value came from: :class:`SourceRef`, the ``path:line`` every diagnostic and
every parsed object carries.

It lives apart from :mod:`castline.model` (which re-exports it) so that reporting a problem
loads only this: a no-change build that replays its diagnostics never defines the model's
other types.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """A place in a content file: the path as the user gave it, and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"
