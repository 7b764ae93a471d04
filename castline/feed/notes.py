"""Show notes: an episode's Markdown body as the HTML of its ``content:encoded``.

The body is rendered as CommonMark (https://spec.commonmark.org/, with markdown-it-py,
https://markdown-it-py.readthedocs.io/). Episode bodies are often written for Jekyll's kramdown,
whose inline attribute lists (``[a](u){:target="_blank"}``, a block's ``{: .class}`` on a line
of its own) and attribute list definitions (kramdown syntax,
https://kramdown.gettalong.org/syntax.html#inline-attribute-lists and
#attribute-list-definitions) CommonMark would print as text: they are removed first, except in
code spans, code blocks and raw HTML blocks.
"""

from __future__ import annotations

import itertools
import re

from markdown_it import MarkdownIt

from castline.text import xml_text

_MARKDOWN = MarkdownIt("commonmark")
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


def notes_html(markdown: str) -> str | None:
    """The show notes as HTML (CommonMark, kramdown attribute lists removed, only characters
    XML 1.0 allows), or ``None`` when there are none.

    >>> notes_html("Hello *world*{: .x}")
    '<p>Hello <em>world</em></p>\\n'
    >>> notes_html("  \\n") is None
    True
    """
    if not markdown.strip():
        return None
    return xml_text(_MARKDOWN.render(strip_kramdown_ials(markdown)))


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
    for token in _MARKDOWN.parse(text):
        if token.type in _VERBATIM_BLOCKS and token.map is not None:
            start, end = token.map
            for number in range(start, min(end, count)):
                verbatim[number] = True
    return verbatim


def _keep_code(match: re.Match[str]) -> str:
    """A code span as it is; an IAL removed."""
    return match.group() if match.group("code") else ""
