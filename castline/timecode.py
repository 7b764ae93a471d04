"""Timecodes: text to integer milliseconds and back.

Every formatter takes an ``int`` of milliseconds, splits it once with ``divmod`` and never
touches floats, so ``48998`` can never print as ``48.100`` (a float-rounding bug seen in
subtitle libraries).
"""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(\d+(?::\d+)*)(?:[.,](\d{1,3}))?$")
_ISO_DURATION = re.compile(
    r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE
)


def parse_clock(text: str) -> int:
    """Parse ``SS``, ``M:SS``, ``MM:SS`` or ``H:MM:SS`` (optional ``.mmm``) to milliseconds.

    White space anywhere is ignored, so a value folded across lines (``'9:`` newline ``46'``,
    as YAML hands it: ``'9: 46'``) still parses.

    >>> parse_clock("1:32")
    92000
    >>> parse_clock("1:00:25")
    3625000
    >>> parse_clock("9: 46")
    586000
    >>> parse_clock("35:12.25")
    2112250

    The first field may be any size (``125:30`` is 125 minutes); later fields are two digits
    below 60.

    >>> parse_clock("125:30")
    7530000

    Raises:
        ValueError: the text is not a clock time, or a later field is 60 or more.
    """
    compact = "".join(text.split())
    match = _CLOCK.match(compact)
    if not match:
        raise ValueError(f"not a time: {text!r}")
    fields, fraction = match.group(1).split(":"), match.group(2)
    if len(fields) > 3 or any(len(field) > 2 or int(field) >= 60 for field in fields[1:]):
        raise ValueError(f"not a time: {text!r}")
    seconds = 0
    for field in fields:
        seconds = seconds * 60 + int(field)
    return seconds * 1000 + int((fraction or "").ljust(3, "0"))


def parse_duration(text: str) -> int:
    """Parse an ISO 8601 duration, ``H:MM:SS``/``M:SS`` or plain seconds to milliseconds.

    >>> parse_duration("PT01H03M37S")
    3817000
    >>> parse_duration("PT01H40S")
    3640000
    >>> parse_duration("58:09")
    3489000
    >>> parse_duration("3489")
    3489000

    Raises:
        ValueError: none of those forms.
    """
    compact = text.strip()
    match = _ISO_DURATION.match(compact)
    if match and any(match.groups()):
        days, hours, minutes, seconds = match.groups()
        whole = (int(days or 0) * 24 + int(hours or 0)) * 3600 + int(minutes or 0) * 60
        return whole * 1000 + round(float(seconds or 0) * 1000)
    try:
        return parse_clock(compact)
    except ValueError:
        raise ValueError(f"not a duration: {text!r}") from None


#: ``,mmm`` and ``.mmm`` of each millisecond count: the ends of SubRip and WebVTT times.
_SRT_MILLIS = tuple(f",{millis:03d}" for millis in range(1000))
_VTT_MILLIS = tuple(f".{millis:03d}" for millis in range(1000))
#: ``HH:MM:SS`` of each whole second formatted so far, below :data:`_HMS_CACHED` (a day, at
#: most about 10 MB): a caption file formats two times per cue, mostly of seconds it has
#: formatted before, and a lookup costs a fraction of splitting and formatting each time.
_HMS: dict[int, str] = {}
_HMS_CACHED = 24 * 3600


def _hms(seconds: int) -> str:
    """``HH:MM:SS`` of a whole number of seconds, remembered in :data:`_HMS`."""
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    text = f"{hours:02d}:{mins:02d}:{secs:02d}"
    if seconds < _HMS_CACHED:
        _HMS[seconds] = text
    return text


def _timecode(ms: int, millis_text: tuple[str, ...]) -> str:
    """``HH:MM:SS`` then ``millis_text[ms % 1000]`` (the separator and three digits).

    Raises:
        ValueError: a negative time.
    """
    if ms < 0:
        raise ValueError(f"negative time: {ms} ms")
    seconds, millis = divmod(ms, 1000)
    return (_HMS.get(seconds) or _hms(seconds)) + millis_text[millis]


def format_srt_timecode(ms: int) -> str:
    """``HH:MM:SS,mmm`` (SubRip).

    >>> format_srt_timecode(3_723_004)
    '01:02:03,004'

    Raises:
        ValueError: a negative time.
    """
    return _timecode(ms, _SRT_MILLIS)


def format_vtt_timecode(ms: int) -> str:
    """``HH:MM:SS.mmm``, hours always written: a WebVTT timestamp (W3C WebVTT, 4.3) and the
    Normal Play Time that Podlove Simple Chapters ``start`` takes (RFC 2326, 3.6).

    >>> format_vtt_timecode(48_998)
    '00:00:48.998'

    Raises:
        ValueError: a negative time.
    """
    return _timecode(ms, _VTT_MILLIS)


def format_hms(ms: int) -> str:
    """``HH:MM:SS``, truncated to the second (plain-text transcripts).

    >>> format_hms(92_999)
    '00:01:32'

    Raises:
        ValueError: a negative time.
    """
    if ms < 0:
        raise ValueError(f"negative time: {ms} ms")
    seconds = ms // 1000
    return _HMS.get(seconds) or _hms(seconds)


def format_clock(ms: int) -> str:
    """``M:SS`` under an hour, ``H:MM:SS`` beyond, truncated to the second (YouTube chapters).

    >>> format_clock(0)
    '0:00'
    >>> format_clock(3_725_000)
    '1:02:05'

    Raises:
        ValueError: a negative time.
    """
    if ms < 0:
        raise ValueError(f"negative time: {ms} ms")
    seconds = ms // 1000
    hms = _HMS.get(seconds) or _hms(seconds)
    # ``HH:MM:SS`` without the leading zeros (and hours) it has short of 10 h, 1 h, 10 min.
    if seconds >= 36_000:
        return hms
    if seconds >= 3600:
        return hms[1:]
    return hms[3:] if seconds >= 600 else hms[4:]


#: Each millisecond count's decimals, ``""`` for none: a site page formats a hundred thousand
#: times, and a lookup costs less than formatting and stripping zeros each time.
_FRACTIONS = ("", *(f".{millis:03d}".rstrip("0") for millis in range(1, 1000)))


def format_seconds(ms: int) -> str:
    """Decimal seconds without trailing zeros (JSON chapters, ``podcast:soundbite``).

    >>> format_seconds(92_000)
    '92'
    >>> format_seconds(2_112_250)
    '2112.25'
    """
    seconds, millis = divmod(ms, 1000)
    return f"{seconds}{_FRACTIONS[millis]}"


def format_ms(ms: int) -> str:
    """A time for messages: ``M:SS`` or ``H:MM:SS``, with ``.mmm`` only when not whole.

    >>> format_ms(2_092_000)
    '34:52'
    >>> format_ms(3_725_040)
    '1:02:05.040'
    >>> format_ms(-1_500)
    '-0:01.500'
    """
    if ms < 0:
        return "-" + format_ms(-ms)
    text = format_clock(ms)
    return f"{text}.{ms % 1000:03d}" if ms % 1000 else text
