"""The core model: what castline reads from a content folder.

Every type here is a frozen, slotted dataclass. Times are integer milliseconds; collections are
tuples; every object parsed from a file keeps the :class:`SourceRef` it came from, so any later
stage (timing engine, exporter checks) can report ``path:line: message``.

Fields say which RSS element they feed (``RSS:``) where they feed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from castline.source import SourceRef as SourceRef


@dataclass(frozen=True, slots=True)
class Header:
    """A transcript ``{header: ...}`` item: the title of the section that follows."""

    title: str
    source: SourceRef
    #: The header's own ``sec``/``time`` stamp, if the file gives one.
    start_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Utterance:
    """A transcript ``{line: ...}`` item: one spoken paragraph, as written.

    ``start_ms`` is the paragraph's start stamp (``sec`` preferred over ``time``) or ``None``
    when the file gives none (a continuation line). Stamps are whole seconds in real files and
    can run backwards (typos); the timing engine in :mod:`castline.timing` repairs them.
    """

    text: str
    speaker: str | None
    start_ms: int | None
    source: SourceRef


TranscriptItem = Header | Utterance


@dataclass(frozen=True, slots=True)
class Person:
    """A people profile (``people/<id>.md``), or a bare id that matched no profile.

    RSS: ``podcast:person`` (name, ``img`` from ``picture``, ``href`` from ``web``/``linkedin``...).
    """

    id: str
    name: str
    source: SourceRef | None = None
    picture: str | None = None
    #: Profile links as (kind, value) pairs in file order: linkedin, twitter, github, web...
    links: tuple[tuple[str, str], ...] = ()
    bio_markdown: str = ""

    @property
    def has_profile(self) -> bool:
        """False when the id matched no profile file."""
        return self.source is not None


@dataclass(frozen=True, slots=True)
class Enclosure:
    """The episode's media file. RSS: ``enclosure`` (``url``, ``length``, ``type``)."""

    url: str
    length_bytes: int
    media_type: str
    #: What the local copy in show.yaml's media folder really is, when there is one that
    #: castline could read (:func:`castline.feed.media.probe_media`).
    media: MediaInfo | None = None


