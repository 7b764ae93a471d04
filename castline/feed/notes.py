"""Show notes: an episode's Markdown body as the HTML of its ``content:encoded``.

The body is rendered as CommonMark (https://spec.commonmark.org/, with markdown-it-py,
https://markdown-it-py.readthedocs.io/). Episode bodies are often written for Jekyll's kramdown,
whose inline attribute lists (``[a](u){:target="_blank"}``, a block's ``{: .class}`` on a line
of its own) and attribute list definitions (kramdown syntax,
https://kramdown.gettalong.org/syntax.html#inline-attribute-lists and
#attribute-list-definitions) CommonMark would print as text: they are removed first, except in
code spans, code blocks and raw HTML blocks.

CommonMark passes raw HTML through, so the rendered HTML is then cleaned by nh3
(https://nh3.readthedocs.io/, the Rust ammonia sanitiser) to what a podcast description may
hold: the tags Apple lists for ``description`` (``<p>``, ``<ol>``, ``<ul>``, ``<li>``, ``<a>``,
https://help.apple.com/itc/podcasts_connect/#/itcb54353390) and the rest of what Markdown
writes for text (emphasis, code, quotes, headings, breaks, rules); ``href`` on links with an
http, https or mailto URL, ``title`` on links, ``start`` on ordered lists and Markdown's
``class="language-..."`` on code; no event attributes, no ``style``, no scripts, frames, images
or ``data:`` URLs. ``rel`` is not added to links: without ``target`` (never kept) a link opens
no window that could reach back to the page, and the published notes stay as rendered. What
the sanitiser removed is named (:func:`sanitise_html`) so the caller can report it; comments
are removed unreported, as they show nothing.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import re
from collections import Counter
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from castline.memo import per_object
from castline.text import xml_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@functools.cache
def _markdown() -> MarkdownIt:
    """The CommonMark parser, made (and markdown-it imported) when notes are first rendered:
    a build that renders none (a no-change rebuild) does not load it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def load_renderers() -> None:
    """Import and make now what rendering and sanitising notes loads on first use
    (markdown-it's parser, nh3): an exporter's ``warm_up``
    (:class:`castline.exporter.Exporter`)."""
    _markdown()
    importlib.import_module("nh3")


#: Block tokens whose lines are shown as written: kramdown attribute lists stay in them.
_VERBATIM_BLOCKS = frozenset({"fence", "code_block", "html_block"})
#: A kramdown IAL or ALD, ``{:`` ... ``}`` (``\}`` inside), not an extension (``{::``, ``{:/``).
_IAL = r"(?<!\\)\{:(?![:/])(?:\\.|[^\\}\n])*\}"
#: A line of IALs only (a block IAL or an ALD).
_IAL_LINE = re.compile(rf"^[ \t]*{_IAL}(?:[ \t]*{_IAL})*[ \t]*$", re.MULTILINE)
#: A code span (a run of backticks to the next run as long, within a paragraph), or a span IAL
#: with the spaces before it.
_IAL_OR_CODE = re.compile(
    rf"(?P<code>(?<![`\\])(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\2(?!`))|[ \t]*{_IAL}", re.DOTALL
)
#: The tags kept in show notes: Apple's description tags and Markdown's text formatting.
ALLOWED_TAGS = frozenset(
    "p ol ul li a strong b em i code pre br blockquote hr h1 h2 h3 h4 h5 h6".split()
)
#: The attributes kept, by tag (``*``: on every tag, none; it replaces ammonia's default
#: ``lang`` and ``title`` everywhere).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}, "*": set()}
#: The URL schemes a kept ``href`` may have.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Where a sanitiser's removals are named: ``removed <script> (not allowed in ...)``.
NOT_ALLOWED = "not allowed in a podcast description"


@per_object
def notes_html(markdown: str) -> str | None:
    """The show notes as HTML (CommonMark, kramdown attribute lists removed, only characters
    XML 1.0 allows), or ``None`` when there are none.

    Remembered for the last text (:func:`castline.memo.per_object`): the pages and the feed
    render the same episode's notes in turn.

    >>> notes_html("Hello *world*{: .x}")
    '<p>Hello <em>world</em></p>\\n'
    >>> notes_html("  \\n") is None
    True
    """
    if not markdown.strip():
        return None
    return xml_text(_markdown().render(strip_kramdown_ials(markdown)))


