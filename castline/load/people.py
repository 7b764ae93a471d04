"""People profiles (``people/<id>.md``): a front matter file per guest or host."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.load.fields import MISSING_TITLE, FieldReader
from castline.load.files import (
    SKIPPED_FILE,
    is_folder,
    not_regular,
    read_bounded,
    undecodable_name,
)
from castline.load.frontmatter import decode, parse_document, repeated_key_warnings
from castline.model import Limits, Person, SourceRef
from castline.paths import display_path

#: Profile link kinds in the order ``podcast:person href`` takes them, and their URL forms.
PROFILE_LINKS = {
    "web": "{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://x.com/{}",
    "github": "https://github.com/{}",
    "mastodon": "{}",
    "youtube": "https://www.youtube.com/@{}",
}
#: Profile keys that are links, in the order they are listed.
PROFILE_LINK_KEYS = tuple(PROFILE_LINKS)


def load_person(
    path: Path, display: str, limits: Limits | None = None
) -> tuple[Person | None, list[Diagnostic]]:
    """Read one people profile: ``title`` is the name; ``picture`` and link keys are kept.

    Returns ``None`` (and the error) when the file cannot be read or parsed.
    """
    limits = limits or Limits()
    diagnostics: list[Diagnostic] = []
    try:
        raw = read_bounded(path, display, limits.file_bytes)
        document = parse_document(decode(raw, display), display, max_nodes=limits.yaml_nodes)
    except ContentError as error:
        return None, [error.diagnostic]
    diagnostics.extend(repeated_key_warnings(display, document.repeated))
    reader = FieldReader(display, document.lines, diagnostics)
    name = reader.text(document.data, "title") or reader.text(document.data, "name")
    if name is None:
        reader.warn(
            MISSING_TITLE,
            "title",
            f"profile has no 'title' (the person's name); using '{path.stem}'",
        )
        name = path.stem
    links = tuple(
        (key, text)
        for key in PROFILE_LINK_KEYS
        if (text := reader.text(document.data, key)) is not None
    )
    person = Person(
        id=path.stem,
        name=name,
        source=SourceRef(display, 1),
        picture=reader.text(document.data, "picture"),
        links=links,
        bio_markdown=reader.clean(
            document.body, SourceRef(display, document.body_line), "body"
        ).strip(),
    )
    return person, diagnostics


class People(Mapping[str, Person]):
    """The profiles of a people folder by id (the file's stem), each read and parsed when it is
    first asked for: a build reads only the profiles of the episodes it rebuilds.

    Listing the folder is all that construction does; a name that is no regular file (a
    directory, a pipe, a broken link) gets a warning then and is never opened. A profile that
    fails to load is reported in :meth:`diagnostics` and is not in the mapping (as if absent),
    so asking for the keys, the length or iterating loads every profile. The mapping is a
    cache: what it holds never changes once loaded.
    """

    def __init__(self, root: Path, folder: str | None, limits: Limits | None = None) -> None:
        self.root = root
        self.limits = limits or Limits()
        #: Every profile file by id, in name order (``_`` names and other names left out).
        self.files: dict[str, Path] = {}
        self._listing: dict[str, list[Diagnostic]] = {}
        self._loaded: dict[str, tuple[Person | None, list[Diagnostic]]] = {}
        if folder is None or not is_folder(root / folder):
            return
        with os.scandir(root / folder) as entries:  # as glob("*.md") lists: no hidden names
            names = sorted(e.name for e in entries if e.name.endswith(".md") and e.name[0] != ".")
        for name in names:
            path = root / folder / name
            if name.startswith("_"):
                continue
            shown = undecodable_name(name)
            if shown is not None:
                where = SourceRef(display_path(root, root / folder / shown), 1)
                message = "the profile's file name is not UTF-8; skipped"
                self._listing[shown] = [SKIPPED_FILE.warning(where, message)]
                continue
            kind = not_regular(path)
            if kind is not None:
                where = SourceRef(display_path(root, path), 1)
                warning = SKIPPED_FILE.warning(where, f"the profile is {kind}; skipped")
                self._listing[name] = [warning]
                continue
            self.files[path.stem] = path

    def _load(self, key: str) -> tuple[Person | None, list[Diagnostic]]:
        if key not in self._loaded:
            path = self.files.get(key)
            self._loaded[key] = (
                (None, []) if path is None else load_person(path, self.display(key), self.limits)
            )
        return self._loaded[key]

    def display(self, key: str) -> str:
        """The profile's path as messages show it."""
        return display_path(self.root, self.files[key])

    def __getitem__(self, key: str) -> Person:
        person = self._load(key)[0] if isinstance(key, str) else None
        if person is None:
            raise KeyError(key)
        return person

    def __iter__(self) -> Iterator[str]:
        return iter([key for key in self.files if self._load(key)[0] is not None])

    def __len__(self) -> int:
        return sum(self._load(key)[0] is not None for key in self.files)

    def profile_diagnostics(self, key: str) -> list[Diagnostic]:
        """The problems of loading one profile (loading it if it was not)."""
        return self._load(key)[1]

    def diagnostics(self) -> list[Diagnostic]:
        """Every profile's problems, in name order (loading them all), and the names skipped."""
        found: list[Diagnostic] = []
        paths = {path.name: key for key, path in self.files.items()}
        for name in sorted([*paths, *self._listing]):
            key = paths.get(name)
            found.extend(self._listing[name] if key is None else self.profile_diagnostics(key))
        return found

    def listing_diagnostics(self) -> list[Diagnostic]:
        """The warnings of listing the folder: names that are no regular file, skipped."""
        return [warning for name in sorted(self._listing) for warning in self._listing[name]]


def profile_url(kind: str, value: str) -> str:
    """A profile link as a URL: handles become profile pages, URLs stay as they are.

    >>> profile_url("linkedin", "anna-hannemann")
    'https://www.linkedin.com/in/anna-hannemann'
    >>> profile_url("twitter", "@Al_Grigor")
    'https://x.com/Al_Grigor'
    >>> profile_url("mastodon", "@ann@example.social")
    'https://example.social/@ann'
    >>> profile_url("web", "example.org/me")
    'https://example.org/me'
    """
    value = value.strip()
    if "://" in value:
        return value
    if kind == "mastodon":
        user, _, host = value.lstrip("@").partition("@")
        return f"https://{host}/@{quote(user)}" if host else f"https://{quote(user)}"
    if kind == "web":
        return "https://" + value
    return PROFILE_LINKS[kind].format(quote(value.lstrip("@"), safe="-_.~"))
