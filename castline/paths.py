"""Paths and URLs: how files are named in messages, in the manifest and on the web.

Each rule is written once here: the display path of a file (below the content folder as the
user named it), its content-relative key, the public URL of an output or asset, the file a URL
names, and the media-file rule (a media URL's file name looked up in show.yaml's media folder).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import SplitResult, quote, urlsplit

from castline.model import Show


def display_path(root: Path, path: Path) -> str:
    """``path`` shown below ``root`` as the user named it (``content/episodes/x.md``).

    >>> display_path(Path("content"), Path("content/episodes/x.md"))
    'content/episodes/x.md'
    """
    try:
        return os.path.join(str(root), os.path.relpath(path, root))
    except ValueError:  # another drive on Windows
        return str(path)


def content_relative(content: Path, path: Path) -> str:
    """``path`` below ``content`` with ``/`` separators (the manifest's keys).

    >>> content_relative(Path("site"), Path("site/_podcast/x.md"))
    '_podcast/x.md'
    """
    prefix = os.path.join(str(content), "")
    text = str(path)
    if text.startswith(prefix):  # the usual case, without relpath's cost
        return text[len(prefix) :].replace(os.sep, "/")
    return PurePosixPath(Path(os.path.relpath(path, content))).as_posix()


def public_url(base_url: str, path: PurePosixPath | str) -> str:
    """The URL at which an output file (or a content-relative path) is published.

    Absolute URLs are returned unchanged; relative paths are joined to ``base_url`` and
    percent-encoded (non-ASCII file names are a directory error, see ``castline check``).

    >>> public_url("https://example.com/podcast/", PurePosixPath("episodes/a b.vtt"))
    'https://example.com/podcast/episodes/a%20b.vtt'
    >>> public_url("https://example.com/podcast", "https://cdn.example.com/x.mp3")
    'https://cdn.example.com/x.mp3'
    """
    text = str(path)
    if "://" in text:
        return text
    return base_url.rstrip("/") + "/" + quote(text.lstrip("/"))


def asset_url(show: Show, value: str) -> str | None:
    """The URL of a chapter's or episode's ``url``/``image``: absolute as given, else joined to
    show.yaml's ``assets_url`` (else ``base_url``); ``None`` when neither is set."""
    if "://" in value:
        return value
    base = show.assets_url or show.base_url
    return public_url(base, value) if base else None


def split_url(url: str) -> SplitResult | None:
    """``url`` split into its parts (RFC 3986), or ``None`` when it cannot be
    (``http://[::1`` has an unclosed IPv6 host, which :func:`urllib.parse.urlsplit` refuses).

    >>> split_url("https://example.com/a?b").path, split_url("http://[::1") is None
    ('/a', True)
    """
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _url_path(url: str) -> str:
    parts = split_url(url)
    return parts.path if parts is not None else url.split("?", 1)[0].split("#", 1)[0]


def url_name(url: str) -> str:
    """The file name a URL (or path) ends in, query and fragment ignored.

    >>> url_name("https://cdn.example.com/a/Ep1.MP3?x=1")
    'Ep1.MP3'
    """
    return PurePosixPath(_url_path(url)).name


def url_suffix(url: str) -> str:
    """The lower-cased extension of the file a URL (or path) names, query and fragment ignored.

    >>> url_suffix("https://cdn.example.com/a/Ep1.MP3?x=1")
    '.mp3'
    """
    return PurePosixPath(_url_path(url)).suffix.lower()


def media_url(show: Show, slug: str) -> str | None:
    """The episode's media URL from show.yaml's ``media.url`` pattern (``{slug}`` filled in).

    The media-file rule: an episode without ``audio`` is published at this URL, and its local
    copy is :func:`media_file_path` of it."""
    return show.media_url.replace("{slug}", slug) if show.media_url else None


def media_file_path(show: Show, url: str) -> Path | None:
    """Where the local copy of a media URL would be: its file name in show.yaml's media folder
    (``None`` when show.yaml names no media folder, or the URL names no file)."""
    name = url_name(url)
    if not show.media_dir or not name:
        return None
    return Path(show.root) / show.media_dir / name
