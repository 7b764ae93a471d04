"""The static tags as the loader reads them: model values, repairs, and the place of each."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from castline.load import load_content
from castline.model import (
    AlternateEnclosure,
    Block,
    Image,
    License,
    Location,
    MediaSource,
    RemoteItem,
    SourceRef,
    Trailer,
    Txt,
    UpdateFrequency,
)
from tests.conftest import DATA

TAGS = DATA / "feed" / "tags"


def test_show_tags_keep_their_places_and_repairs() -> None:
    loaded = load_content(TAGS)
    assert [str(d) for d in loaded.diagnostics] == []
    tags = loaded.show.tags
    path = str(TAGS / "show.yaml")
    assert tags.txt == (
        Txt("05124", "applepodcastsverify", SourceRef(path, 19)),
        Txt("S6lpp-7ZCn8-dZfGc-OoyaG", None, SourceRef(path, 21)),
    )
    # The namespace's spelling of a listed license; a country code upper-cased.
    assert tags.license == License("CC-BY-4.0", None, SourceRef(path, 22))
    assert tags.locations[0] == Location(
        "Stromness", SourceRef(path, 24), "creator", "geo:58.9636,-3.2964", "R3459001", "GB"
    )
    assert tags.locations[1] == Location("Cape Wrath", SourceRef(path, 29))
    assert tags.images[1] == Image(
        "https://cdn.example.net/lighthouse/wide.jpg",
        SourceRef(path, 38),
        aspect_ratio="16/9",
        width=1920,
        purpose="social banner",
    )
    london = zoneinfo.ZoneInfo("Europe/London")
    assert tags.trailers[0] == Trailer(
        "Coming soon to a headland near you",
        "trailers/teaser.mp3",
        dt.datetime(2026, 1, 5, 8, 0, tzinfo=london),
        SourceRef(path, 60),
        123456,
        "audio/mpeg",
    )
    assert tags.update_frequency == UpdateFrequency(
        "Every other Monday, ten episodes",
        SourceRef(path, 70),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=10",
        None,
        "2026-01-05T00:00:00+00:00",
    )
    assert tags.blocks == (
        Block(None, False, SourceRef(path, 81)),
        Block("spotify", True, SourceRef(path, 82)),
    )
    assert tags.publisher == RemoteItem(
        "003af0a0-6a45-55cf-b765-68e3d349551a",
        SourceRef(path, 83),
        feed_url="https://example.net/publisher.xml",
        medium="publisher",
    )
    assert (tags.itunes_title, tags.itunes_block, tags.itunes_complete) == (
        "Lighthouse Logs (Apple)",
        False,
        True,
    )
    assert [(c.person.name, c.role, c.group) for c in tags.credits] == [
        ("Ben Lamp", "cover art designer", "visuals"),
        ("Cal Fog", "audio editor", "audio post-production"),
    ]
    assert [raw.source.line for raw in tags.raw] == [87, 88]


def test_episode_tags() -> None:
    loaded = load_content(TAGS)
    (episode,) = [e for e in loaded.episodes if e.slug == "the-log"]
    tags = episode.tags
    path = episode.source.path
    assert (tags.season_name, tags.episode_display) == ("Northern Lights", "Ch. 12")
    assert tags.alternate_enclosures[1] == AlternateEnclosure(
        "video/mp4",
        (MediaSource("https://media.example.net/lighthouse/the-log-1080.mp4"),),
        SourceRef(path, 57),
        length=10562995,
        bitrate=681483.55,
        height=1080,
        rel="video",
        default=False,
    )
    assert tags.alternate_enclosures[0].sources[2] == MediaSource(
        "https://media.example.net/lighthouse/the-log.torrent", "application/x-bittorrent"
    )
    (plain,) = [e for e in loaded.episodes if e.slug == "plain"]
    assert plain.tags == type(plain.tags)()
