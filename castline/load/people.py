"""People profiles (``people/<id>.md``): a front matter file per guest or host."""

from __future__ import annotations

from pathlib import Path

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.load.fields import FieldReader
from castline.load.frontmatter import decode, parse_document
from castline.model import Person, SourceRef
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


def load_person(path: Path, display: str) -> tuple[Person | None, list[Diagnostic]]:
    """Read one people profile: ``title`` is the name; ``picture`` and link keys are kept.

    Returns ``None`` (and the error) when the file cannot be parsed.
    """
    diagnostics: list[Diagnostic] = []
    try:
        document = parse_document(decode(path.read_bytes(), display), display)
    except ContentError as error:
        return None, [error.diagnostic]
    reader = FieldReader(display, document.lines, diagnostics)
    name = reader.text(document.data, "title") or reader.text(document.data, "name")
    if name is None:
        reader.warn("title", f"profile has no 'title' (the person's name); using '{path.stem}'")
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
        bio_markdown=document.body.strip(),
    )
    return person, diagnostics


def load_people(root: Path, folder: str | None) -> tuple[dict[str, Person], list[Diagnostic]]:
    """Every profile in ``root/folder`` by id (its file's stem); ``_`` files are skipped."""
    people: dict[str, Person] = {}
    diagnostics: list[Diagnostic] = []
    if folder is None:
        return people, diagnostics
    for path in sorted((root / folder).glob("*.md")):
        if path.name.startswith("_"):
            continue
        person, found = load_person(path, display_path(root, path))
        diagnostics.extend(found)
        if person is not None:
            people[person.id] = person
    return people, diagnostics
