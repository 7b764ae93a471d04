"""Show notes: Markdown to the HTML of content:encoded, kramdown attribute lists removed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from castline.feed import notes
from castline.feed.notes import (
    notes_html,
    removal_message,
    safe_notes_html,
    sanitise_html,
    strip_kramdown_ials,
)

KRAMDOWN_NOTES = """
Links:

* [Site](https://a.example/){:target="_blank"}
* <https://b.example/>{:target="_blank"} and `code {:kept}`
* [Two](https://c.example/) {: .x #y}

A paragraph.
{: .note}
Another, with \\{:escaped} and {::comment}an extension{:/comment}.

{:ref: .class}

```yaml
fence: {:kept}
```

<div>raw {:kept}</div>
"""


def test_kramdown_attribute_lists_are_left_out_of_the_show_notes() -> None:
    # The body as the loader hands it: its blank lines at both ends removed.
    assert notes_html(KRAMDOWN_NOTES.strip("\n")) == (
        "<p>Links:</p>\n"
        "<ul>\n"
        '<li><a href="https://a.example/">Site</a></li>\n'
        '<li><a href="https://b.example/">https://b.example/</a> and '
        "<code>code {:kept}</code></li>\n"
        '<li><a href="https://c.example/">Two</a></li>\n'
        "</ul>\n"
        "<p>A paragraph.</p>\n"
        "<p>Another, with {:escaped} and {::comment}an extension{:/comment}.</p>\n"
        '<pre><code class="language-yaml">fence: {:kept}\n'
        "</code></pre>\n"
        "<div>raw {:kept}</div>"
    )


def test_no_notes_is_none() -> None:
    assert notes_html("") is None
    assert notes_html(" \n\t\n") is None


def test_text_without_attribute_lists_is_unchanged() -> None:
    text = "A {brace} and a `code` span.\r\n"
    assert strip_kramdown_ials(text) == text
    assert strip_kramdown_ials("A `{:code}` span{: .x}\r\n") == "A `{:code}` span\n"


def test_attribute_lists_in_indented_code_stay() -> None:
    text = "Para.\n\n    code {:kept}\n\nAfter{: .x}\n"
    assert strip_kramdown_ials(text) == "Para.\n\n    code {:kept}\n\nAfter\n"


def test_characters_xml_forbids_are_dropped() -> None:
    assert notes_html("bell\x07 rings") == "<p>bell rings</p>\n"


def test_show_notes_keep_what_a_podcast_description_may_hold() -> None:
    markdown = (
        '# Notes\n\n**Bold**, *em*, `code` and [a link](https://a.example/ "Title").\n\n'
        "3. three\n4. four\n\n> quoted  \n> on two lines\n\n```py\nx = 1\n```\n\n---\n\n"
        '<a href="mailto:ann@example.net">Mail</a>'
    )
    html, removed = safe_notes_html(markdown)
    rendered = notes_html(markdown)
    assert removed == () and rendered is not None
    # The sanitiser writes HTML, not XHTML: void tags lose their slash, nothing else changes.
    assert html == rendered.replace("<br />", "<br>").replace("<hr />", "<hr>")


def test_show_notes_lose_scripts_events_frames_styles_and_unsafe_urls() -> None:
    html, removed = safe_notes_html(
        '<script>alert(1)</script>\n\n<p onclick="x()" style="color: red">A '
        '<a href="javascript:go()">link</a>, <a href="java&#115;cript:go()">another</a>, '
        '<a href="data:text/html,x" target="_blank">data</a> '
        '<iframe src="https://a.example/"></iframe><img src="data:image/png;base64,AA"></p>'
    )
    assert html == "\n<p>A <a>link</a>, <a>another</a>, <a>data</a> </p>"
    assert removed == (
        "<script>",
        "onclick=",
        "style=",
        "javascript: link",
        "data: link",
        "target=",
        "<iframe>",
        "<img>",
    )
    assert removal_message(removed[:2]) == (
        "removed <script>, onclick= (not allowed in a podcast description)"
    )


def test_only_markdown_code_classes_are_kept() -> None:
    assert sanitise_html('<code class="language-py">x</code><code class="evil x">y</code>') == (
        '<code class="language-py">x</code><code>y</code>',
        ("class=",),
    )


#: HTML fragments of allowed and other tags, kept and other attributes, and text.
_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<em>",
        "</em>",
        '<a href="https://a.example/">',
        '<a href="javascript:x">',
        '<a title="t">',
        "</a>",
        "<script>",
        "</script>",
        '<img src="x">',
        "<br>",
        "<br />",
        '<p onclick="x()">',
        '<code class="language-py">',
        "</code>",
        "&amp;",
        "&",
        "<",
        "text ",
    ]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_removals_are_the_tags_and_attributes_the_sanitiser_took_away(html: str) -> None:
    # The reference: both texts' inventories compared, even when the sanitiser kept the text.
    cleaned, removed = sanitise_html(html)
    before, after = notes._inventory(html), notes._inventory(cleaned)
    assert removed == tuple(item for item in before if item in before - after)
