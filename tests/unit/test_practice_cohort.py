"""Cohort figures: per-episode detection and latency, type confusion, false-alarm density and
before/after comparison, on a hand-made cohort."""

from __future__ import annotations

import pytest

from alliance_lens.model import Episode, Track
from alliance_lens.practice.cohort import (
    Entry,
    compare_phases,
    episode_detection,
    false_alarm_density,
    type_confusion,
)
from alliance_lens.practice.scoring import Mark

TRACK = Track(
    id="expert",
    name="Expert",
    episodes=(
        Episode(id="late", type="confrontation", onset=60_000),
        Episode(id="early", type="withdrawal", onset=10_000),
    ),
)

ENTRIES = [
    Entry("ana", (Mark(12_000, "withdrawal"), Mark(61_000, "withdrawal")), "before"),
    Entry("ben", (Mark(16_000), Mark(33_000), Mark(34_999)), "before"),
    Entry("ana", (Mark(11_000, "withdrawal"), Mark(62_000, "confrontation")), "after"),
    Entry("cy", (Mark(31_000, "confrontation"),), None),
]


def test_episode_detection_and_latency_per_episode() -> None:
    found = episode_detection(TRACK, ENTRIES)
    assert [(d.episode.id, d.learners, d.detected, d.latencies_ms) for d in found] == [
        ("early", 4, 3, (2_000, 6_000, 1_000)),
        ("late", 4, 2, (1_000, 2_000)),
    ]
    assert found[0].detection_rate == 0.75 and found[0].median_latency_ms == 2_000
    assert episode_detection(TRACK, [])[0].detection_rate is None


def test_type_confusion_counts_types_untyped_and_misses() -> None:
    assert type_confusion(TRACK, ENTRIES) == {
        ("confrontation", "confrontation"): 1,
        ("confrontation", "missed"): 2,
        ("confrontation", "withdrawal"): 1,
        ("withdrawal", "missed"): 1,
        ("withdrawal", "no type"): 1,
        ("withdrawal", "withdrawal"): 2,
    }


def test_false_alarms_cluster_in_bins() -> None:
    assert false_alarm_density(TRACK, ENTRIES) == [(30_000, 3)]
    assert false_alarm_density(TRACK, ENTRIES, bin_ms=2_000) == [
        (30_000, 1),
        (32_000, 1),
        (34_000, 1),
    ]
    with pytest.raises(ValueError, match="positive"):
        false_alarm_density(TRACK, ENTRIES, bin_ms=0)


def test_before_and_after_training_are_compared_with_counts() -> None:
    phases = compare_phases(TRACK, ENTRIES)
    before, after = phases["before"], phases["after"]
    assert (before.attempts, before.learners, before.onsets, before.hits) == (2, 2, 4, 3)
    assert before.detection_rate == 0.75 and before.median_latency_ms == 2_000
    assert (after.attempts, after.learners, after.hits, after.detection_rate) == (1, 1, 2, 1.0)
    assert after.median_latency_ms == 1_500
    empty = compare_phases(TRACK, [])["after"]
    assert (empty.attempts, empty.detection_rate, empty.median_latency_ms) == (0, None, None)
