"""Text the exporters can write: what an episode or show.yaml holds that no output can, repaired
and reported at the field's line.

Two kinds of character are repaired:

* **Lone surrogates** (U+D800 to U+DFFF on their own, which YAML's ``"\\ud800"`` escapes
  give): they are not text, and UTF-8 cannot encode them (RFC 3629, section 3,
  https://www.rfc-editor.org/rfc/rfc3629#section-3). Every exporter replaces each with U+FFFD,
  the replacement character.
* **Characters XML 1.0 cannot hold** (controls other than tab and line ends, U+FFFE, U+FFFF;
  W3C XML 1.0, 2.2 Characters, https://www.w3.org/TR/xml/#charsets): removed for the feed
  (``xml=True``) by :func:`castline.text.xml_text`; the other formats can hold them.

Each exporter cleans what it reads before it renders, so each reports the same message for the
same field, and the build reports it once. Every exporter ends with :func:`utf8_text` on what it
writes, for what no field holds (a file name read from disk can hold a lone surrogate).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from castline.diagnostics import Diagnostic
from castline.model import Episode, Show, SourceRef
from castline.text import xml_text

_SURROGATE = re.compile("[\ud800-\udfff]")
#: Characters XML 1.0 cannot hold, lone surrogates aside.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ANY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: The file key of a model field (``Class.field``), where it is not the field's name.
_KEYS = {
    "Episode.number": "episode",
    "Episode.episode_type": "episodeType",
    "Episode.soundbites": "quotableClips",
    "Episode.notes_markdown": "the body (show notes)",
    "Show.owner_name": "owner.name",
    "Show.owner_email": "owner.email",
    "Show.show_type": "type",
    "Show.media_url": "media.url",
    "Show.media_dir": "media.folder",
    "Utterance.text": "line",
    "Utterance.speaker": "who",
    "Header.title": "header",
    "Person.name": "title",
}
#: Fields that are not content: places, the slug (names output files) and unmodelled keys.
_SKIPPED = frozenset({"source", "slug", "root", "extra", "key_lines", "exporter_options"})


def utf8_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it encodes as UTF-8.

    >>> utf8_text("a\\ud800b")
    'a\\ufffdb'
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def clean_text(
    text: str, where: SourceRef, what: str, diagnostics: list[Diagnostic], *, xml: bool
) -> str:
    """``text`` repaired (module docstring), with a warning at ``where`` for each kind of
    character repaired; ``what`` names the field (``'title'``).

    >>> found: list[Diagnostic] = []
    >>> clean_text("a\\x07b\\ud800", SourceRef("e.md", 2), "'title'", found, xml=True)
    'ab\\ufffd'
    >>> [str(d) for d in found]  # doctest: +NORMALIZE_WHITESPACE
    ["e.md:2: warning: 'title' holds the lone surrogate U+D800, which is not text; replaced
      with U+FFFD", "e.md:2: warning: 'title' holds U+0007, which XML cannot hold; removed"]
    """
    if not _ANY.search(text):
        return text
    surrogates = _SURROGATE.findall(text)
    if surrogates:
        one = len(set(surrogates)) == 1
        noun, verb = ("the lone surrogate", "is") if one else ("the lone surrogates", "are")
        diagnostics.append(
            Diagnostic.warning(
                where,
                f"{what} holds {noun} {_code_points(surrogates)}, which {verb} not text; "
                "replaced with U+FFFD",
            )
        )
        text = utf8_text(text)
    forbidden = _NOT_XML.findall(text) if xml else []
    if forbidden:
        diagnostics.append(
            Diagnostic.warning(
                where, f"{what} holds {_code_points(forbidden)}, which XML cannot hold; removed"
            )
        )
        text = xml_text(text)
    return text


def clean_episode(episode: Episode, *, xml: bool) -> tuple[Episode, tuple[Diagnostic, ...]]:
    """``episode`` with every text field (transcript, chapters, guests... included) repaired
    by :func:`clean_text`, and the warnings; the same object when nothing needed repair.

    The show notes are reported at the episode file's first line (the model does not keep
    the line the body starts at)."""
    found: list[Diagnostic] = []
    changes = _clean_fields(episode, lambda key: episode.where(key), found, xml)
    return (dataclasses.replace(episode, **changes) if changes else episode), tuple(found)


def clean_show(show: Show, *, xml: bool) -> tuple[Show, tuple[Diagnostic, ...]]:
    """``show`` with every text field repaired by :func:`clean_text`, and the warnings."""
    found: list[Diagnostic] = []
    changes = _clean_fields(show, lambda key: show.where(key), found, xml)
    return (dataclasses.replace(show, **changes) if changes else show), tuple(found)


def _clean_fields(
    value: Any, where: Callable[[str], SourceRef], found: list[Diagnostic], xml: bool
) -> dict[str, Any]:
    """The repaired values of the fields of dataclass ``value`` that need repair; ``where``
    gives the place of a field from its file key."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        if field.name in _SKIPPED:
            continue
        old = getattr(value, field.name)
        key = _KEYS.get(f"{type(value).__name__}.{field.name}", field.name)
        what = key if " " in key else f"'{key}'"
        new = _clean_value(old, where(key), what, found, xml)
        if new is not old:
            changes[field.name] = new
    return changes


def _clean_value(
    value: Any, where: SourceRef, what: str, found: list[Diagnostic], xml: bool
) -> Any:
    """``value`` (text, a tuple, or a model object in a list) repaired; itself if unchanged."""
    if isinstance(value, str):
        cleaned = clean_text(value, where, what, found, xml=xml)
        return value if cleaned == value else cleaned
    if isinstance(value, tuple):
        items = tuple(_clean_value(item, where, what, found, xml) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = getattr(value, "source", None)
        place = own if isinstance(own, SourceRef) else where
        changes = _clean_fields(value, lambda _key: place, found, xml)
        return dataclasses.replace(value, **changes) if changes else value
    return value


def _code_points(characters: list[str], shown: int = 3) -> str:
    """The distinct characters as ``U+0007``, in order, the first ``shown`` of them.

    >>> _code_points(["\\x07", "\\x01", "\\x07"]), _code_points(list("\\x01\\x02\\x03\\x04\\x05"))
    ('U+0007 and U+0001', 'U+0001, U+0002, U+0003 and 2 more')
    """
    distinct = [f"U+{ord(c):04X}" for c in dict.fromkeys(characters)]
    if len(distinct) > shown:
        distinct = [*distinct[:shown], f"{len(distinct) - shown} more"]
    if len(distinct) == 1:
        return distinct[0]
    return ", ".join(distinct[:-1]) + " and " + distinct[-1]
