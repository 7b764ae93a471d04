"""Hypothesis strategies shared by the timing tests."""

from __future__ import annotations

from hypothesis import strategies as st

_word_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
_plain_words = st.text(_word_chars, min_size=1, max_size=12)
_marks = [".", ",", "?", "!", ";", ":", "\u2026", ".\u201d", ")"]
_punctuated = st.tuples(_plain_words, st.sampled_from(_marks)).map("".join)
_long_words = st.text(_word_chars, min_size=30, max_size=70)
_function_words = st.sampled_from(["the", "a", "of", "and", "to", "in", "is", "I", "that"])
_word = st.one_of(_plain_words, _punctuated, _function_words, _long_words)
#: A transcript paragraph: punctuated, function, long and Unicode words, any white space.
paragraphs = st.one_of(
    st.lists(_word, max_size=160).flatmap(
        lambda words: st.lists(
            st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\u2028"]),
            min_size=len(words),
            max_size=len(words),
        ).map(lambda gaps: "".join(w + g for w, g in zip(words, gaps, strict=True)))
    ),
    st.text(max_size=200),
)
