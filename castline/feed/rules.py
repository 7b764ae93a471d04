"""The directories' rules for a feed: Apple Podcasts and the Podcasting 2.0 namespace.

Pure data and pure checks, shared by the feed exporter and ``castline check``. Each check
returns ``None`` when the value is acceptable, else the reason as a sentence fragment the caller
puts into a :class:`~castline.diagnostics.Diagnostic` (it knows the ``path:line``).

Sources:

* Categories: Apple's 2019 revision, https://podcasters.apple.com/support/1691-apple-podcasts-categories
  (19 categories, 110 names with the subcategories).
* Language, artwork, enclosure formats, description length and ASCII file names:
  https://podcasters.apple.com/support/823-podcast-requirements and Apple's RSS tags,
  https://help.apple.com/itc/podcasts_connect/#/itcb54353390.
* ``podcast:`` tags (https URLs, text lengths, ``guid``, ``medium``):
  https://podcastindex.org/namespace/1.0.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import unquote

from castline.model import Category
from castline.paths import split_url, url_name, url_suffix

#: Apple Podcasts' categories (2019 revision, current) and their subcategories, in Apple's
#: order. Values are case-sensitive and written exactly so (``Kids & Family``).
CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Arts": (
            "Books",
            "Design",
            "Fashion & Beauty",
            "Food",
            "Performing Arts",
            "Visual Arts",
        ),
        "Business": (
            "Careers",
            "Entrepreneurship",
            "Investing",
            "Management",
            "Marketing",
            "Non-Profit",
        ),
        "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
        "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
        "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
        "Government": (),
        "Health & Fitness": (
            "Alternative Health",
            "Fitness",
            "Medicine",
            "Mental Health",
            "Nutrition",
            "Sexuality",
        ),
        "History": (),
        "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
        "Leisure": (
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        ),
        "Music": ("Music Commentary", "Music History", "Music Interviews"),
        "News": (
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        ),
        "Religion & Spirituality": (
            "Buddhism",
            "Christianity",
            "Hinduism",
            "Islam",
            "Judaism",
            "Religion",
            "Spirituality",
        ),
        "Science": (
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        ),
        "Society & Culture": (
            "Documentary",
            "Personal Journals",
            "Philosophy",
            "Places & Travel",
            "Relationships",
        ),
        "Sports": (
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        ),
        "Technology": (),
        "True Crime": (),
        "TV & Film": (
            "After Shows",
            "Film History",
            "Film Interviews",
            "Film Reviews",
            "TV Reviews",
        ),
    }
)

#: Pre-2019 names validators still see in feeds, and what replaced them.
OBSOLETE_CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "Games & Hobbies": "Leisure",
        "Science & Medicine": "Science",
        "Health": "Health & Fitness",
        "Sports & Recreation": "Sports",
        "Government & Organizations": "Government",
        "Podcasting": "Technology",
        "Software How-To": "Technology",
        "Gadgets": "Technology",
        "Educational Technology": "Education",
        "Higher Education": "Education > Courses",
        "K-12": "Education",
        "Language Courses": "Education > Language Learning",
        "Training": "Education > Courses",
    }
)

_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks
ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl
sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
vi vo wa wo xh yi yo za zh zu
"""
#: ISO 639-1 two-letter language codes (all 184, as in the iso-codes data of ISO 639-2).
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

#: Artwork size limits in pixels (channel ``itunes:image``).
ARTWORK_MIN_PIXELS = 1400
ARTWORK_MAX_PIXELS = 3000
#: File extensions of artwork Apple reads (JPEG or PNG; ``.jpeg`` is a JPEG too).
ARTWORK_SUFFIXES = (".jpg", ".jpeg", ".png")
#: Enclosure file extensions Apple lists (``enclosure``); the extension decides listing.
ENCLOSURE_SUFFIXES = (".m4a", ".mp3", ".mov", ".mp4", ".m4v", ".pdf")
#: ``itunes:episodeType`` values.
EPISODE_TYPES = ("full", "trailer", "bonus")
#: ``itunes:type`` values.
SHOW_TYPES = ("episodic", "serial")
#: Apple's limit for a channel or item ``description``, in bytes.
DESCRIPTION_MAX_BYTES = 4000

#: Length limit of names, titles and labels in ``podcast:`` tags (``podcast:person``,
#: ``podcast:funding``, ``podcast:soundbite``: https://podcastindex.org/namespace/1.0#person).
PODCAST_TEXT_MAX = 128
#: The namespace of ``podcast:guid`` UUIDs (https://podcastindex.org/namespace/1.0#guid).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_MEDIUM_BASES = "podcast music video film audiobook newsletter blog publisher course"
#: ``podcast:medium`` values (https://podcastindex.org/namespace/1.0#medium), list variants
#: (``podcastL``, ...) included.
MEDIUMS = (*(m for base in _MEDIUM_BASES.split() for m in (base, base + "L")), "mixed")

_LANGUAGE = re.compile(r"^([A-Za-z]{2})((?:-(?:[A-Za-z]{2}|[0-9]{3}|[A-Za-z]{4}))*)$")