@dataclass(frozen=True, slots=True)
class ArtworkInfo:
    """A local artwork file as its header describes it (Pillow), not as its name says."""

    #: The file as messages name it (``content/images/cover.png``).
    path: str
    #: ``JPEG``, ``PNG``, ``GIF``... as Pillow names it; ``""`` when it could not be read.
    format: str = ""
    #: Pillow's mode: ``RGB``, ``RGBA``, ``P``, ``L``, ``CMYK``...
    mode: str = ""
    width: int = 0
    height: int = 0
    size_bytes: int = 0
    #: Why it could not be read (``None``: it was); ``missing`` is true when there is no file.
    problem: str | None = None
    missing: bool = False


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """A local media file as its headers describe it (mutagen), not as its name says."""

    #: The file as messages name it (``content/media/0001-pilot.mp3``).
    path: str
    #: The container: a key of :data:`castline.feed.media.KINDS` (``mp3``, ``mp4``, ...).
    container: str
    #: The codec (``MPEG-1 Layer 3``, ``mp4a.40.2``).
    codec: str
    duration_ms: int
    #: Bits per second; 0 when the file does not say.
    bitrate: int
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter. RSS: ``psc:chapter``, ``podcast:chapters`` JSON entries."""

    start_ms: int
    title: str
    source: SourceRef
    url: str | None = None
    image: str | None = None


@dataclass(frozen=True, slots=True)
class Soundbite:
    """A ``quotableClips`` entry. RSS: ``podcast:soundbite``."""

    start_ms: int
    duration_ms: int
    title: str
    source: SourceRef
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode file: front matter metadata, show notes and transcript.

    ``slug`` is the file name without its extension; it names every output
    (``out/episodes/<slug>.srt`` ...).
    """

    slug: str
    source: SourceRef
    #: RSS: ``title``.
    title: str
    short: str | None = None
    #: RSS: ``itunes:season``, ``podcast:season``.
    season: int | None = None
    #: RSS: ``itunes:episode``, ``podcast:episode``.
    number: int | None = None
    #: RSS: ``itunes:episodeType`` (``full``, ``trailer``, ``bonus``).
    episode_type: str | None = None
    guests: tuple[Person, ...] = ()
    #: RSS: ``itunes:image`` of the item (as written: relative to the show's base URL or absolute).
    image: str | None = None
    #: What the local file of ``image`` is, when it is one of the content folder.
    image_file: ArtworkInfo | None = None
    links: tuple[tuple[str, str], ...] = ()
    ids: tuple[tuple[str, str], ...] = ()
    #: RSS: ``description`` (plain text).
    description: str | None = None
    #: An HTML introduction; RSS: ``description`` when ``description`` is absent.
    intro: str | None = None
    topics: tuple[str, ...] = ()
    #: RSS: ``pubDate``; time-zone aware (the show's zone where the file gives a bare date).
    published: dt.datetime | None = None
    #: RSS: ``itunes:duration`` (in whole seconds).
    duration_ms: int | None = None
    soundbites: tuple[Soundbite, ...] = ()
    #: An explicit ``chapters:`` list; empty means "derive chapters from the transcript headers".
    chapters: tuple[Chapter, ...] = ()
    transcript: tuple[TranscriptItem, ...] = ()
    #: RSS: ``enclosure``.
    audio: Enclosure | None = None
    #: RSS: ``guid``; ``None`` means derived from the slug (see the rss exporter).
    guid: str | None = None
    #: RSS: ``itunes:explicit`` of the item; ``None`` inherits the show's.
    explicit: bool | None = None
    #: The Markdown body (show notes). RSS: ``content:encoded`` after rendering.
    notes_markdown: str = ""
    #: The Podcasting 2.0 and iTunes static tags of the item (front matter).
    tags: Tags = field(default_factory=lambda: Tags())
    #: Front matter keys castline does not model, kept as parsed.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: The file line of each top-level front matter key, for messages about a field.
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    def where(self, key: str) -> SourceRef:
        """The place of front matter key ``key`` (the file's first line if it is absent)."""
        return SourceRef(self.source.path, self.key_lines.get(key, self.source.line))

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        """The transcript's spoken lines, in file order, without headers."""
        return tuple(item for item in self.transcript if isinstance(item, Utterance))

    @property
    def has_transcript(self) -> bool:
        """True when the transcript has at least one spoken line."""
        return any(isinstance(item, Utterance) for item in self.transcript)


@dataclass(frozen=True, slots=True)
class Category:
    """An Apple Podcasts category with an optional subcategory. RSS: ``itunes:category``."""

    name: str
    subcategory: str | None = None


