"""The static Podcasting 2.0 and iTunes tags: each by XPath and read back by podcast-partytime,
feedsmith or the namespace XSD; each rule of the namespace with its exact message."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from castline.build import BuildOptions, build
from tests.conftest import DATA, ContentTree, fake_distribution
from tests.exporters.clients import read_feed
from tests.exporters.test_rss import ALL, NS, PODCAST_XSD, Built, build_feed, texts

TAGS = DATA / "feed" / "tags"
CHANNEL = "/rss/channel/"
ITEM = "//item[guid='the-log']/"


@pytest.fixture(scope="module")
def tags() -> Built:
    built = build_feed(TAGS, (*ALL, "site"))
    assert built.messages == []
    return built


@pytest.fixture(scope="module")
def clients(tags: Built) -> dict[str, Any]:
    assert tags.feed is not None
    return read_feed(tags.feed)


def attributes(built: Built, path: str) -> list[dict[str, str]]:
    return [dict(element.attrib) for element in built.xpath(path)]


def feedsmith(clients: dict[str, Any], item: bool = False) -> dict[str, Any]:
    feed: dict[str, Any] = clients["feedsmith"]
    found: dict[str, Any] = feed["items"][0] if item else feed
    return found


# --- channel ---------------------------------------------------------------------------------


def test_txt(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:txt") == [{"purpose": "applepodcastsverify"}, {}]
    assert texts(tags, CHANNEL + "podcast:txt/text()") == ["05124", "S6lpp-7ZCn8-dZfGc-OoyaG"]
    assert feedsmith(clients)["podcast"]["txts"] == [
        {"display": "05124", "purpose": "applepodcastsverify"},
        {"display": "S6lpp-7ZCn8-dZfGc-OoyaG"},
    ]
    assert [t.get("purpose") for t in clients["partytime"]["podcastTxt"]] == [
        "applepodcastsverify",
        None,
    ]
    assert texts(tags, ITEM + "podcast:txt[@purpose='ai-content']/text()") == ["true"]
    assert feedsmith(clients, item=True)["podcast"]["txts"] == [
        {"display": "true", "purpose": "ai-content"}
    ]


def test_license(tags: Built, clients: dict[str, Any]) -> None:
    # A slug of the namespace's list is written in its spelling, without a URL.
    assert texts(tags, CHANNEL + "podcast:license/text()") == ["CC-BY-4.0"]
    assert attributes(tags, CHANNEL + "podcast:license") == [{}]
    assert clients["partytime"]["license"]["identifier"] == "CC-BY-4.0"
    assert attributes(tags, ITEM + "podcast:license") == [
        {"url": "https://example.net/lighthouse-license.html"}
    ]
    assert clients["partytime"]["items"][0]["license"] == {
        "identifier": "lighthouse-v1",
        "url": "https://example.net/lighthouse-license.html",
    }


def test_location(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:location") == [
        {"rel": "creator", "geo": "geo:58.9636,-3.2964", "osm": "R3459001", "country": "GB"},
        {},
    ]
    assert feedsmith(clients)["podcast"]["locations"] == [
        {
            "display": "Stromness",
            "rel": "creator",
            "geo": "geo:58.9636,-3.2964",
            "osm": "R3459001",
            "country": "GB",
        },
        {"display": "Cape Wrath"},
    ]
    assert clients["partytime"]["items"][0]["podcastLocation"] == {
        "name": "Cape Wrath Lighthouse",
        "osm": "W123456",
        "geo": "geo:58.6253,-5.0003",
    }


def test_trailer(tags: Built, clients: dict[str, Any]) -> None:
    # A relative URL is joined to base_url; pubdate is RFC 2822 in the show's time zone.
    assert attributes(tags, CHANNEL + "podcast:trailer") == [
        {
            "url": "https://feeds.example.net/lighthouse/trailers/teaser.mp3",
            "pubdate": "Mon, 05 Jan 2026 08:00:00 +0000",
            "length": "123456",
            "type": "audio/mpeg",
        },
        {
            "url": "https://media.example.net/lighthouse/season2.mp4",
            "pubdate": "Mon, 01 Jun 2026 00:00:00 +0100",
            "type": "video/mp4",
            "season": "2",
        },
    ]
    trailers = clients["partytime"]["trailers"]
    assert [(t["title"], t["pubdate"], t.get("season")) for t in trailers] == [
        ("Coming soon to a headland near you", "2026-01-05T08:00:00.000Z", None),
        ("Season 2", "2026-05-31T23:00:00.000Z", 2),
    ]


def test_image(tags: Built, clients: dict[str, Any]) -> None:
    assert feedsmith(clients)["podcast"]["images"] == [
        {
            "href": "https://cdn.example.net/lighthouse/art/square.png",
            "alt": "A lighthouse at dusk",
            "aspectRatio": "1/1",
            "width": 3000,
            "height": 3000,
            "type": "image/png",
            "purpose": "artwork",
        },
        # Purpose tokens are written once spaced.
        {
            "href": "https://cdn.example.net/lighthouse/wide.jpg",
            "aspectRatio": "16/9",
            "width": 1920,
            "purpose": "social banner",
        },
    ]
    assert texts(tags, CHANNEL + "podcast:image/@aspect-ratio") == ["1/1", "16/9"]
    assert feedsmith(clients, item=True)["podcast"]["images"] == [
        {
            "href": "https://cdn.example.net/lighthouse/the-log-16x9.jpg",
            "aspectRatio": "16/9",
            "width": 1280,
            "height": 720,
            "purpose": "poster",
        }
    ]


def test_update_frequency(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:updateFrequency") == [
        {
            "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=10",
            "dtstart": "2026-01-05T00:00:00+00:00",
        }
    ]
    assert feedsmith(clients)["podcast"]["updateFrequency"] == {
        "display": "Every other Monday, ten episodes",
        "dtstart": "2026-01-05T00:00:00+00:00",
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=10",
    }


def test_podroll(tags: Built, clients: dict[str, Any]) -> None:
    expected = [
        {
            "feedGuid": "917393e3-1b1e-5cef-ace4-edaa54e1f810",
            "feedUrl": "https://feeds.podcastindex.org/pc20.xml",
            "title": "Podcasting 2.0",
        },
        {"feedGuid": "29cdca4a-32d8-56ba-b48b-09a011c5daa9", "medium": "music"},
    ]
    assert attributes(tags, CHANNEL + "podcast:podroll/podcast:remoteItem") == expected
    assert clients["partytime"]["podroll"] == expected
    assert feedsmith(clients)["podcast"]["podroll"] == {"remoteItems": expected}


def test_block(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:block") == [{}, {"id": "spotify"}]
    assert texts(tags, CHANNEL + "podcast:block/text()") == ["no", "yes"]
    assert clients["partytime"]["podcastBlocked"] == "no"
    assert feedsmith(clients)["podcast"]["blocks"] == [
        {"value": False},
        {"value": True, "id": "spotify"},
    ]


def test_publisher(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:publisher/podcast:remoteItem") == [
        {
            "feedGuid": "003af0a0-6a45-55cf-b765-68e3d349551a",
            "feedUrl": "https://example.net/publisher.xml",
            "medium": "publisher",
        }
    ]
    assert clients["partytime"]["podcastPublisher"] == {
        "feedGuid": "003af0a0-6a45-55cf-b765-68e3d349551a",
        "feedUrl": "https://example.net/publisher.xml",
    }


def test_social_interact(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:socialInteract") == [
        {
            "protocol": "activitypub",
            "uri": "https://mastodon.example.net/@lighthouse/1",
            "accountId": "@lighthouse",
            "accountUrl": "https://mastodon.example.net/@lighthouse",
            "priority": "1",
        }
    ]
    # "disabled" alone: no comments wanted.
    assert attributes(tags, ITEM + "podcast:socialInteract") == [{"protocol": "disabled"}]
    assert feedsmith(clients, item=True)["podcast"]["socialInteracts"] == [{"protocol": "disabled"}]


def test_itunes_tags(tags: Built, clients: dict[str, Any]) -> None:
    assert texts(tags, CHANNEL + "itunes:title/text()") == ["Lighthouse Logs (Apple)"]
    assert texts(tags, CHANNEL + "itunes:complete/text()") == ["Yes"]
    assert tags.xpath(CHANNEL + "itunes:block") == []  # block: false writes nothing
    assert texts(tags, CHANNEL + "itunes:new-feed-url/text()") == [
        "https://feeds.example.net/lighthouse/feed.xml"
    ]
    party = clients["partytime"]
    assert (party["itunesComplete"], party["itunesBlock"]) == (True, False)
    assert party["itunesNewFeedUrl"] == "https://feeds.example.net/lighthouse/feed.xml"
    assert feedsmith(clients)["itunes"]["title"] == "Lighthouse Logs (Apple)"
    assert texts(tags, ITEM + "itunes:title/text()") == ["The Keeper's Log"]
    assert texts(tags, ITEM + "itunes:block/text()") == ["Yes"]
    item = feedsmith(clients, item=True)["itunes"]
    assert (item["title"], item["block"]) == ("The Keeper's Log", True)


def test_raw_tags(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:podping") == [{"usesPodping": "true"}]
    beacon = tags.xpath(CHANNEL + "*[local-name()='beacon']")
    assert [(etree.QName(b).namespace, b.text) for b in beacon] == [
        ("https://example.net/ns/lighthouse", "Cape Wrath")
    ]
    assert feedsmith(clients)["podcast"]["podping"] == {"usesPodping": True}
    assert feedsmith(clients, item=True)["podcast"]["chat"] == {
        "server": "irc.example.net",
        "protocol": "irc",
        "accountId": "@ada",
        "space": "#lighthouse",
    }


# --- item --------------------------------------------------------------------------------------


def test_season_name_and_episode_display(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, ITEM + "podcast:season") == [{"name": "Northern Lights"}]
    assert attributes(tags, ITEM + "podcast:episode") == [{"display": "Ch. 12"}]
    item = clients["partytime"]["items"][0]
    assert item["podcastSeason"] == {"number": 3, "name": "Northern Lights"}
    assert item["podcastEpisode"] == {"number": 12, "display": "Ch. 12"}


def test_alternate_enclosure(tags: Built, clients: dict[str, Any]) -> None:
    alternates = feedsmith(clients, item=True)["podcast"]["alternateEnclosures"]
    assert alternates == [
        {
            "type": "audio/opus",
            "length": 3200000,
            "bitrate": 96000,
            "lang": "en-GB",
            "title": "Opus",
            "codecs": "opus",
            "sources": [
                {"uri": "https://media.example.net/lighthouse/the-log.opus"},
                {"uri": "ipfs://QmX33FYehk6ckGQ6g1D9D3FqZPix5JpKstKQKbaS8quUFb"},
                {
                    "uri": "https://media.example.net/lighthouse/the-log.torrent",
                    "contentType": "application/x-bittorrent",
                },
            ],
            "integrity": {
                "type": "sri",
                "value": "sha384-ExVqijgYHm15PqQqdXfW95x+Rs6C+d6E/ICxyQOeFevnxNLR/wtJNrNYTjIysUBo",
            },
        },
        {
            "type": "video/mp4",
            "length": 10562995,
            "bitrate": 681483.55,
            "height": 1080,
            "rel": "video",
            "default": False,
            "sources": [{"uri": "https://media.example.net/lighthouse/the-log-1080.mp4"}],
        },
    ]
    party = clients["partytime"]["items"][0]["alternativeEnclosures"]
    assert [(a["type"], len(a["source"])) for a in party] == [("audio/opus", 3), ("video/mp4", 1)]
    assert len(tags.xpath(ITEM + "podcast:alternateEnclosure/podcast:source")) == 4


def test_persons_with_taxonomy_roles(tags: Built, clients: dict[str, Any]) -> None:
    assert attributes(tags, CHANNEL + "podcast:person") == [
        {"role": "host", "href": "https://ada.example.net/"},
        {
            "role": "cover art designer",
            "group": "visuals",
            "img": "https://cdn.example.net/lighthouse/images/people/benlamp.jpg",
        },
        {"role": "audio editor", "group": "audio post-production"},
    ]
    # Item persons replace the channel's: the hosts and credits again, the guest, its credits.
    people = clients["partytime"]["items"][0]["podcastPeople"]
    assert [(p["name"], p["role"], p["group"]) for p in people] == [
        ("Ada Keeper", "Host", "Cast"),
        ("Ben Lamp", "Cover Art Designer", "Visuals"),
        ("Cal Fog", "Audio Editor", "Audio Post-Production"),
        ("Dora Storm", "Guest", "Cast"),
        ("Eli Wave", "Translator", "Writing"),
    ]
    # An episode with no guests or credits of its own lists no persons: the channel's apply.
    assert tags.xpath("//item[guid='plain']/podcast:person") == []


def test_item_links_to_its_page(tags: Built, clients: dict[str, Any]) -> None:
    assert texts(tags, "//item/link/text()") == [
        "https://feeds.example.net/lighthouse/episodes/the-log/",
        "https://feeds.example.net/lighthouse/episodes/plain/",
    ]
    assert clients["partytime"]["items"][0]["link"] == (
        "https://feeds.example.net/lighthouse/episodes/the-log/"
    )


def test_without_a_page_exporter_items_have_no_link() -> None:
    built = build_feed(TAGS, ALL)
    assert built.xpath("//item/link") == []


PAGE_MODULE = """
from castline.exporter import EpisodeExport, ShowExport

