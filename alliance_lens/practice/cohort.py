"""Cohort figures for educators: per-episode detection and latency, type confusion,
where false alarms cluster, and before/after-training comparison.

Each learner's attempt is scored with the same pure ``score`` as the learner sees; the caller
chooses which attempts count (e.g. each learner's latest per phase).

>>> from alliance_lens.model import Episode, Track
>>> track = Track(id="t", name="T", episodes=(Episode(id="a", type="withdrawal", onset=10_000),))
>>> entries = [Entry("ana", (Mark(12_000),)), Entry("ben", (Mark(40_000),))]
>>> [(d.episode.id, d.detected, d.learners) for d in episode_detection(track, entries)]
[('a', 1, 2)]
>>> false_alarm_density(track, entries, bin_ms=10_000)
[(40000, 1)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from ..model import Episode, Track
from .scoring import Mark, Score, median_ms, score_track

MISSED = "missed"  # the learner's side of the confusion matrix when they did not mark it
UNTYPED = "no type"


@dataclass(frozen=True)
class Entry:
    """One learner's attempt as the cohort view counts it."""

    learner: Hashable
    marks: tuple[Mark, ...]
    phase: str | None = None  # "before" | "after" (training), or none


@dataclass(frozen=True)
class EpisodeDetection:
    episode: Episode
    learners: int
    detected: int
    latencies_ms: tuple[int, ...]  # one per learner who noticed it, in learner order

    @property
    def detection_rate(self) -> float | None:
        return self.detected / self.learners if self.learners else None

    @property
    def median_latency_ms(self) -> int | None:
        return median_ms(self.latencies_ms)


def _scores(track: Track, entries: Sequence[Entry]) -> list[Score]:
    return [score_track(track, e.marks) for e in entries]


def episode_detection(track: Track, entries: Sequence[Entry]) -> list[EpisodeDetection]:
    """For each expert episode (in onset order): how many learners noticed it, how late."""
    scores = _scores(track, entries)
    result = []
    for episode in sorted(track.episodes, key=lambda e: e.onset):
        latencies = tuple(
            h.latency_ms for s in scores for h in s.hits if h.episode.id == episode.id
        )
        result.append(EpisodeDetection(episode, len(entries), len(latencies), latencies))
    return result


def type_confusion(track: Track, entries: Sequence[Entry]) -> dict[tuple[str, str], int]:
    """Counts of (expert type, learner's answer): a type, "no type", or "missed"."""
    counts: Counter[tuple[str, str]] = Counter()
    for s in _scores(track, entries):
        for h in s.hits:
            counts[(h.episode.type, h.mark.type or UNTYPED)] += 1
        for e in s.misses:
            counts[(e.type, MISSED)] += 1
    return dict(sorted(counts.items()))


def false_alarm_density(
    track: Track, entries: Sequence[Entry], bin_ms: int = 5_000
) -> list[tuple[int, int]]:
    """(bin start ms, false alarms in it) for every bin that has any, in time order: where
    learners see ruptures the expert does not."""
    if bin_ms <= 0:
        raise ValueError(f"bin width must be positive, found {bin_ms} ms")
    counts = Counter(
        m.at_ms // bin_ms * bin_ms for s in _scores(track, entries) for m in s.false_alarms
    )
    return sorted(counts.items())


@dataclass(frozen=True)
class PhaseSummary:
    phase: str
    attempts: int
    learners: int
    onsets: int  # expert onsets summed over the attempts
    hits: int
    median_latency_ms: int | None

    @property
    def detection_rate(self) -> float | None:
        return self.hits / self.onsets if self.onsets else None


def compare_phases(track: Track, entries: Sequence[Entry]) -> dict[str, PhaseSummary]:
    """Detection rate and latency for the "before" and "after" attempts, with counts (a phase
    with no attempts is reported with zeros, not left out)."""
    result = {}
    for phase in ("before", "after"):
        chosen = [e for e in entries if e.phase == phase]
        scores = _scores(track, chosen)
        result[phase] = PhaseSummary(
            phase,
            len(chosen),
            len({e.learner for e in chosen}),
            sum(s.onsets for s in scores),
            sum(len(s.hits) for s in scores),
            median_ms(h.latency_ms for s in scores for h in s.hits),
        )
    return result
