"""Helpers shared by the authoring tests."""

from __future__ import annotations

from alliance_lens import authoring as au


def ms_of(value: str) -> int:
    """A draft's time as milliseconds; the test fails if it is not a time."""
    t = au.time_ms(value)
    assert t is not None
    return t
