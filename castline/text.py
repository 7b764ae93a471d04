"""Small text helpers shared by the core and the exporters, each written once."""

from __future__ import annotations

import re

#: Characters XML 1.0 cannot hold (W3C XML 1.0, 2.2 Characters: ``Char``), and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks too) made one space, ends trimmed.

    >>> one_line("  two\\n  words ")
    'two words'
    """
    return " ".join(text.split())


def plural(number: int, noun: str) -> str:
    """A count with its noun: ``1 error``, ``2 errors``.

    >>> plural(1, "error"), plural(0, "line"), plural(3, "cue")
    ('1 error', '0 lines', '3 cues')
    """
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (lxml would refuse them).

    >>> xml_text("bell\\x07 and tab\\t")
    'bell and tab\\t'
    """
    return _NOT_XML.sub("", text)


def vtt_escape(text: str) -> str:
    """Text for a WebVTT cue or voice annotation: ``&``, ``<`` and ``>`` escaped (W3C WebVTT,
    https://www.w3.org/TR/webvtt1/#cue-text, 4.2.2: escapes in cue text).

    >>> vtt_escape("Q&A <b> -->")
    'Q&amp;A &lt;b&gt; --&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
