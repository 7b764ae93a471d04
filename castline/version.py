"""What ``castline --version`` prints. Small on purpose: the console script answers that
command before anything else loads (:mod:`castline.__main__`)."""

from __future__ import annotations

from castline import __version__
from castline.timing.engine import default_engine


def version_text() -> str:
    """The version line, naming the cue engine that runs (:mod:`castline.timing.engine`).

    >>> version_text() == f"castline {__version__} (cue engine: {default_engine()})"
    True
    """
    return f"castline {__version__} (cue engine: {default_engine()})"
