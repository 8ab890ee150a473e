"""Times: one parse/format pair that round-trips every millisecond."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_lens.timecode import (
    MAX_MS,
    TimeFormatError,
    format_time,
    frame_index,
    parse_time,
    snap_to_frame,
)


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


@given(
    st.integers(min_value=0, max_value=10 * 3600 * 1000),
    st.sampled_from([23.976, 24, 25, 29.97, 30, 50, 59.94, 60]),
    st.integers(min_value=-5, max_value=5),
)
def test_snapping_lands_on_the_first_ms_inside_the_frame(ms, fps, frames):
    snapped = snap_to_frame(ms, fps, frames)
    want = max(0, frame_index(ms, fps) + frames)
    assert frame_index(snapped, fps) == want  # the player shows that very frame
    assert snapped == 0 or frame_index(snapped - 1, fps) == want - 1  # and it is the first ms
