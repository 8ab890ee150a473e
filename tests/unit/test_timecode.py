"""Times: one parse/format pair that round-trips every millisecond."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_lens.timecode import MAX_MS, TimeFormatError, format_time, parse_time


@given(st.integers(min_value=0, max_value=MAX_MS))
def test_format_then_parse_is_exact(ms: int) -> None:
    assert parse_time(format_time(ms)) == ms
    assert parse_time(format_time(ms, compact=True)) == ms


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0", 0),
        ("59.9", 59_900),
        ("01:02", 62_000),
        ("1:02.05", 62_050),
        ("01:02,5", 62_500),
        ("1:00:00.001", 3_600_001),
        ("  00:07.250 ", 7_250),
        ("90", 90_000),
    ],
)
def test_accepted_forms(text: str, ms: int) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize(
    "bad", ["", "abc", "1:60", "1:60:00", "-1", "1.2345", "01:02:03:04", "1e3", "∞", "12:"]
)
def test_rejected_forms_say_what_was_expected(bad: str) -> None:
    with pytest.raises(TimeFormatError, match="expected a time|below 60"):
        parse_time(bad)


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf"), True, None, [1]])
def test_rejected_values(bad: object) -> None:
    with pytest.raises(TimeFormatError):
        parse_time(bad)  # type: ignore[arg-type]


def test_limit() -> None:
    with pytest.raises(TimeFormatError, match="100-hour"):
        parse_time(MAX_MS / 1000 + 1)


@given(st.text(max_size=30))
def test_random_text_raises_only_time_errors(text: str) -> None:
    with contextlib.suppress(TimeFormatError):
        assert parse_time(text) >= 0
