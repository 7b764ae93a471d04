"""The directories' rules: Apple's categories, languages, artwork and files; podcast: rules."""

from __future__ import annotations

import uuid

import pytest

from castline.feed.rules import (
    CATEGORIES,
    DESCRIPTION_MAX_BYTES,
    MEDIUMS,
    OBSOLETE_CATEGORIES,
    PODCAST_TEXT_MAX,
    artwork_size_problem,
    base_url_problem,
    category_problem,
    is_artwork_file,
    is_https,
    language_problem,
    non_ascii_name,
    podcast_guid,
)
from castline.model import Category


def test_apple_lists_19_categories_and_110_names() -> None:
    assert len(CATEGORIES) == 19
    assert len(CATEGORIES) + sum(map(len, CATEGORIES.values())) == 110
    assert all(category_problem(Category(name)) is None for name in CATEGORIES)
    for name, subs in CATEGORIES.items():
        assert all(category_problem(Category(name, sub)) is None for sub in subs)


@pytest.mark.parametrize(
    ("category", "problem"),
    [
        (
            Category("Games & Hobbies"),
            "'Games & Hobbies' is an obsolete Apple Podcasts category (did you mean 'Leisure'?)",
        ),
        (
            Category("Technology", "Tech News"),
            "'Tech News' is not a subcategory of 'Technology' (did you mean 'News > Tech News'?)",
        ),
        (
            Category("technology"),
            "unknown Apple Podcasts category 'technology' (did you mean 'Technology'?)",
        ),
        (
            Category("Documentary"),
            "unknown Apple Podcasts category 'Documentary' (did you mean "
            "'Society & Culture > Documentary'?)",
        ),
        (
            Category("Technology", "Gadgets"),
            "'Gadgets' is not a subcategory of 'Technology' ('Technology' has none)",
        ),
        (
            Category("Comedy", "Sketches"),
            "'Sketches' is not a subcategory of 'Comedy' (it has: Comedy Interviews, Improv, "
            "Stand-Up)",
        ),
        (
            Category("Radio"),
            "unknown Apple Podcasts category 'Radio' (see "
            "https://podcasters.apple.com/support/1691-apple-podcasts-categories)",
        ),
    ],
)
def test_category_problems_name_the_right_spelling(category: Category, problem: str) -> None:
    assert category_problem(category) == problem


def test_obsolete_categories_point_to_current_ones() -> None:
    for replacement in OBSOLETE_CATEGORIES.values():
        name, _, sub = replacement.partition(" > ")
        assert category_problem(Category(name, sub or None)) is None


@pytest.mark.parametrize("code", ["en", "en-us", "pt-BR", "zh-Hant", "es-419"])
def test_iso_639_codes_with_subtags_pass(code: str) -> None:
    assert language_problem(code) is None


@pytest.mark.parametrize("code", ["english", "xx", "en_US", "e", "en-"])
def test_other_language_values_fail(code: str) -> None:
    assert language_problem(code) == (
        f"'{code}' is not an ISO 639 language code such as 'en' or 'en-us'"
    )


def test_artwork_size_range_and_shape() -> None:
    assert artwork_size_problem((1400, 1400)) is None
    assert artwork_size_problem((3000, 3000)) is None
    assert artwork_size_problem((3001, 3001)) == (
        "is 3001x3001 pixels; Apple Podcasts needs 1400x1400 to 3000x3000"
    )
    assert artwork_size_problem((1600, 1400)) == (
        "is 1600x1400 pixels; Apple Podcasts needs a square image"
    )


def test_artwork_and_file_names() -> None:
    assert is_artwork_file("https://a.example/Cover.JPEG?v=1")
    assert not is_artwork_file("https://a.example/cover.gif")
    assert non_ascii_name("https://a.example/cov%C3%A9r.png") == "covér.png"
    assert non_ascii_name("https://a.example/%C3%A9/cover.png") is None  # only the name counts


def test_podcast_guid_is_uuid5_of_the_feed_url_without_scheme() -> None:
    guid = podcast_guid("https://feeds.example.net/tidewater/feed.xml")
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    assert guid == str(uuid.uuid5(namespace, "feeds.example.net/tidewater/feed.xml"))
    assert uuid.UUID(guid).version == 5
    assert podcast_guid("http://feeds.example.net/tidewater/feed.xml//") == guid


def test_base_url_problems() -> None:
    assert base_url_problem("http://example.org/") is None  # podcast: tags are checked apart
    assert base_url_problem(None) == (
        "missing 'base_url': the feed's URLs must be absolute, the feed is not written"
    )
    assert base_url_problem("ftp://example.org/") == (
        "'base_url' ftp://example.org/ is not an absolute https:// URL; the feed is not written"
    )


def test_https_only_in_podcast_tags() -> None:
    assert is_https("https://example.org/")
    assert not is_https("http://example.org/")
    assert not is_https("example.org")


def test_limits_and_mediums() -> None:
    assert (DESCRIPTION_MAX_BYTES, PODCAST_TEXT_MAX) == (4000, 128)
    assert MEDIUMS[:4] == ("podcast", "podcastL", "music", "musicL")
    assert len(MEDIUMS) == 19 and MEDIUMS[-1] == "mixed"
