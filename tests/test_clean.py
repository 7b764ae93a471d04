"""Text the exporters can write: lone surrogates and what XML forbids, repaired and reported."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import given

from castline.clean import clean_episode, clean_show
from castline.diagnostics import Diagnostic
from castline.load import load_content
from castline.model import Chapter, Episode, Header, Person, Show, SourceRef, Utterance
from castline.text import clean_text, is_clean, utf8_text
from tests.conftest import CONTENT
from tests.exporters.hostile import HOSTILE_TEXT, hostile_episodes

HERE = SourceRef("e.md", 3)


def messages(found: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[str]:
    return [str(d) for d in found]


def test_clean_text_is_returned_as_it_is() -> None:
    found: list[Diagnostic] = []
    text = "Tabs\tand\nline ends, é and 🌊"
    assert clean_text(text, HERE, "'title'", found, xml=True) is text
    assert found == []


def test_what_xml_cannot_hold_is_removed_for_the_feed_only() -> None:
    found: list[Diagnostic] = []
    assert clean_text("a\x00b\ufffe\x01\x02\x03", HERE, "'title'", found, xml=True) == "ab"
    assert messages(found) == [
        "e.md:3: warning: 'title' holds U+0000, U+FFFE, U+0001 and 2 more, which XML cannot "
        "hold; removed"
    ]
    assert clean_text("a\x00b", HERE, "'title'", found, xml=False) == "a\x00b"
    assert len(found) == 1


def test_lone_surrogates_become_the_replacement_character() -> None:
    found: list[Diagnostic] = []
    assert (
        clean_text("\ud800a\udc00\ud800", HERE, "'line'", found, xml=False) == "\ufffda\ufffd\ufffd"
    )
    assert messages(found) == [
        "e.md:3: warning: 'line' holds the lone surrogates U+D800 and U+DC00, which are not "
        "text; replaced with U+FFFD"
    ]
    assert utf8_text("a\udfffb") == "a\ufffdb"


def test_every_text_field_of_an_episode_is_repaired_at_its_line() -> None:
    episode = Episode(
        slug="e\udc80",
        source=SourceRef("e.md", 1),
        title="Clean",
        episode_type="full\x07",
        guests=(Person("g", "Gu\x01est", SourceRef("people/g.md", 1)),),
        chapters=(Chapter(0, "Ch\x02", SourceRef("e.md", 20)),),
        transcript=(
            Header("He\x03ad", SourceRef("e.md", 30)),
            Utterance("Li\x04ne", "Wh\x05o", 0, SourceRef("e.md", 31)),
            Utterance("Fine.", None, None, SourceRef("e.md", 33)),
        ),
        notes_markdown="No\x06tes",
        key_lines={"episodeType": 4},
    )
    cleaned, found = clean_episode(episode, xml=True)
    assert messages(found) == [
        "e.md:4: warning: 'episodeType' holds U+0007, which XML cannot hold; removed",
        "people/g.md:1: warning: 'title' holds U+0001, which XML cannot hold; removed",
        "e.md:20: warning: 'title' holds U+0002, which XML cannot hold; removed",
        "e.md:30: warning: 'header' holds U+0003, which XML cannot hold; removed",
        "e.md:31: warning: 'line' holds U+0004, which XML cannot hold; removed",
        "e.md:31: warning: 'who' holds U+0005, which XML cannot hold; removed",
        "e.md:1: warning: the body (show notes) holds U+0006, which XML cannot hold; removed",
    ]
    assert cleaned.slug == "e\udc80"  # names the output files: the build's to judge
    assert (cleaned.episode_type, cleaned.guests[0].name, cleaned.chapters[0].title) == (
        "full",
        "Guest",
        "Ch",
    )
    assert [getattr(item, "text", None) for item in cleaned.transcript] == [None, "Line", "Fine."]
    assert cleaned.transcript[2] is episode.transcript[2]
    assert cleaned.notes_markdown == "Notes"
    assert clean_episode(cleaned, xml=True) == (cleaned, ())
    assert clean_episode(cleaned, xml=True)[0] is cleaned


def test_show_fields_are_repaired_at_their_keys() -> None:
    show = Show(
        SourceRef("show.yaml", 1),
        ".",
        title="Show",
        owner_name="Ann\ud800",
        key_lines={"owner.name": 7},
    )
    cleaned, found = clean_show(show, xml=False)
    assert cleaned.owner_name == "Ann\ufffd"
    assert messages(found) == [
        "show.yaml:7: warning: 'owner.name' holds the lone surrogate U+D800, which is not text; "
        "replaced with U+FFFD"
    ]


#: Fields that hold no content (places, the slug, unmodelled keys): not cleaned.
_NOT_CONTENT = frozenset({"source", "slug", "root", "extra", "key_lines", "exporter_options"})
#: What :func:`castline.text.clean_text` repairs, as a pattern (it searches the UTF-8 bytes).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
Steps = tuple[str | int, ...]  # field names and tuple indices, from the episode or show down


def text_paths(value: object, path: Steps = ()) -> Iterator[Steps]:
    """The path of each text of a model object, its content fields' and their items' own."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from text_paths(item, (*path, index))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in _NOT_CONTENT:
                yield from text_paths(getattr(value, field.name), (*path, field.name))


def with_text(value: Any, path: Steps, text: str) -> Any:
    """``value`` with the text at ``path`` replaced."""
    if not path:
        return text
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        return (*value[:step], with_text(value[step], rest, text), *value[step + 1 :])
    return dataclasses.replace(value, **{step: with_text(getattr(value, step), rest, text)})


def test_a_character_to_repair_in_any_one_field_is_found() -> None:
    content = load_content(CONTENT)
    for subject in (*content.episodes, content.show):
        kinds = {tuple(s for s in path if isinstance(s, str)): path for path in text_paths(subject)}
        assert len(kinds) > 10  # the demo fills many kinds of field
        for path in kinds.values():
            for bad in ("\x07", "\ud800", "\uffff"):
                assert len(reported(with_text(subject, path, f"a{bad}b"))) == 1, (path, bad)


def reported(subject: Episode | Show) -> tuple[Diagnostic, ...]:
    """What cleaning ``subject`` for the feed reports."""
    if isinstance(subject, Show):
        return clean_show(subject, xml=True)[1]
    return clean_episode(subject, xml=True)[1]


@given(hostile_episodes())
def test_nothing_is_reported_exactly_when_every_text_is_clean(episode: Episode) -> None:
    texts = [text for path in text_paths(episode) for text in [_get(episode, path)]]
    cleaned, found = clean_episode(episode, xml=True)
    assert (found == ()) == all(_NOT_XML.search(text) is None for text in texts)
    assert (cleaned is episode) == (found == ())
    assert all(is_clean(_get(cleaned, path)) for path in text_paths(cleaned))
    _, found = clean_episode(episode, xml=False)
    assert (found == ()) == all(re.search("[\ud800-\udfff]", text) is None for text in texts)


def _get(value: Any, path: Steps) -> Any:
    """The value at ``path``."""
    for step in path:
        value = value[step] if isinstance(step, int) else getattr(value, step)
    return value


@given(HOSTILE_TEXT)
def test_is_clean_is_finding_nothing_to_repair(text: str) -> None:
    assert is_clean(text) == (_NOT_XML.search(text) is None)
