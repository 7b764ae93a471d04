"""What ``castline --version`` prints. Small on purpose: the console script answers that
command before anything else loads (:mod:`castline.__main__`)."""

from __future__ import annotations

from castline import __version__


def version_text() -> str:
    """The version line.

    >>> version_text() == f"castline {__version__}"
    True
    """
    return f"castline {__version__}"
