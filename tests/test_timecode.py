"""Timecode formatting (castline.timecode): decimal seconds checked against exact decimals,
clock times against the fields split and formatted the simple way."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.timecode import (
    format_clock,
    format_hms,
    format_seconds,
    format_srt_timecode,
    format_vtt_timecode,
    parse_duration,
)


@given(st.integers(min_value=0, max_value=10**10))
def test_seconds_are_the_exact_decimal_without_trailing_zeros(ms: int) -> None:
    text = format_seconds(ms)
    # Decimal division keeps the ideal exponent: 92000/1000 is 92, 2112250/1000 is 2112.25.
    assert text == format(Decimal(ms) / 1000, "f")
    assert not text.endswith((".", "0")) or "." not in text
    assert parse_duration(text) == ms


def test_seconds_of_each_fraction() -> None:
    assert [format_seconds(ms) for ms in (0, 1, 10, 100, 120, 999, 1000, 60_050)] == [
        "0",
        "0.001",
        "0.01",
        "0.1",
        "0.12",
        "0.999",
        "1",
        "60.05",
    ]


def _fields(ms: int) -> tuple[int, int, int, int]:
    """Hours, minutes, seconds and ms, split the simple way."""
    seconds, millis = divmod(ms, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return hours, mins, secs, millis


def assert_formatted_from_fields(ms: int) -> None:
    """Each timecode is what formatting the split fields writes (the formatters take theirs
    from tables and a cache of seconds instead)."""
    h, m, s, f = _fields(ms)
    assert format_srt_timecode(ms) == f"{h:02d}:{m:02d}:{s:02d},{f:03d}"
    assert format_vtt_timecode(ms) == f"{h:02d}:{m:02d}:{s:02d}.{f:03d}"
    assert format_hms(ms) == f"{h:02d}:{m:02d}:{s:02d}"
    assert format_clock(ms) == (f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}")


def test_timecodes_of_every_second_of_two_hours_and_around_the_last_cached() -> None:
    # Each with another ms count; the formatters remember the seconds of the first day.
    for seconds in itertools.chain(range(7200), range(23 * 3600, 25 * 3600)):
        assert_formatted_from_fields(seconds * 1000 + seconds % 1000)


def test_timecodes_of_every_millisecond_of_a_minute() -> None:
    for ms in range(59_000, 121_000):
        assert_formatted_from_fields(ms)


@given(st.integers(min_value=0, max_value=10**15))
def test_timecodes_are_the_split_fields_formatted(ms: int) -> None:
    assert_formatted_from_fields(ms)
    assert_formatted_from_fields(ms)  # once more, from the cache


@pytest.mark.parametrize(
    "formatter", [format_srt_timecode, format_vtt_timecode, format_hms, format_clock]
)
def test_a_negative_time_is_refused(formatter: Callable[[int], str]) -> None:
    with pytest.raises(ValueError, match=r"^negative time: -1 ms$"):
        formatter(-1)
