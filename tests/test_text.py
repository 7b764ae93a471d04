"""Text helpers: one_line held to splitting and joining the words."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from castline.text import one_line

#: Every ASCII character, white space and controls included, and the Unicode spaces.
_ASCII = st.text(st.sampled_from([chr(c) for c in range(128)]))
_SPACED = st.text(st.sampled_from([*string.whitespace, "\x1c", "\x1f", "\xa0", "\u2028", "a"]))


@given(st.text() | _ASCII | _SPACED)
def test_one_line_is_the_words_one_space_apart(text: str) -> None:
    assert one_line(text) == " ".join(text.split())


def test_one_line_keeps_text_that_is_one_line() -> None:
    text = "Two words, one line."
    assert one_line(text) is text
    assert one_line("tab\there") == "tab here"
    assert one_line("unit\x1fseparator") == "unit separator"
    assert one_line(" lead") == "lead"
    assert one_line("trail ") == "trail"
    assert one_line("two  spaces") == "two spaces"
