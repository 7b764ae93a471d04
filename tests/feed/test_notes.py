"""Show notes: Markdown to the HTML of content:encoded, kramdown attribute lists removed."""

from __future__ import annotations

from castline.feed.notes import notes_html, strip_kramdown_ials

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
