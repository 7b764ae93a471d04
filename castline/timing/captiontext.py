"""Caption text: cues written as one text, block after block, as a caption format asks.

A format is a :class:`CaptionText`: the separator of its timecodes' milliseconds, the characters
it escapes, whether blocks are numbered, what comes before and after each block and at the
end, its voice tags, and the repair of a text that holds a blank line. :func:`caption_text`
writes the cues in the native engine where it is built (``caption_text`` of
``castline/timing/_cue_engine.c``, one buffer and one string) and in Python otherwise
(:func:`python_caption_text`, the reference: the native text is the same, byte for byte), or
under ``CASTLINE_ENGINE=python`` (:mod:`castline.timing.engine`). A cue the native code does
not write in its own way (a time that leaves 64 bits or is negative, a value of an unexpected
type) hands the whole text back to the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from castline.timecode import format_srt_timecode, format_vtt_timecode
from castline.timing.cues import Cue
from castline.timing.engine import default_engine, native_caption_text

#: A timecode's formatter by the separator before its milliseconds.
_TIMECODES = {",": format_srt_timecode, ".": format_vtt_timecode}


@dataclass(frozen=True, slots=True)
class CaptionText:
    """How a caption format writes cues. Each cue is one block: ``block_start``; its number
    (from 1) and a line break when ``numbered``; ``HH:MM:SS`` ``separator`` ``mmm --> ``
    the same of its end, and a line break; the tag ``voice(speaker)`` makes for its speaker
    (``""`` for none; each speaker asked once by each writer); its content; ``voice_end``
    after a tag; ``block_end``. ``tail`` follows the last block.

    The content is the label, then the lines joined by line breaks (``""`` for a cue with no
    line), with each ``(character, text)`` of ``escapes`` replaced in turn; when it begins
    with a line break or holds a blank line and ``legal`` is given, ``legal(content)``.

    Raises:
        ValueError: ``separator`` is neither ``,`` nor ``.``, or an escaped character is not
            one ASCII character, is given twice or is in an earlier pair's text (escaping in
            turn must be escaping all at once, as the native code does).
    """

    separator: str
    escapes: tuple[tuple[str, str], ...] = ()
    numbered: bool = False
    block_start: str = ""
    block_end: str = ""
    tail: str = ""
    voice: Callable[[str | None], str] | None = None
    voice_end: str = ""
    legal: Callable[[str], str] | None = None

    def __post_init__(self) -> None:
        if self.separator not in _TIMECODES:
            raise ValueError(f"the separator must be ',' or '.', not {self.separator!r}")
        for index, (character, _) in enumerate(self.escapes):
            earlier = self.escapes[:index]
            if (
                len(character) != 1
                or not character.isascii()
                or any(character == key or character in text for key, text in earlier)
            ):
                raise ValueError(f"cannot escape {character!r} in turn with {earlier!r}")


def caption_text(form: CaptionText, cues: Sequence[Cue], head: str = "") -> str:
    """``head``, then each cue's block as ``form`` writes it, then ``form.tail``.

    >>> from castline.model import SourceRef
    >>> form = CaptionText(",", (("<", "["),), numbered=True, block_end="\\n\\n")
    >>> caption_text(form, [Cue(0, 1500, "Ann", ("Hi <you>.",), SourceRef("e.md", 1), "Ann: ")])
    '1\\n00:00:00,000 --> 00:00:01,500\\nAnn: Hi [you>.\\n\\n'
    """
    if native_caption_text is not None and default_engine() == "native":
        text = native_caption_text(cues, Cue, head, _native_form(form))
        if text is not None:
            return text
    return python_caption_text(form, cues, head)


def _native_form(form: CaptionText) -> tuple[object, ...]:
    """The form's fields in the order the native ``caption_text`` takes them."""
    return (
        form.separator,
        form.escapes,
        form.numbered,
        form.block_start,
        form.block_end,
        form.tail,
        form.voice,
        form.voice_end,
        form.legal,
    )


def python_caption_text(form: CaptionText, cues: Sequence[Cue], head: str = "") -> str:
    """:func:`caption_text` in Python (the reference), built in one list and one join."""
    timecode, escapes, legal, voice = (
        _TIMECODES[form.separator],
        form.escapes,
        form.legal,
        form.voice,
    )
    numbered, block_start, block_end = form.numbered, form.block_start, form.block_end
    voiced_end = form.voice_end + block_end
    parts = [head]
    tags: dict[str | None, str] = {}
    last_end: int | None = None  # no time yet (a negative one is an error, -1 too)
    last_time = ""
    for number, cue in enumerate(cues, start=1):
        # A cue usually starts where the previous one ended.
        start = last_time if cue.start_ms == last_end else timecode(cue.start_ms)
        last_end, last_time = cue.end_ms, timecode(cue.end_ms)
        tag = ""
        if voice is not None:
            found = tags.get(cue.speaker)
            if found is None:  # a speaker's first cue
                found = tags[cue.speaker] = voice(cue.speaker)
            tag = found
        content = ""
        if cue.lines:
            content = cue.label + "\n".join(cue.lines)
            for character, text in escapes:  # replace() hands the text back when it is absent
                content = content.replace(character, text)
            if legal is not None and (content[:1] == "\n" or "\n\n" in content):
                content = legal(content)
        end = voiced_end if tag else block_end
        if numbered:
            parts.append(f"{block_start}{number}\n{start} --> {last_time}\n{tag}{content}{end}")
        else:
            parts.append(f"{block_start}{start} --> {last_time}\n{tag}{content}{end}")
    parts.append(form.tail)
    return "".join(parts)