def category_problem(category: Category) -> str | None:
    """Why Apple would reject ``category``, or ``None`` if it is on the 2019 list.

    Names are case-sensitive; a near miss names the right spelling.

    >>> category_problem(Category("Society & Culture", "Documentary")) is None
    True
    >>> category_problem(Category("technology"))
    "unknown Apple Podcasts category 'technology' (did you mean 'Technology'?)"
    >>> category_problem(Category("Technology", "Tech News"))
    "'Tech News' is not a subcategory of 'Technology' (did you mean 'News > Tech News'?)"
    >>> category_problem(Category("Games & Hobbies"))
    "'Games & Hobbies' is an obsolete Apple Podcasts category (did you mean 'Leisure'?)"
    """
    if category.name not in CATEGORIES:
        if category.name in OBSOLETE_CATEGORIES:
            hint = OBSOLETE_CATEGORIES[category.name]
            return (
                f"'{category.name}' is an obsolete Apple Podcasts category (did you mean '{hint}'?)"
            )
        return f"unknown Apple Podcasts category '{category.name}'" + _hint(category.name)
    sub = category.subcategory
    if sub is None or sub in CATEGORIES[category.name]:
        return None
    message = f"'{sub}' is not a subcategory of '{category.name}'"
    for parent, subs in CATEGORIES.items():
        for known in subs:
            if known.casefold() == sub.casefold():
                return message + f" (did you mean '{parent} > {known}'?)"
    if not CATEGORIES[category.name]:
        return message + f" ('{category.name}' has none)"
    return message + f" (it has: {', '.join(CATEGORIES[category.name])})"


def _hint(name: str) -> str:
    for known in CATEGORIES:
        if known.casefold() == name.casefold():
            return f" (did you mean '{known}'?)"
    for parent, subs in CATEGORIES.items():
        for known in subs:
            if known.casefold() == name.casefold():
                return f" (did you mean '{parent} > {known}'?)"
    return " (see https://podcasters.apple.com/support/1691-apple-podcasts-categories)"


def language_problem(code: str) -> str | None:
    """Why ``code`` is not an ISO 639 language code for ``<language>``, or ``None``.

    Accepts an ISO 639-1 code with optional region or script subtags (``en``, ``en-us``,
    ``pt-BR``, ``zh-Hant``), as RSS 2.0 (https://www.rssboard.org/rss-language-codes) and
    Apple expect.

    >>> language_problem("en-us") is None
    True
    >>> language_problem("english")
    "'english' is not an ISO 639 language code such as 'en' or 'en-us'"
    >>> language_problem("xx")
    "'xx' is not an ISO 639 language code such as 'en' or 'en-us'"
    """
    match = _LANGUAGE.match(code)
    if match and match.group(1).lower() in ISO_639_1:
        return None
    return f"'{code}' is not an ISO 639 language code such as 'en' or 'en-us'"


def artwork_size_problem(pixels: tuple[int, int]) -> str | None:
    """Why artwork of ``(width, height)`` pixels is rejected, or ``None``.

    >>> artwork_size_problem((3000, 3000)) is None
    True
    >>> artwork_size_problem((1200, 1200))
    'is 1200x1200 pixels; Apple Podcasts needs 1400x1400 to 3000x3000'
    >>> artwork_size_problem((1600, 1400))
    'is 1600x1400 pixels; Apple Podcasts needs a square image'
    """
    width, height = pixels
    if width != height:
        return f"is {width}x{height} pixels; Apple Podcasts needs a square image"
    if not ARTWORK_MIN_PIXELS <= width <= ARTWORK_MAX_PIXELS:
        low, high = ARTWORK_MIN_PIXELS, ARTWORK_MAX_PIXELS
        return f"is {width}x{height} pixels; Apple Podcasts needs {low}x{low} to {high}x{high}"
    return None


def is_artwork_file(url: str) -> bool:
    """True when the URL names a ``.jpg``, ``.jpeg`` or ``.png`` file.

    >>> is_artwork_file("https://example.com/cover.jpeg"), is_artwork_file("cover.webp")
    (True, False)
    """
    return url_suffix(url) in ARTWORK_SUFFIXES


def non_ascii_name(url: str) -> str | None:
    """The file name in ``url`` (percent-decoded) if it is not ASCII, else ``None``.

    >>> non_ascii_name("https://example.com/audio/%C3%A9pisode.mp3")
    'épisode.mp3'
    >>> non_ascii_name("https://example.com/audio/episode.mp3") is None
    True
    """
    name = unquote(url_name(url))
    return None if name.isascii() else name


def podcast_guid(feed_url: str) -> str:
    """``podcast:guid`` of a feed URL: UUIDv5 of it without scheme and trailing slashes, in
    :data:`PODCAST_GUID_NAMESPACE`.

    The rule and both examples are https://podcastindex.org/namespace/1.0#guid:

    >>> podcast_guid("https://podnews.net/rss")
    '9b024349-ccf0-5f69-a609-6b82873eab3c'
    >>> podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/")
    '917393e3-1b1e-5cef-ace4-edaa54e1f810'
    """
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def base_url_problem(base_url: str | None) -> str | None:
    """Why ``base_url`` cannot carry the feed's URLs (RSS 2.0 wants absolute ones), or ``None``.

    >>> base_url_problem("https://example.com/podcast/") is None
    True
    >>> base_url_problem("example.com")
    "'base_url' example.com is not an absolute https:// URL; the feed is not written"
    """
    if not base_url:
        return "missing 'base_url': the feed's URLs must be absolute, the feed is not written"
    parts = split_url(base_url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'base_url' {base_url} is not an absolute https:// URL; the feed is not written"
    return None


def is_https(url: str) -> bool:
    """True for an https URL, the only kind a ``podcast:`` tag may hold (the general rules of
    https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md).

    >>> is_https("https://example.com/a"), is_https("http://example.com/a")
    (True, False)
    """
    parts = split_url(url)
    return parts is not None and parts.scheme == "https"