@dataclass(frozen=True, slots=True)
class Funding:
    """RSS: ``podcast:funding``."""

    url: str
    label: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what castline reads, so that a hostile or broken file costs little (show.yaml
    ``limits:``; show.yaml itself is read with the defaults). A file past one is an error."""

    #: Size of an episode, profile or show.yaml file, checked before it is read.
    file_bytes: int = 5_000_000
    #: YAML nodes of one file's front matter, each alias counted as the nodes it stands for.
    yaml_nodes: int = 200_000
    #: Items of one ``transcript`` list.
    transcript_items: int = 20_000
    #: Characters of one transcript ``line`` or ``header``.
    line_chars: int = 20_000


@dataclass(frozen=True, slots=True)
class Show:
    """The show: ``content/show.yaml`` (every field optional for transcript exporters).

    A content folder without show.yaml (a bare folder of episodes) gives a :class:`Show`
    with only ``source``, ``episodes_dir`` and ``people_dir`` set.
    """

    source: SourceRef
    #: The content folder, as the user gave it.
    root: str
    #: Where the episode files are, relative to ``root``.
    episodes_dir: str = "episodes"
    #: Where the people profiles are, relative to ``root``; ``None`` when there are none.
    people_dir: str | None = None
    #: RSS: channel ``title``.
    title: str | None = None
    #: RSS: channel ``description``.
    description: str | None = None
    #: RSS: ``language`` (ISO 639, e.g. ``en`` or ``en-us``).
    language: str | None = None
    #: Where ``out/`` is published; every URL in the feed is built on it.
    base_url: str | None = None
    #: Base URL for relative image paths in the content (episode ``image``, profile
    #: ``picture``), e.g. the Jekyll site's root; defaults to ``base_url``.
    assets_url: str | None = None
    #: RSS: channel ``link`` (the show's website); defaults to ``base_url``.
    link: str | None = None
    #: RSS: ``itunes:author``.
    author: str | None = None
    #: RSS: ``itunes:owner`` name and e-mail.
    owner_name: str | None = None
    owner_email: str | None = None
    #: RSS: channel ``itunes:image`` (relative to ``base_url`` or absolute).
    image: str | None = None
    #: RSS: ``itunes:category``, in order; Apple uses the first.
    categories: tuple[Category, ...] = ()
    #: RSS: ``itunes:explicit``.
    explicit: bool | None = None
    #: RSS: ``copyright``.
    copyright: str | None = None
    #: RSS: ``itunes:type`` (``episodic`` or ``serial``).
    show_type: str = "episodic"
    #: RSS: ``podcast:guid``; ``None`` means derived from the feed URL by the namespace's rule.
    guid: str | None = None
    #: RSS: ``podcast:locked``.
    locked: bool | None = None
    funding: tuple[Funding, ...] = ()
    #: Ids of the hosts' profiles. RSS: ``podcast:person`` (role host).
    hosts: tuple[Person, ...] = ()
    #: RSS: ``podcast:medium``.
    medium: str | None = None
    #: IANA zone for bare dates (``Europe/Berlin``); UTC when not given.
    timezone: str = "UTC"
    #: Enclosure URL template, e.g. ``https://cdn.example.com/audio/{slug}.mp3``.
    media_url: str | None = None
    #: Local folder (relative to ``root``) holding the media files, to read their sizes.
    media_dir: str | None = None
    #: Per-exporter options: ``exporters: {srt: {max_chars_per_line: 37}}``.
    exporter_options: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict, compare=False, hash=False
    )
    #: Bounds on the files read (show.yaml ``limits:``).
    limits: Limits = field(default_factory=Limits)
    #: show.yaml ``diagnostics: {ignore: [...], error: [...]}``: codes or names of rules whose
    #: diagnostics are left out, or made errors (as ruff's ``ignore`` and ``extend-select``).
    diagnostics_ignore: tuple[str, ...] = ()
    diagnostics_error: tuple[str, ...] = ()
    #: What the local file of ``image`` is (``None`` when ``image`` is a URL or absent).
    image_file: ArtworkInfo | None = None
    #: The Podcasting 2.0 and iTunes static tags of the channel (show.yaml).
    tags: Tags = field(default_factory=lambda: Tags())
    #: Keys castline does not model, kept as parsed.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: The file line of each top-level show.yaml key (and ``a.b`` for nested ones).
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    def where(self, key: str) -> SourceRef:
        """The place of show.yaml key ``key`` (line 1 if it is absent)."""
        return SourceRef(self.source.path, self.key_lines.get(key, self.source.line))


# --- Podcasting 2.0 and iTunes static tags (show.yaml and front matter) ------------------------
# https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md and docs/tags/.
# The loader (castline.load.tags) checks every value against the namespace's rules; what is
# here is what the feed writes.


@dataclass(frozen=True, slots=True)
class Txt:
    """RSS: ``podcast:txt`` (``purpose`` e.g. ``applepodcastsverify``)."""

    text: str
    purpose: str | None
    source: SourceRef


@dataclass(frozen=True, slots=True)
class License:
    """RSS: ``podcast:license``: a slug of the namespace's list, or a custom name with a URL."""

    name: str
    url: str | None
    source: SourceRef


