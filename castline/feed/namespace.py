"""The Podcasting 2.0 namespace's lists and value rules for the static tags a show kept in Git
fills: ``podcast:txt``, ``license``, ``location``, ``trailer``, ``image``, ``updateFrequency``,
``podroll``/``remoteItem``, ``block``, ``publisher``, ``socialInteract``, ``alternateEnclosure``,
``person`` (role and group), and the raw tags of ``feed_tags``.

Pure data and pure checks, as :mod:`castline.feed.rules`: each check returns ``None`` when the
value is acceptable, else the reason as a sentence fragment for a diagnostic.

Sources (https://github.com/Podcastindex-org/podcast-namespace, CC0): ``docs/1.0.md`` (every
attribute required unless marked optional; https URLs), ``docs/tags/<tag>.md`` for each tag,
``serviceslugs.txt`` (``podcast:block`` ids), ``socialprotocols.txt``, ``taxonomy.json``
(``podcast:person`` roles and groups, case-insensitive) and ``docs/examples/license/licenses.json``.
Value forms: RFC 5870 (``geo:`` URIs), ISO 3166-1 alpha-2 (countries), RFC 6838 (media types),
RFC 5545 section 3.3.10 (recurrence rules, read with python-dateutil), BCP 47 (language tags).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType

from dateutil import rrule as _rrule

from castline.feed.ext import (
    CONTENT_NS,
    ITUNES_NS,
    PODCAST_NS,
    PSC_NS,
    RAW_PREFIXES,
    parse_raw_tags,
)
from castline.text import did_you_mean

#: ``podcast:block`` ids: the namespace's service slug list (serviceslugs.txt).
SERVICE_SLUGS = tuple(
    """acast amazon anchor apple audible audioboom backtracks bitcoin blubrry buzzsprout captivate
    castos castopod facebook fireside fyyd google gpodder hypercatcher kasts libsyn mastodon
    megafono megaphone omnystudio overcast paypal pinecast podbean podcastaddict podcastguru
    podcastindex podcasts podchaser podcloud podfriend podiant podigee podnews podomatic podserve
    podverse redcircle relay resonaterecordings rss shoutengine simplecast slack soundcloud spotify
    spreaker tiktok transistor twitter whooshkaa youtube zencast""".split()
)
#: ``podcast:socialInteract`` protocols (socialprotocols.txt).
SOCIAL_PROTOCOLS = tuple("disabled activitypub twitter lightning atproto hive matrix nostr".split())
#: ``podcast:license`` identifiers of the namespace's license list (licenses.json).
LICENSES = ("ARR", "CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-4.0", "POD-V4V-1.0")
#: ``podcast:location`` ``rel`` values.
LOCATION_RELS = ("subject", "creator")
#: ``podcast:integrity`` types.
INTEGRITY_TYPES = ("sri", "pgp-signature")
#: The Podcast Taxonomy's groups and their roles (taxonomy.json), as the namespace spells them.
TAXONOMY: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Creative Direction": (
            "Director",
            "Assistant Director",
            "Executive Producer",
            "Senior Producer",
            "Producer",
            "Associate Producer",
            "Development Producer",
            "Creative Director",
        ),
        "Cast": (
            "Host",
            "Co-Host",
            "Guest Host",
            "Guest",
            "Voice Actor",
            "Narrator",
            "Announcer",
            "Reporter",
        ),
        "Writing": (
            "Author",
            "Editorial Director",
            "Co-Writer",
            "Writer",
            "Songwriter",
            "Guest Writer",
            "Story Editor",
            "Managing Editor",
            "Script Editor",
            "Script Coordinator",
            "Researcher",
            "Editor",
            "Fact Checker",
            "Translator",
            "Transcriber",
            "Logger",
        ),
        "Audio Production": (
            "Studio Coordinator",
            "Technical Director",
            "Technical Manager",
            "Audio Engineer",
            "Remote Recording Engineer",
            "Post Production Engineer",
        ),
        "Audio Post-Production": (
            "Audio Editor",
            "Sound Designer",
            "Foley Artist",
            "Composer",
            "Theme Music",
            "Music Production",
            "Music Contributor",
        ),
        "Administration": (
            "Production Coordinator",
            "Booking Coordinator",
            "Production Assistant",
            "Content Manager",
            "Marketing Manager",
            "Sales Representative",
            "Sales Manager",
        ),
        "Visuals": ("Graphic Designer", "Cover Art Designer"),
        "Community": ("Social Media Manager",),
        "Misc.": ("Consultant", "Intern"),
        "Video Production": (
            "Camera Operator",
            "Lighting Designer",
            "Camera Grip",
            "Assistant Camera",
        ),
        "Video Post-Production": ("Editor", "Assistant Editor"),
    }
)

#: The single-count tags castline writes itself (channel or item), as ``{namespace}name``: a
#: ``feed_tags`` entry may not add a second one (docs/tags/<tag>.md "Count: Single"; Apple's
#: tags are single too).
WRITTEN_ONCE = frozenset(
    [
        *(
            f"{{{PODCAST_NS}}}{name}"
            for name in "guid locked medium license updateFrequency podroll publisher season "
            "episode chapters".split()
        ),
        *(
            f"{{{ITUNES_NS}}}{name}"
            for name in "author owner type image explicit title block complete new-feed-url "
            "duration episode season episodeType".split()
        ),
        f"{{{CONTENT_NS}}}encoded",
        f"{{{PSC_NS}}}chapters",
    ]
)

#: Length limits of the namespace: display texts (cut), and texts that are left out when longer.
TXT_MAX = 4000
PURPOSE_MAX = 128
SHORT_TEXT_MAX = 32

_GEO = re.compile(
    r"^geo:(-?[0-9]+(?:\.[0-9]+)?),(-?[0-9]+(?:\.[0-9]+)?)(?:,-?[0-9]+(?:\.[0-9]+)?)?"
    r"(?:;[A-Za-z0-9-]+=[A-Za-z0-9\-_.!~*'()%:\[\]&+$]+)*$"
)
_OSM = re.compile(r"^[NWR][0-9]+(?:#[0-9]+)?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_MEDIA_TYPE = re.compile(
    r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;\s*[^;]+)*$", re.IGNORECASE
)
_RATIO = re.compile(r"^[0-9]+(?:\.[0-9]+)?\s*/\s*[0-9]+(?:\.[0-9]+)?$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def geo_problem(geo: str) -> str | None:
    """Why ``geo`` is not an RFC 5870 ``geo:`` URI of a place on Earth, or ``None``.

    >>> geo_problem("geo:57.7089,11.9746") is None
    True
    >>> geo_problem("57.7089,11.9746")
    "'57.7089,11.9746' is not a geo URI such as 'geo:30.2672,-97.7431' (RFC 5870)"
    >>> geo_problem("geo:97.1,11.9")
    "'geo:97.1,11.9' has a latitude outside -90 to 90"
    """
    match = _GEO.match(geo)
    if match is None:
        return f"'{geo}' is not a geo URI such as 'geo:30.2672,-97.7431' (RFC 5870)"
    if not -90 <= float(match.group(1)) <= 90:
        return f"'{geo}' has a latitude outside -90 to 90"
    if not -180 <= float(match.group(2)) <= 180:
        return f"'{geo}' has a longitude outside -180 to 180"
    return None


def osm_problem(osm: str) -> str | None:
    """Why ``osm`` is not an OpenStreetMap id (``N``, ``W`` or ``R`` and a number), or ``None``.

    >>> osm_problem("R935611") is None
    True
    >>> osm_problem("relation/935611")
    "'relation/935611' is not an OpenStreetMap id such as 'R113314' (N, W or R and a number)"
    """
    if _OSM.match(osm):
        return None
    return f"'{osm}' is not an OpenStreetMap id such as 'R113314' (N, W or R and a number)"


def country_problem(country: str) -> str | None:
    """Why ``country`` is not an ISO 3166-1 alpha-2 code (two capital letters), or ``None``.

    >>> country_problem("SE") is None, country_problem("Sweden")
    (True, "'Sweden' is not an ISO 3166-1 alpha-2 country code such as 'SE'")
    """
    if _COUNTRY.match(country):
        return None
    return f"'{country}' is not an ISO 3166-1 alpha-2 country code such as 'SE'"


def media_type_problem(media_type: str) -> str | None:
    """Why ``media_type`` is not a media type (RFC 6838, ``type/subtype``), or ``None``.

    >>> media_type_problem("audio/mpeg") is None, media_type_problem("mp3")
    (True, "'mp3' is not a media type such as 'audio/mpeg'")
    """
    if _MEDIA_TYPE.match(media_type):
        return None
    return f"'{media_type}' is not a media type such as 'audio/mpeg'"


def ratio_problem(ratio: str) -> str | None:
    """Why ``ratio`` is not a CSS aspect ratio (``16/9``), or ``None``.

    >>> ratio_problem("16/9") is None, ratio_problem("wide")
    (True, "'wide' is not an aspect ratio such as '16/9'")
    """
    if _RATIO.match(ratio):
        return None
    return f"'{ratio}' is not an aspect ratio such as '16/9'"


def language_tag_problem(tag: str) -> str | None:
    """Why ``tag`` is not a BCP 47 language tag (``en``, ``pt-BR``), or ``None``.

    >>> language_tag_problem("en-GB") is None, language_tag_problem("English")
    (True, "'English' is not a BCP 47 language tag such as 'en' or 'pt-BR'")
    """
    if _LANGUAGE_TAG.match(tag):
        return None
    return f"'{tag}' is not a BCP 47 language tag such as 'en' or 'pt-BR'"


def uri_problem(uri: str) -> str | None:
    """Why ``uri`` is not an absolute URI (a scheme and a path), or ``None``.

    >>> uri_problem("ipfs://Qm123") is None, uri_problem("file name.mp3")
    (True, "'file name.mp3' is not an absolute URI such as 'https://example.com/a.mp3'")
    """
    if _SCHEME.match(uri):
        return None
    return f"'{uri}' is not an absolute URI such as 'https://example.com/a.mp3'"


def feed_guid_problem(guid: str) -> str | None:
    """Why ``guid`` is not a ``podcast:guid`` (a UUID), or ``None``.

    >>> feed_guid_problem("917393e3-1b1e-5cef-ace4-edaa54e1f810") is None
    True
    >>> feed_guid_problem("pc20")
    "'pc20' is not a UUID (a podcast:guid)"
    """
    try:
        uuid.UUID(guid)
    except ValueError:
        return f"'{guid}' is not a UUID (a podcast:guid)"
    return None


def rrule_problem(rule: str, dtstart: str | None) -> str | None:
    """Why ``rule`` is not an RFC 5545 recurrence rule (``FREQ=WEEKLY;BYDAY=MO``), or ``None``;
    a rule with ``COUNT`` needs ``dtstart`` (docs/tags/update-frequency.md).

    >>> rrule_problem("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", None) is None
    True
    >>> rrule_problem("FREQ=SOMETIMES", None)
    "'FREQ=SOMETIMES' is not an RFC 5545 recurrence rule such as 'FREQ=WEEKLY;BYDAY=MO'"
    >>> rrule_problem("FREQ=WEEKLY;COUNT=10", None)
    "'FREQ=WEEKLY;COUNT=10' has a COUNT, so it needs a 'dtstart'"
    """
    text = rule.strip()
    if text.upper().startswith(("RRULE:", "DTSTART")) or "\n" in text:
        return f"'{rule}' is not an RFC 5545 recurrence rule such as 'FREQ=WEEKLY;BYDAY=MO'"
    try:
        _rrule.rrulestr(text, cache=False)
    except (ValueError, TypeError, KeyError, OverflowError):
        return f"'{rule}' is not an RFC 5545 recurrence rule such as 'FREQ=WEEKLY;BYDAY=MO'"
    if "COUNT=" in text.upper() and dtstart is None:
        return f"'{rule}' has a COUNT, so it needs a 'dtstart'"
    return None


def known_license(name: str) -> str | None:
    """The namespace's spelling of license ``name`` if it is on its list, else ``None``.

    >>> known_license("cc-by-4.0"), known_license("my-license")
    ('CC-BY-4.0', None)
    """
    for known in LICENSES:
        if known.casefold() == name.casefold():
            return known
    return None


def choice_problem(value: str, known: tuple[str, ...], what: str) -> str | None:
    """Why ``value`` is not one of ``known`` (the namespace's list named ``what``), or ``None``.

    >>> choice_problem("spotify", SERVICE_SLUGS, "service") is None
    True
    >>> choice_problem("spotfy", SERVICE_SLUGS, "service")
    "'spotfy' is not a service of the namespace's list (did you mean 'spotify'?)"
    """
    if value in known:
        return None
    hint = did_you_mean(value, known)
    if not hint:
        hint = f" (one of {', '.join(known)})" if len(known) <= 10 else ""
    return f"'{value}' is not a {what} of the namespace's list{hint}"


def person_role(role: str | None, group: str | None) -> tuple[str, str | None] | str:
    """The ``(role, group)`` of a ``podcast:person`` in the taxonomy's spelling, lower-cased as
    the namespace's examples write them, or why they are not in it.

    Matching is case-insensitive. Without a group the role's own group is taken when the role
    is in one group only (else the namespace's default, ``cast``); the group is ``None`` when
    it is ``cast`` (the default, left out of the tag).

    >>> person_role("Cover Art Designer", None)
    ('cover art designer', 'visuals')
    >>> person_role("host", "Cast")
    ('host', None)
    >>> person_role("Editor", None)
    "role 'Editor' is in more than one group (Writing, Video Post-Production): give its 'group'"
    >>> person_role("Guest", "Visuals")
    "role 'Guest' is not in group 'Visuals' (its roles: Graphic Designer, Cover Art Designer)"
    """
    role_name = (role or "host").casefold()
    groups = {name.casefold(): name for name in TAXONOMY}
    if group is None:
        holders = [g for g, roles in TAXONOMY.items() if role_name in _folded(roles)]
        if not holders:
            return _unknown_role(role or "host")
        if len(holders) > 1:
            return (
                f"role '{role}' is in more than one group ({', '.join(holders)}): give its 'group'"
            )
        group_name = holders[0]
    elif group.casefold() in groups:
        group_name = groups[group.casefold()]
    else:
        return f"group '{group}' is not a group of the podcast taxonomy" + did_you_mean(
            group, tuple(TAXONOMY)
        )
    if role_name not in _folded(TAXONOMY[group_name]):
        roles = ", ".join(TAXONOMY[group_name])
        return f"role '{role}' is not in group '{group_name}' (its roles: {roles})"
    written = group_name.casefold()
    return role_name, None if written == "cast" else written


def _folded(names: tuple[str, ...]) -> set[str]:
    return {name.casefold() for name in names}


def _unknown_role(role: str) -> str:
    every = tuple(name for roles in TAXONOMY.values() for name in roles)
    return f"role '{role}' is not a role of the podcast taxonomy" + did_you_mean(role, every)


__all__ = ["RAW_PREFIXES", "parse_raw_tags"]
