"""castline: podcast episodes (Markdown + YAML front matter) in; feed, chapters, captions out.

A library user starts here::

    from pathlib import Path
    import castline

    content = castline.load_content(Path("content"))      # the show and every episode
    report = castline.build(Path("content"), Path("out"))  # every exporter, incremental
    for diagnostic in report.diagnostics:                   # path:line: severity: message
        print(diagnostic)

The pipeline is one folder a stage: :mod:`castline.load` reads content into the
:mod:`castline.model`, :mod:`castline.timing` gives every line its span and cues, exporters (the
``castline.exporters`` entry points, see :mod:`castline.exporter`) turn episodes into artifacts,
and :mod:`castline.build` writes them. Only :mod:`castline.cli` prints or exits.
"""

from __future__ import annotations

import importlib
import sys
import types

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (a tenth of a quick command's
#: start-up); type checkers read the imports below it.
TYPE_CHECKING = False

#: The version; pyproject.toml reads it from here (``[tool.setuptools.dynamic]``), so that
#: knowing it costs no look-up of the installed distribution.
__version__ = "0.1.0"

if TYPE_CHECKING:
    from castline.build import BuildOptions, BuildReport, build
    from castline.diagnostics import Diagnostic, Severity
    from castline.errors import CastlineError, ConfigError, ContentError
    from castline.exporter import Artifact, Exporter, PerEpisodeExporter
    from castline.load import load_content, open_content
    from castline.model import Episode, Show

#: Each public name and the module it comes from: imported when first used, so that
#: ``castline --version`` and ``--help`` load none of the pipeline.
_PUBLIC = {
    "Artifact": "castline.exporter",
    "BuildOptions": "castline.build",
    "BuildReport": "castline.build",
    "CastlineError": "castline.errors",
    "ConfigError": "castline.errors",
    "ContentError": "castline.errors",
    "Diagnostic": "castline.diagnostics",
    "Episode": "castline.model",
    "Exporter": "castline.exporter",
    "PerEpisodeExporter": "castline.exporter",
    "Severity": "castline.diagnostics",
    "Show": "castline.model",
    "build": "castline.build",
    "load_content": "castline.load",
    "open_content": "castline.load",
}

__all__ = [
    "Artifact",
    "BuildOptions",
    "BuildReport",
    "CastlineError",
    "ConfigError",
    "ContentError",
    "Diagnostic",
    "Episode",
    "Exporter",
    "PerEpisodeExporter",
    "Severity",
    "Show",
    "__version__",
    "build",
    "load_content",
    "open_content",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'castline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


class _Package(types.ModuleType):
    """castline's own module type (Python reference, "Customizing module attribute access"):
    ``castline.build`` stays the function :func:`castline.build.build`. Importing the
    ``castline.build`` package sets the attribute of that name to the package; the function,
    which the README's example calls, is put back."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "build" and isinstance(value, types.ModuleType):
            value = value.build
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
