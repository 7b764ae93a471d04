"""Big feeds: the rss exporter's options, a cap on the items, and paged feeds (RFC 5005).

A feed with hundreds of episodes can be kept small two ways, as large shows do:

* ``max_items: N`` keeps the newest N items (older episodes leave the feed; players that
  subscribed keep what they downloaded).
* ``page_size: N`` pages the feed as RFC 5005 section 3 describes
  (https://www.rfc-editor.org/rfc/rfc5005#section-3): ``feed.xml`` holds the newest N items,
  ``feed-page-2.xml`` the next N, and so on; each page links the others with
  ``atom:link rel="first"``, ``"last"``, ``"next"`` and ``"previous"``, and its own URL is its
  ``rel="self"``. Players that follow ``next`` (podcastparser's ``paged_feed_next``, AntennaPod)
  read every episode; the others read the newest page.

Options are show.yaml's ``exporters: {rss: {...}}``, with ``soundbites``
(:mod:`castline.feed.soundbites`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar, TypeVar

from lxml import etree

from castline.feed.soundbites import POLICIES

#: The Atom namespace, which RSS feeds use for ``atom:link`` (RFC 4287).
ATOM_NS = "http://www.w3.org/2005/Atom"
#: The first page's path in the output folder.
FIRST_PAGE = PurePosixPath("feed.xml")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """The rss exporter's options, checked."""

    #: ``recommended``, ``all`` or ``none`` (:mod:`castline.feed.soundbites`).
    soundbites: str = "recommended"
    #: The newest items kept; 0 keeps every one.
    max_items: int = 0
    #: Items per page; 0 writes one feed.
    page_size: int = 0

    def __post_init__(self) -> None:
        """Raises ValueError (a show.yaml error, through the registry) on a bad value."""
        if self.soundbites not in POLICIES:
            raise ValueError(
                f"'soundbites' must be one of {', '.join(POLICIES)}, not {self.soundbites!r}"
            )
        for key in ("max_items", "page_size"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"'{key}' must be 0 (no limit) or a number of items, not {value!r}"
                )


def page_path(number: int) -> PurePosixPath:
    """The output path of page ``number`` (1 is the feed itself).

    >>> page_path(1), page_path(3)
    (PurePosixPath('feed.xml'), PurePosixPath('feed-page-3.xml'))
    """
    return FIRST_PAGE if number == 1 else PurePosixPath(f"feed-page-{number}.xml")


def pages(items: Sequence[T], options: FeedOptions) -> list[list[T]]:
    """``items`` (newest first) capped to ``max_items`` and cut into pages of ``page_size``;
    always one page at least (a feed without items is still a feed).

    >>> pages(list(range(5)), FeedOptions(max_items=4, page_size=3))
    [[0, 1, 2], [3]]
    """
    kept = list(items[: options.max_items] if options.max_items else items)
    size = options.page_size or max(len(kept), 1)
    return [kept[start : start + size] for start in range(0, len(kept), size)] or [[]]


def page_links(number: int, count: int) -> list[tuple[str, PurePosixPath]]:
    """The ``(rel, path)`` of the RFC 5005 links on page ``number`` of ``count``; none for a
    feed of one page.

    >>> [f"{rel} {path}" for rel, path in page_links(2, 3)]  # doctest: +NORMALIZE_WHITESPACE
    ['first feed.xml', 'last feed-page-3.xml', 'previous feed.xml',
     'next feed-page-3.xml']
    """
    if count == 1:
        return []
    links = [("first", page_path(1)), ("last", page_path(count))]
    if number > 1:
        links.append(("previous", page_path(number - 1)))
    if number < count:
        links.append(("next", page_path(number + 1)))
    return links


class PagingExtension:
    """feedgen extension writing the channel's RFC 5005 ``atom:link`` elements."""

    namespaces: ClassVar[dict[str, str]] = {"atom": ATOM_NS}

    def __init__(self) -> None:
        #: ``(rel, absolute URL)`` pairs, in order.
        self.links: list[tuple[str, str]] = []

    def extend_ns(self) -> dict[str, str]:
        return dict(self.namespaces)

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        for rel, href in self.links:
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", {"rel": rel, "href": href})
        return feed

    def extend_atom(self, feed: Any) -> Any:
        return feed
