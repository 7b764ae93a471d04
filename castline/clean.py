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

The loader cleans every field it reads with the same rule (:func:`castline.text.clean_text`);
exporters clean what they are given again, for models built by other code. Each exporter cleans
what it reads before it renders, so each reports the same message for the
same field, and the build reports it once. Every exporter ends with :func:`utf8_text` on what it
writes, for what no field holds (a file name read from disk can hold a lone surrogate).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Callable
from typing import Any

from castline.diagnostics import Diagnostic
from castline.memo import per_object
from castline.model import Episode, Show, SourceRef
from castline.text import clean_text, is_clean

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


def clean_episode(episode: Episode, *, xml: bool) -> tuple[Episode, tuple[Diagnostic, ...]]:
    """``episode`` with every text field (transcript, chapters, guests... included) repaired
    by :func:`clean_text`, and the warnings; the same object when nothing needed repair.

    The show notes are reported at the episode file's first line (the model does not keep
    the line the body starts at). Remembered for the last episode (:func:`castline.memo.
    per_object`): the caption and text exporters clean the same episode in turn, and get the
    same repaired object, so the timing engine's own cache serves them all."""
    return (_clean_for_xml if xml else _clean_for_text)(episode)


def _clean_episode(episode: Episode, xml: bool) -> tuple[Episode, tuple[Diagnostic, ...]]:
    if _episode_is_clean(episode):
        return episode, ()
    found: list[Diagnostic] = []
    changes = _clean_fields(episode, lambda key: episode.where(key), found, xml)
    return (dataclasses.replace(episode, **changes) if changes else episode), tuple(found)


@per_object
def _clean_for_xml(episode: Episode) -> tuple[Episode, tuple[Diagnostic, ...]]:
    return _clean_episode(episode, xml=True)


@per_object
def _clean_for_text(episode: Episode) -> tuple[Episode, tuple[Diagnostic, ...]]:
    return _clean_episode(episode, xml=False)


def clean_show(show: Show, *, xml: bool) -> tuple[Show, tuple[Diagnostic, ...]]:
    """``show`` with every text field repaired by :func:`clean_text`, and the warnings."""
    if _show_is_clean(show):
        return show, ()
    found: list[Diagnostic] = []
    changes = _clean_fields(show, lambda key: show.where(key), found, xml)
    return (dataclasses.replace(show, **changes) if changes else show), tuple(found)


def _is_clean(value: Any) -> bool:
    """Whether no text that :func:`_clean_fields` repairs in ``value`` needs repair: then it
    finds nothing, in either mode, and the walk that finds each field's place is not needed.
    One search over every text, joined by line ends (which need no repair)."""
    texts: list[str] = []
    _gather_texts(value, texts)
    return is_clean("\n".join(texts))


#: :func:`_is_clean` of the last episode and of the last show, which both modes ask about
#: (:func:`castline.memo.per_object`; one for each, as exporters ask of both in turn).
_episode_is_clean = per_object(_is_clean)
_show_is_clean = per_object(_is_clean)


def _gather_texts(value: Any, texts: list[str]) -> None:
    """Add to ``texts`` every text :func:`_clean_value` would look at in ``value`` (at least)."""
    if isinstance(value, str):
        texts.append(value)
        return
    if isinstance(value, tuple):
        items: Any = value
    else:
        items = _content_fields(type(value))(value)
    for item in items:
        if isinstance(item, str):
            texts.append(item)
        elif item is not None and type(item) not in _NO_TEXT:
            _gather_texts(item, texts)


#: Types of field value that hold no text :func:`_clean_value` looks at (it looks into text,
#: tuples and dataclasses only): not walked into, a call spared per time and number.
_NO_TEXT = frozenset({int, float, bool, dt.date, dt.datetime, dt.timedelta})


#: For each class met: a function giving a tuple of the content fields of an instance.
_FIELD_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _content_fields(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the values of the fields :func:`_clean_fields` looks at, in a tuple;
    an empty one for a class that is no dataclass."""
    getter = _FIELD_GETTERS.get(cls)
    if getter is None:
        names = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []
        names = [name for name in names if name not in _SKIPPED]
        if len(names) > 1:
            getter = operator.attrgetter(*names)
        else:  # attrgetter gives a lone field's value, not a tuple of it
            getter = functools.partial(_values, names)
        _FIELD_GETTERS[cls] = getter
    return getter


def _values(names: list[str], value: Any) -> tuple[Any, ...]:
    """The values of the attributes ``names`` of ``value``."""
    return tuple(getattr(value, name) for name in names)


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
