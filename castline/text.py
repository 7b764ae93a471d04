"""Small text helpers shared by the core and the exporters, each written once."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from castline.diagnostics import Diagnostic, rule
from castline.source import SourceRef

INVALID_CHARACTER = rule(
    "L203",
    "invalid-character",
    "text holds a lone surrogate or a character XML cannot hold; repaired",
)

#: Characters XML 1.0 cannot hold (W3C XML 1.0, 2.2 Characters: ``Char``), and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The bytes of UTF-8 text that are no control XML 1.0 forbids.
_NOT_CONTROL = bytes(range(0x20, 0x100)) + b"\t\n\r"
#: Characters XML 1.0 cannot hold, lone surrogates aside.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks too) made one space, ends trimmed:
    ``" ".join(text.split())``. Remembered for the last 1,024 texts: the timing engine and
    the text and HTML transcripts ask it of every line of an episode in turn.

    >>> one_line("  two\\n  words ")
    'two words'

    ASCII text (a flag of the string, read at no cost) that is one line already, the usual
    case, is handed back after a search for each white space character that would change it,
    several times faster than splitting it into words and joining them again.
    """
    return _one_line(text)


@functools.lru_cache(maxsize=1024)
def _one_line(text: str) -> str:
    """:func:`one_line`, remembered."""
    if text.isascii() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        for space in _ASCII_OTHER_SPACES:
            if space in text:
                break
        else:
            return text
    return " ".join(text.split())


#: The ASCII characters other than the space that ``str.split`` cuts at (``str.isspace``).
_ASCII_OTHER_SPACES = tuple(c for c in map(chr, range(128)) if c.isspace() and c != " ")


def plural(number: int, noun: str) -> str:
    """A count with its noun: ``1 error``, ``2 errors``.

    >>> plural(1, "error"), plural(0, "line"), plural(3, "cue")
    ('1 error', '0 lines', '3 cues')
    """
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known word closest to a mistyped one (difflib's
    ratio of at least 0.75, as ruff and git suggest), else ``""``.

    >>> did_you_mean("catgories", ["categories", "copyright"]), did_you_mean("zzz", ["title"])
    (" (did you mean 'categories'?)", '')
    """
    import difflib  # only on a mistake: a no-change build never loads it

    close = difflib.get_close_matches(word, sorted(set(known)), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


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


def utf8_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it encodes as UTF-8.

    >>> utf8_text("a\\ud800b")
    'a\\ufffdb'

    Text that is ASCII (a flag of the string, read at no cost) or that encodes is handed back
    as it is: both cost less than a search of the whole text for a surrogate.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def is_clean(text: str) -> bool:
    """Whether :func:`clean_text` hands ``text`` back as it is, with no warning, for the feed
    and for the other formats alike.

    >>> is_clean("Tabs\\tand line ends\\n"), is_clean("bell\\x07"), is_clean("\\ud800")
    (True, False, False)

    That is, ``text`` holds nothing :data:`_NOT_XML` matches, found on its UTF-8 bytes (several
    times faster than the pattern on long text): encoding fails on a lone surrogate; each
    control is a byte of its own (RFC 3629, section 3: every byte of a longer sequence is
    0x80 or more), and U+FFFE and U+FFFF are the only characters encoded ``EF BF BE`` and
    ``EF BF BF``.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (
        not data.translate(None, _NOT_CONTROL)
        and b"\xef\xbf\xbe" not in data
        and b"\xef\xbf\xbf" not in data
    )


def clean_text(
    text: str, where: SourceRef, what: str, diagnostics: list[Diagnostic], *, xml: bool
) -> str:
    """``text`` repaired (module docstring), with a warning at ``where`` for each kind of
    character repaired; ``what`` names the field (``'title'``).

    >>> found: list[Diagnostic] = []
    >>> clean_text("a\\x07b\\ud800", SourceRef("e.md", 2), "'title'", found, xml=True)
    'ab\\ufffd'
    >>> [str(d) for d in found]  # doctest: +NORMALIZE_WHITESPACE
    ["e.md:2: warning: 'title' holds the lone surrogate U+D800, which is not text; replaced
      with U+FFFD", "e.md:2: warning: 'title' holds U+0007, which XML cannot hold; removed"]
    """
    if is_clean(text):
        return text
    surrogates = _SURROGATE.findall(text)
    if surrogates:
        one = len(set(surrogates)) == 1
        noun, verb = ("the lone surrogate", "is") if one else ("the lone surrogates", "are")
        diagnostics.append(
            INVALID_CHARACTER.warning(
                where,
                f"{what} holds {noun} {_code_points(surrogates)}, which {verb} not text; "
                "replaced with U+FFFD",
            )
        )
        text = utf8_text(text)
    forbidden = _XML_FORBIDDEN.findall(text) if xml else []
    if forbidden:
        diagnostics.append(
            INVALID_CHARACTER.warning(
                where, f"{what} holds {_code_points(forbidden)}, which XML cannot hold; removed"
            )
        )
        text = xml_text(text)
    return text


def _code_points(characters: list[str], shown: int = 3) -> str:
    """The distinct characters as ``U+0007``, in order, the first ``shown`` of them.

    >>> _code_points(["\\x07", "\\x01", "\\x07"]), _code_points(list("\\x01\\x02\\x03\\x04\\x05"))
    ('U+0007 and U+0001', 'U+0001, U+0002, U+0003 and 2 more')
    """
    distinct = [f"U+{ord(c):04X}" for c in dict.fromkeys(characters)]
    if len(distinct) > shown:
        distinct = [*distinct[:shown], f"{len(distinct) - shown} more"]
    if len(distinct) == 1:
        return distinct[0]
    return ", ".join(distinct[:-1]) + " and " + distinct[-1]