@dataclass(frozen=True, slots=True)
class Location:
    """RSS: ``podcast:location``."""

    name: str
    source: SourceRef
    rel: str | None = None
    geo: str | None = None
    osm: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Trailer:
    """RSS: ``podcast:trailer`` (``url`` as written: relative to ``base_url`` or absolute)."""

    title: str
    url: str
    published: dt.datetime
    source: SourceRef
    length: int | None = None
    media_type: str | None = None
    season: int | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """RSS: ``podcast:image`` (``href`` relative to ``assets_url`` or absolute)."""

    href: str
    source: SourceRef
    alt: str | None = None
    aspect_ratio: str | None = None
    width: int | None = None
    height: int | None = None
    media_type: str | None = None
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateFrequency:
    """RSS: ``podcast:updateFrequency`` (``dtstart`` as ISO 8601 text)."""

    text: str
    source: SourceRef
    rrule: str | None = None
    complete: bool | None = None
    dtstart: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """RSS: ``podcast:remoteItem`` (in ``podcast:podroll`` and ``podcast:publisher``)."""

    feed_guid: str
    source: SourceRef
    feed_url: str | None = None
    item_guid: str | None = None
    medium: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """RSS: ``podcast:block``: ``service`` ``None`` means every platform."""

    service: str | None
    blocked: bool
    source: SourceRef


@dataclass(frozen=True, slots=True)
class SocialInteract:
    """RSS: ``podcast:socialInteract``."""

    protocol: str
    source: SourceRef
    uri: str | None = None
    account_id: str | None = None
    account_url: str | None = None
    priority: int | None = None


@dataclass(frozen=True, slots=True)
class MediaSource:
    """RSS: ``podcast:source`` of an alternate enclosure."""

    uri: str
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class AlternateEnclosure:
    """RSS: ``podcast:alternateEnclosure``: another format or bitrate of the episode."""

    media_type: str
    sources: tuple[MediaSource, ...]
    source: SourceRef
    length: int | None = None
    bitrate: float | None = None
    height: int | None = None
    lang: str | None = None
    title: str | None = None
    rel: str | None = None
    codecs: str | None = None
    default: bool | None = None
    #: ``(type, value)`` of ``podcast:integrity``.
    integrity: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Credit:
    """A ``podcast:person`` with a taxonomy role (``role``/``group`` lower-cased; group ``None``
    is the default ``cast``): a profile, or a bare name."""

    person: Person
    role: str
    group: str | None
    source: SourceRef


@dataclass(frozen=True, slots=True)
class RawTag:
    """A ``feed_tags`` entry: namespaced, well-formed XML written as given."""

    xml: str
    source: SourceRef


@dataclass(frozen=True, slots=True)
class Tags:
    """The static tags of the channel (show.yaml) or of an item (front matter), checked.

    Channel only: ``trailers``, ``update_frequency``, ``podroll``, ``blocks``, ``publisher``,
    ``itunes_complete``, ``new_feed_url``. Item only: ``alternate_enclosures``,
    ``season_name``, ``episode_display``.
    """

    txt: tuple[Txt, ...] = ()
    license: License | None = None
    locations: tuple[Location, ...] = ()
    images: tuple[Image, ...] = ()
    social: tuple[SocialInteract, ...] = ()
    credits: tuple[Credit, ...] = ()
    #: RSS: ``itunes:title``, ``itunes:block`` (only ``Yes`` is written).
    itunes_title: str | None = None
    itunes_block: bool = False
    raw: tuple[RawTag, ...] = ()
    trailers: tuple[Trailer, ...] = ()
    update_frequency: UpdateFrequency | None = None
    podroll: tuple[RemoteItem, ...] = ()
    blocks: tuple[Block, ...] = ()
    publisher: RemoteItem | None = None
    #: RSS: ``itunes:complete`` (only ``Yes`` is written), ``itunes:new-feed-url``.
    itunes_complete: bool = False
    new_feed_url: str | None = None
    alternate_enclosures: tuple[AlternateEnclosure, ...] = ()
    #: RSS: ``podcast:season name``, ``podcast:episode display``.
    season_name: str | None = None
    episode_display: str | None = None