def safe_notes_html(markdown: str) -> tuple[str | None, tuple[str, ...]]:
    """The show notes as :func:`notes_html` renders them, sanitised by :func:`sanitise_html`,
    and what the sanitiser removed.

    >>> safe_notes_html('Hi <img src=x onerror="alert(1)"> *there*')
    ('<p>Hi  <em>there</em></p>\\n', ('<img>',))
    """
    html = notes_html(markdown)
    if html is None:
        return None, ()
    return sanitise_html(html)


def sanitise_html(html: str) -> tuple[str, tuple[str, ...]]:
    """``html`` with only what a podcast description may hold (see the module docstring), and
    what was removed, in order of first appearance: tags as ``<script>``, attributes as
    ``onerror=``, a link's disallowed URL as ``javascript: link``.

    ``html`` must be text (no lone surrogates; :mod:`castline.feed.clean` replaces them).

    >>> sanitise_html('<p onclick="x()">A <a href="javascript:go()">link</a></p>')
    ('<p>A <a>link</a></p>', ('onclick=', 'javascript: link'))
    """
    import nh3

    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        link_rel=None,
        url_schemes=set(ALLOWED_URL_SCHEMES),
    )
    if cleaned == html:  # the usual case: nothing removed, and nothing to parse for it
        return cleaned, ()
    before, after = _inventory(html), _inventory(cleaned)
    removed = before - after
    return cleaned, tuple(item for item in before if item in removed)


def removal_message(removed: tuple[str, ...]) -> str:
    """What :func:`sanitise_html` removed, as a message fragment.

    >>> removal_message(("<script>", "onerror="))
    'removed <script>, onerror= (not allowed in a podcast description)'
    """
    return f"removed {', '.join(removed)} ({NOT_ALLOWED})"


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's filter on allowed attributes: a code ``class`` only as Markdown writes it."""
    if tag == "code" and attribute == "class":
        return value if re.fullmatch(r"language-[^\s\"'<>]+", value) else None
    return value


class _Inventory(HTMLParser):
    """Counts the tags of an HTML fragment and the attributes of its allowed tags, as
    :func:`sanitise_html` names them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[f"<{tag}>"] += 1
        if tag not in ALLOWED_TAGS:
            return  # its attributes go with it: the tag names the removal
        for name, value in attrs:
            scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", value or "")
            if name == "href" and scheme:
                self.found[f"{scheme.group(1).lower()}: link"] += 1
            else:
                self.found[f"{name}="] += 1


def _inventory(html: str) -> Counter[str]:
    """The tags and attributes of ``html`` (:class:`_Inventory`), in order of appearance."""
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.found


def strip_kramdown_ials(markdown: str) -> str:
    """``markdown`` without kramdown's inline attribute lists and attribute list definitions.

    A span IAL (``[a](u){:target="_blank"}``) is removed with the spaces before it; a line
    holding only IALs or an ALD (``{: .note}``, ``{:ref: #id}``) becomes an empty line, which
    ends the block before it as the IAL does in kramdown. Extensions (``{::comment}``,
    ``{:/}``), escaped braces (``\\{:``), code spans, fenced and indented code blocks and raw
    HTML blocks are left as they are.

    >>> strip_kramdown_ials('[Site](https://a.example/){:target="_blank"} and `{:kept}`')
    '[Site](https://a.example/) and `{:kept}`'
    >>> strip_kramdown_ials("Note.\\n{: .aside}\\nNext.\\n")
    'Note.\\n\\nNext.\\n'
    """
    if "{:" not in markdown:
        return markdown
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    verbatim = _verbatim_lines(text, len(lines))
    parts: list[str] = []
    for kept, group in itertools.groupby(zip(verbatim, lines, strict=True), lambda p: p[0]):
        chunk = "\n".join(line for _, line in group)
        parts.append(chunk if kept else _IAL_OR_CODE.sub(_keep_code, _IAL_LINE.sub("", chunk)))
    return "\n".join(parts)


def _verbatim_lines(text: str, count: int) -> list[bool]:
    """For each of the ``count`` lines of ``text``: is it in a code or raw HTML block?"""
    verbatim = [False] * count
    for token in _markdown().parse(text):
        if token.type in _VERBATIM_BLOCKS and token.map is not None:
            start, end = token.map
            for number in range(start, min(end, count)):
                verbatim[number] = True
    return verbatim


def _keep_code(match: re.Match[str]) -> str:
    """A code span as it is; an IAL removed."""
    return match.group() if match.group("code") else ""