class PageExporter:
    name = "pages"
    media_type = "text/html"
    suffix = ".html"
    feed_link = "page"

    def export_episode(self, context, episode):
        return EpisodeExport()

    def export_show(self, context, records):
        return ShowExport()
"""


def test_a_third_party_page_exporter_is_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = fake_distribution(
        tmp_path / "site", "castline_pages", PAGE_MODULE, {"pages": "castline_pages:PageExporter"}
    )
    monkeypatch.syspath_prepend(str(site))
    report = build(TAGS, tmp_path / "out", BuildOptions(only=("rss", "pages"), jobs=1))
    assert report.errors == []
    feed: Any = etree.parse(str(tmp_path / "out" / "feed.xml"))
    assert feed.xpath("//item/link/text()") == [
        "https://feeds.example.net/lighthouse/episodes/the-log.html",
        "https://feeds.example.net/lighthouse/episodes/plain.html",
    ]


def test_tags_the_schema_knows_are_valid(tags: Built) -> None:
    """The namespace's 2021 XSD knows person (with group), season (with name) and episode
    (with display); the other tags are newer than it and read back by the clients above."""
    if not PODCAST_XSD.is_file():
        pytest.skip("../shared/schemas/podcast-namespace is absent")
    schema = etree.XMLSchema(etree.parse(str(PODCAST_XSD)))
    wrapper = etree.Element(f"{{{NS['podcast']}}}test-wrapper")
    for name in ("person", "season", "episode"):
        for element in tags.xpath(f"//podcast:{name}"):
            wrapper.append(etree.fromstring(etree.tostring(element)))
    assert len(wrapper) == 10
    assert schema.validate(wrapper), schema.error_log


# --- the namespace's rules -----------------------------------------------------------------------

BASE = """title: Check Show
description: A show for one check.
language: en
base_url: https://feeds.example.net/check/
image: https://cdn.example.net/art/cover.png
categories:
  - Technology
