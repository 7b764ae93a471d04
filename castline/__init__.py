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

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("castline")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

from castline.build import BuildOptions, BuildReport, build
from castline.diagnostics import Diagnostic, Severity
from castline.errors import CastlineError, ConfigError, ContentError
from castline.exporter import Artifact, Exporter, PerEpisodeExporter
from castline.load import load_content, open_content
from castline.model import Episode, Show

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
