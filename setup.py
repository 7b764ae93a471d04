"""The native cue engine: an optional C extension (everything else is in pyproject.toml).

``castline.timing._cue_engine`` is built when a C compiler and the Python headers are present;
where they are not (or with ``CASTLINE_NATIVE_BUILD=0``) the build goes on without it and
castline runs its Python cue engine, the reference the native one reproduces.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup


def _extensions() -> list[Extension]:
    if os.environ.get("CASTLINE_NATIVE_BUILD", "1") == "0":
        return []
    engine = Extension(
        "castline.timing._cue_engine", ["castline/timing/_cue_engine.c"], optional=True
    )
    return [engine]


setup(ext_modules=_extensions())
