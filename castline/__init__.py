"""castline: podcast episodes (Markdown + YAML front matter) in; feed, chapters, captions out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("castline")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
