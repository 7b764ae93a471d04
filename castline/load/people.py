"""People profiles (``people/<id>.md``): a front matter file per guest or host."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.load.fields import MISSING_TITLE, FieldReader
from castline.load.files import SKIPPED_FILE, is_folder, not_regular, read_bounded
from castline.load.frontmatter import decode, parse_document
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


def load_people(
    root: Path, folder: str | None, limits: Limits | None = None
) -> tuple[dict[str, Person], list[Diagnostic]]:
    """Every profile in ``root/folder`` by id (its file's stem); ``_`` files are skipped, and so
    is a name that is no regular file (a warning: a directory, a pipe, a broken link)."""
    people: dict[str, Person] = {}
    diagnostics: list[Diagnostic] = []
    if folder is None or not is_folder(root / folder):
        return people, diagnostics
    with os.scandir(root / folder) as entries:  # as glob("*.md") lists: no hidden names
        names = sorted(e.name for e in entries if e.name.endswith(".md") and e.name[0] != ".")
    for name in names:
        path = root / folder / name
        if name.startswith("_"):
            continue
        kind = not_regular(path)
        if kind is not None:
            where = SourceRef(display_path(root, path), 1)
            diagnostics.append(SKIPPED_FILE.warning(where, f"the profile is {kind}; skipped"))
            continue
        person, found = load_person(path, display_path(root, path), limits)
        diagnostics.extend(found)
        if person is not None:
            people[person.id] = person
    return people, diagnostics


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
