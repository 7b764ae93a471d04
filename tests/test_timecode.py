"""Timecode formatting (castline.timecode): decimal seconds checked against exact decimals."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from castline.timecode import format_seconds, parse_duration


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