explicit: false
owner:
  name: Ann Example
  email: ann@example.net
"""
EPISODE = """---
title: One
description: An episode.
dateadded: 2026-01-05
audio:
  url: https://media.example.net/check/one.mp3
  length: 1000
  type: audio/mpeg
"""


def check(content_tree: ContentTree, show: str = "", episode: str = "", **files: str) -> list[str]:
    root = content_tree(
        {"show.yaml": BASE + show, "episodes/one.md": EPISODE + episode + "---\n", **files}
    )
    return build_feed(root, ("rss",)).messages


SHOW_RULES = [
    (
        "txt:\n  - text: abc\n    purpose: " + "p" * 129 + "\n",
        "show.yaml:14: error: 'txt' entry 1: 'purpose' is 129 characters, more than the 128 the "
        "namespace allows; left out",
    ),
    (
        "txt: " + "t" * 4001 + "\n",
        "show.yaml:12: error: 'txt': 'text' is 4001 characters, more than the 4000 the namespace "
        "allows; left out",
    ),
    ("txt:\n  purpose: verify\n", "show.yaml:12: error: 'txt': missing 'text'; left out"),
    (
        "license: my-license\n",
        "show.yaml:12: error: 'license': 'my-license' is not on the namespace's license list "
        "(ARR, CC-BY-4.0, CC-BY-NC-4.0, CC-BY-NC-ND-4.0, POD-V4V-1.0), so it needs a 'url' to "
        "the license's text; left out",
    ),
    (
        "license:\n  name: mine\n  url: http://example.net/l\n",
        "show.yaml:14: error: 'license': 'url' http://example.net/l is not https, which the "
        "podcast namespace requires; left out",
    ),
    (
        "location:\n  name: X\n  geo: 57.7,11.9\n",
        "show.yaml:14: error: 'location': 'geo' '57.7,11.9' is not a geo URI such as "
        "'geo:30.2672,-97.7431' (RFC 5870); left out",
    ),
    (
        "location:\n  name: X\n  geo: geo:91,11.9\n",
        "show.yaml:14: error: 'location': 'geo' 'geo:91,11.9' has a latitude outside -90 to 90; "
        "left out",
    ),
    (
        "location:\n  name: X\n  osm: relation/1\n",
        "show.yaml:14: error: 'location': 'osm' 'relation/1' is not an OpenStreetMap id such as "
        "'R113314' (N, W or R and a number); left out",
    ),
    (
        "location:\n  name: X\n  country: Sweden\n",
        "show.yaml:14: error: 'location': 'country' 'SWEDEN' is not an ISO 3166-1 alpha-2 "
        "country code such as 'SE'; left out",
    ),
    (
        "location:\n  name: X\n  rel: author\n",
        "show.yaml:14: error: 'location': 'rel' 'author' is not a location rel of the "
        "namespace's list (one of subject, creator); left out",
    ),
    ("location:\n  geo: geo:1,2\n", "show.yaml:12: error: 'location': missing 'name'; left out"),
    (
        "location: " + "L" * 130 + "\n",
        "show.yaml:12: warning: 'location': 'name' is 130 characters; cut to the namespace's 128",
    ),
    (
        "location:\n  name: X\n  nmae: Y\n",
        "show.yaml:14: warning: 'location': unknown field 'nmae' (did you mean 'name'?); ignored",
    ),
    (
        "trailers:\n  - title: T\n    date: 2026-01-01\n",
        "show.yaml:13: error: 'trailers' entry 1: missing 'url'; left out",
    ),
    (
        "trailers:\n  - title: T\n    url: https://x.example/t.mp3\n",
        "show.yaml:13: error: 'trailers' entry 1: missing 'date' (its pubdate); left out",
    ),
    (
        "trailers:\n  - title: T\n    url: https://x.example/t.mp3\n    date: soon\n",
        "show.yaml:15: error: 'trailers' entry 1: 'date' 'soon' is not a date (YYYY-MM-DD[ "
        "HH:MM]); left out",
    ),
    (
        "trailers:\n  - title: T\n    url: https://x.example/t.mp3\n    date: 2026-01-01\n"
        "    type: mp3\n",
        "show.yaml:16: error: 'trailers' entry 1: 'type' 'mp3' is not a media type such as "
        "'audio/mpeg'; left out",
    ),
    (
        "trailers:\n  - title: T\n    url: https://x.example/t.mp3\n    date: 2026-01-01\n"
        "    season: 0\n",
        "show.yaml:16: error: 'trailers' entry 1: 'season' must be a whole number above 0, not "
        "0; left out",
    ),
    (
        "images:\n  - href: https://x.example/a.png\n    aspect_ratio: wide\n",
        "show.yaml:14: error: 'images' entry 1: 'aspect_ratio' 'wide' is not an aspect ratio "
        "such as '16/9'; left out",
    ),
    (
        "images:\n  - alt: nothing\n",
        "show.yaml:13: error: 'images' entry 1: missing 'href'; left out",
    ),
    (
        "images: http://x.example/a.png\n",
        "show.yaml:12: error: 'images': 'href' http://x.example/a.png is not https, which the "
        "podcast namespace requires; left out",
    ),
    (
        "update_frequency:\n  text: Weekly\n  rrule: FREQ=SOMETIMES\n",
        "show.yaml:14: error: 'update_frequency': 'rrule' 'FREQ=SOMETIMES' is not an RFC 5545 "
        "recurrence rule such as 'FREQ=WEEKLY;BYDAY=MO'; left out",
    ),
    (
        "update_frequency:\n  text: Ten weeks\n  rrule: FREQ=WEEKLY;COUNT=10\n",
        "show.yaml:14: error: 'update_frequency': 'rrule' 'FREQ=WEEKLY;COUNT=10' has a COUNT, "
        "so it needs a 'dtstart'; left out",
    ),
    (
        "podroll:\n  - guid: pc20\n",
        "show.yaml:13: error: 'podroll' entry 1: 'guid' 'pc20' is not a UUID (a podcast:guid); "
        "left out",
    ),
    (
        "podroll:\n  - url: https://x.example/feed.xml\n",
        "show.yaml:13: error: 'podroll' entry 1: missing 'guid' (the feed's podcast:guid)",
    ),
    (
        "podroll:\n  - guid: 917393e3-1b1e-5cef-ace4-edaa54e1f810\n    medium: radio\n",
        "show.yaml:14: error: 'podroll' entry 1: 'medium' 'radio' is not a medium of the "
        "namespace's list; left out",
    ),
    (
        "block:\n  - spotfy\n",
        "show.yaml:12: error: 'block': 'spotfy' is not a service of the namespace's list (did "
        "you mean 'spotify'?); left out",
    ),
    (
        "block:\n  apple: maybe\n",
        "show.yaml:13: error: 'block': 'apple' must be true or false, not 'maybe'; left out",
    ),
    (
        "block: 3\n",
        "show.yaml:12: error: 'block' must be true, false, a list of services or a mapping of "
        "services to true or false; left out",
    ),
    (
        "publisher:\n  guid: 003af0a0-6a45-55cf-b765-68e3d349551a\n  medium: podcast\n",
        "show.yaml:14: warning: 'publisher': a publisher's medium is always 'publisher'",
    ),
    (
        "social_interact:\n  - protocol: myspace\n    uri: https://x.example/1\n",
        "show.yaml:13: error: 'social_interact' entry 1: 'protocol' 'myspace' is not a social "
        "protocol of the namespace's list (one of disabled, activitypub, twitter, lightning, "
        "atproto, hive, matrix, nostr); left out",
    ),
    (
        "social_interact:\n  - protocol: activitypub\n",
        "show.yaml:13: error: 'social_interact' entry 1: missing 'uri' (the root post); left out",
    ),
    (
        "credits:\n  - name: Cal\n    role: Editor\n",
        "show.yaml:14: error: 'credits' entry 1: role 'Editor' is in more than one group "
        "(Writing, Video Post-Production): give its 'group'",
    ),
    (
        "credits:\n  - name: Cal\n    role: Guest\n    group: Visuals\n",
        "show.yaml:14: error: 'credits' entry 1: role 'Guest' is not in group 'Visuals' (its "
        "roles: Graphic Designer, Cover Art Designer)",
    ),
    (
        "credits:\n  - name: Cal\n    role: Producer\n    group: Crew\n",
        "show.yaml:15: error: 'credits' entry 1: group 'Crew' is not a group of the podcast "
        "taxonomy",
    ),
    (
        "credits:\n  - name: Cal\n    role: Dancer\n",
        "show.yaml:14: error: 'credits' entry 1: role 'Dancer' is not a role of the podcast "
        "taxonomy",
    ),
    (
        "credits:\n  - person: nobody\n    role: Host\n",
        "show.yaml:13: error: 'credits' entry 1: no profile 'nobody'; left out",
    ),
    (
        "credits:\n  - name: Cal\n",
        "show.yaml:13: error: 'credits' entry 1: missing 'role' (one of the podcast taxonomy)",
    ),
    (
        "itunes:\n  new_feed_url: feeds.example.net/new.xml\n",
        "show.yaml:13: error: 'itunes': 'new_feed_url' 'feeds.example.net/new.xml' is not an "
        "absolute URI such as 'https://example.com/a.mp3'; left out",
    ),
    (
        "itunes:\n  complete: yes please\n",
        "show.yaml:13: error: 'itunes': 'complete' must be true or false, not 'yes please'; "
        "left out",
    ),
    (
        "feed_tags:\n  - '<podcast:podping usesPodping=\"true\">'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: not well-formed XML: <podping> is not "
        "closed; left out",
    ),
    (
        "feed_tags:\n  - '<title>Another title</title>'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: <title> is in no namespace (the RSS elements "
        "are castline's to write): give it a prefix; left out",
    ),
    (
        "feed_tags:\n  - '<x:tag>1</x:tag>'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: not well-formed XML: Namespace prefix x on "
        "tag is not defined (line 1, column 7); left out",
    ),
    (
        "feed_tags:\n  - '<podcast:a/> trailing'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: has text outside an element: give only "
        "elements; left out",
    ),
    (
        "feed_tags:\n  - '<!DOCTYPE x [<!ENTITY e \"boom\">]><podcast:a>&e;</podcast:a>'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: not well-formed XML: StartTag: invalid "
        "element name (line 1, column 2); left out",
    ),
    (
        "feed_tags:\n  - '<?php echo 1 ?><podcast:a/>'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: holds a processing instruction, which a feed "
        "tag must not; left out",
    ),
    (
        "feed_tags:\n  - '<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: <podcast:guid> is a tag castline writes "
        "itself, and the namespace allows it once: give it by its own key; left out",
    ),
    (
        'feed_tags:\n  - \'<i:explicit xmlns:i="http://www.itunes.com/dtds/podcast-1.0.dtd">yes'
        "</i:explicit>'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: <i:explicit> is a tag castline writes "
        "itself, and the namespace allows it once: give it by its own key; left out",
    ),
    (
        "feed_tags:\n  - '<!-- only a comment -->'\n",
        "show.yaml:13: error: 'feed_tags' entry 1: holds no element; left out",
    ),
    (
        "feed_tags:\n  - [1, 2]\n",
        "show.yaml:13: error: 'feed_tags' entry 1 must be a mapping or an XML text, not a list; "
        "left out",
    ),
]


@pytest.mark.parametrize(("show", "expected"), SHOW_RULES)
def test_show_rule(content_tree: ContentTree, show: str, expected: str) -> None:
    assert check(content_tree, show) == [expected]


EPISODE_RULES = [
    (
        "season: 2\nseason_name: " + "S" * 130 + "\n",
        "episodes/one.md:10: warning: 'season_name' is 130 characters; cut to the namespace's 128",
    ),
    (
        "episode: 2\nepisode_display: " + "D" * 33 + "\n",
        "episodes/one.md:10: warning: 'episode_display' is 33 characters; cut to the "
        "namespace's 32",
    ),
    (
        "season_name: Winter\n",
        "episodes/one.md:9: warning: 'season_name' names the 'season' number, which is missing; "
        "ignored",
    ),
    (
        "alternate_enclosures:\n  - length: 10\n    sources: https://x.example/a.opus\n",
        "episodes/one.md:10: error: 'alternate_enclosures' entry 1: missing 'type' (a media "
        "type); left out",
    ),
    (
        "alternate_enclosures:\n  - type: audio/opus\n",
        "episodes/one.md:10: error: 'alternate_enclosures' entry 1: missing 'sources' (at least "
        "one URI); left out",
    ),
    (
        "alternate_enclosures:\n  - type: audio/opus\n    sources: http://x.example/a.opus\n",
        "episodes/one.md:11: error: 'alternate_enclosures' entry 1: a source "
        "'http://x.example/a.opus' is not https, which the podcast namespace requires; left out",
    ),
    (
        "alternate_enclosures:\n  - type: audio/opus\n    sources: a.opus\n",
        "episodes/one.md:11: error: 'alternate_enclosures' entry 1: a source 'a.opus' is not an "
        "absolute URI such as 'https://example.com/a.mp3'; left out",
    ),
    (
        "alternate_enclosures:\n  - type: audio/opus\n    sources: https://x.example/a.opus\n"
        "    lang: English\n",
        "episodes/one.md:12: error: 'alternate_enclosures' entry 1: 'lang' 'English' is not a "
        "BCP 47 language tag such as 'en' or 'pt-BR'; left out",
    ),
    (
        "alternate_enclosures:\n  - type: audio/opus\n    sources: https://x.example/a.opus\n"
        "    bitrate: fast\n",
        "episodes/one.md:12: error: 'alternate_enclosures' entry 1: 'bitrate' must be a number "
        "above 0, not 'fast'; left out",
    ),
    (
        "alternate_enclosures:\n  - type: audio/opus\n    sources: https://x.example/a.opus\n"
        "    integrity: md5\n",
        "episodes/one.md:12: error: 'alternate_enclosures' entry 1: 'integrity' must be {type: "
        "sri or pgp-signature, value: ...}; left out",
    ),
    (
        "itunes:\n  complete: true\n",
        "episodes/one.md:10: warning: 'itunes': unknown field 'complete'; ignored",
    ),
]


@pytest.mark.parametrize(("episode", "expected"), EPISODE_RULES)
def test_episode_rule(content_tree: ContentTree, episode: str, expected: str) -> None:
    assert check(content_tree, episode=episode) == [expected]


def test_a_relative_url_on_an_http_base_is_left_out(content_tree: ContentTree) -> None:
    show = "assets_url: http://cdn.example.net/\nimages: art/a.png\n"
    assert check(content_tree, show) == [
        "show.yaml:12: error: 'assets_url' http://cdn.example.net/ is not https, which podcast: "
        "tags need; podcast:person img is left out",
        "show.yaml:13: error: podcast:image URL 'http://cdn.example.net/art/a.png' is not https, "
        "which the namespace needs; left out",
    ]


def test_a_tag_left_out_leaves_the_others(content_tree: ContentTree) -> None:
    show = "txt:\n  - ok\n  - text: bad\n    purpose: " + "p" * 200 + "\n  - fine\n"
    root = content_tree({"show.yaml": BASE + show, "episodes/one.md": EPISODE + "---\n"})
    built = build_feed(root, ("rss",))
    assert len(built.messages) == 1
    assert texts(built, CHANNEL + "podcast:txt/text()") == ["ok", "fine"]


# --- untrusted input: any text in any tag field ---------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


@given(
    st.fixed_dictionaries(
        {
            "txt": st.lists(st.fixed_dictionaries({"text": ANY_TEXT, "purpose": ANY_TEXT})),
            "location": st.fixed_dictionaries(
                {"name": ANY_TEXT, "geo": ANY_TEXT, "osm": ANY_TEXT, "country": ANY_TEXT}
            ),
            "season_name": ANY_TEXT,
            "episode_display": ANY_TEXT,
            "itunes": st.fixed_dictionaries({"title": ANY_TEXT}),
            "credits": st.lists(st.fixed_dictionaries({"name": ANY_TEXT, "role": ANY_TEXT})),
            "feed_tags": st.lists(
                ANY_TEXT | st.just("<podcast:x>") | st.just("<a:b xmlns:a='u'/>")
            ),
            "alternate_enclosures": st.lists(
                st.fixed_dictionaries({"type": ANY_TEXT, "sources": st.lists(ANY_TEXT)})
            ),
        }
    )
)
def test_any_text_in_the_tags_gives_a_feed_that_parses(fields: dict[str, Any]) -> None:
    front = yaml.safe_dump({"season": 1, "episode": 1, **fields}, allow_unicode=True)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "episodes").mkdir()
        (root / "show.yaml").write_text(BASE, encoding="utf-8")
        text = EPISODE + front + "---\n"
        (root / "episodes" / "one.md").write_text(text, encoding="utf-8")
        built = build_feed(root, ("rss",))
    assert built.feed is not None
    assert len(built.xpath("//item")) == 1
    assert all(d.code for d in built.diagnostics)
