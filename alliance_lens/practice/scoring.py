"""Match a learner's rupture marks to the expert onsets of a track and compute the figures.

The rules (issue 12, docs/commentary-format.md "Practice"): the onsets in time order each take
the earliest unmatched mark inside their window (default 2 s before to 10 s after, both ends
included); unmatched onsets are misses, unmatched marks false alarms; latency = mark - onset.

>>> from alliance_lens.model import Episode
>>> eps = [Episode(id="a", type="withdrawal", onset=10_000, markers=("minimal_response",)),
...        Episode(id="b", type="confrontation", onset=62_000, markers=("denial",))]
>>> result = score(eps, [Mark(14_000, "withdrawal"), Mark(30_000)])
>>> [(h.episode.id, h.latency_ms, h.type_match) for h in result.hits]
[('a', 4000, True)]
>>> [e.id for e in result.misses], [m.at_ms for m in result.false_alarms]
(['b'], [30000])
>>> for line in summary(result): print(line)
You noticed 1 of 2 ruptures, on average 4 s after they began.
You missed the confrontation at 1:02: its first marker is denial.
You marked 1 moment where the expert saw no rupture: 0:30.
You named the type the expert gave for 1 of 1 rupture you typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import CommentaryFile, Episode, Practice, Track

DEFAULT_PRACTICE = Practice()
RUPTURE_TYPES = ("withdrawal", "confrontation")


@dataclass(frozen=True)
class Mark:
    """A learner's "a rupture starts here", with the optional type and markers they chose."""

    at_ms: int
    type: str | None = None
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    episode: Episode
    mark: Mark

    @property
    def latency_ms(self) -> int:
        return self.mark.at_ms - self.episode.onset

    @property
    def type_match(self) -> bool | None:
        """Whether the learner named the expert's type; None if they named no type."""
        return None if self.mark.type is None else self.mark.type == self.episode.type

    @property
    def marker_overlap(self) -> float | None:
        """Jaccard similarity of the markers; None if the learner chose no markers."""
        if not self.mark.markers:
            return None
        mine, expert = set(self.mark.markers), set(self.episode.markers)
        return len(mine & expert) / len(mine | expert)


@dataclass(frozen=True)
class Score:
    """The outcome of matching: hits, misses, false alarms, and the figures derived from them."""

    hits: tuple[Hit, ...]
    misses: tuple[Episode, ...]
    false_alarms: tuple[Mark, ...]

    @property
    def onsets(self) -> int:
        return len(self.hits) + len(self.misses)

    @property
    def marks(self) -> int:
        return len(self.hits) + len(self.false_alarms)

    @property
    def hit_rate(self) -> float | None:
        """Hits / expert onsets; None when the track has no onsets."""
        return len(self.hits) / self.onsets if self.onsets else None

    @property
    def precision(self) -> float | None:
        """Hits / marks; None when the learner made no marks."""
        return len(self.hits) / self.marks if self.marks else None

    @property
    def median_latency_ms(self) -> int | None:
        """Median of mark - onset over hits, in whole ms (an even count: the lower-middle
        mean, rounded down); None without hits."""
        return median_ms([h.latency_ms for h in self.hits])

    @property
    def typed_hits(self) -> int:
        return sum(h.type_match is not None for h in self.hits)

    @property
    def type_agreement(self) -> float | None:
        """Share of hits where the learner named the expert's type, over the hits they typed
        (naming a type is optional); None if no hit was typed."""
        typed = [h.type_match for h in self.hits if h.type_match is not None]
        return sum(typed) / len(typed) if typed else None

    @property
    def marker_overlap(self) -> float | None:
        """Mean Jaccard overlap of markers over the hits where the learner chose markers."""
        overlaps = [h.marker_overlap for h in self.hits if h.marker_overlap is not None]
        return sum(overlaps) / len(overlaps) if overlaps else None

    def figures(self) -> dict[str, Any]:
        return {
            "onsets": self.onsets,
            "marks": self.marks,
            "hits": len(self.hits),
            "misses": len(self.misses),
            "false_alarms": len(self.false_alarms),
            "hit_rate": self.hit_rate,
            "precision": self.precision,
            "median_latency_ms": self.median_latency_ms,
            "type_agreement": self.type_agreement,
            "marker_overlap": self.marker_overlap,
        }

    def to_json(self) -> dict[str, Any]:
        """The figures and each hit, miss and false alarm (the ``score --json`` output)."""
        return {
            "figures": self.figures(),
            "hits": [
                {
                    "episode": h.episode.id,
                    "onset_ms": h.episode.onset,
                    "mark_ms": h.mark.at_ms,
                    "latency_ms": h.latency_ms,
                    "type_match": h.type_match,
                    "marker_overlap": h.marker_overlap,
                }
                for h in self.hits
            ],
            "misses": [{"episode": e.id, "onset_ms": e.onset} for e in self.misses],
            "false_alarms": [{"mark_ms": m.at_ms} for m in self.false_alarms],
        }


def median_ms(values: Iterable[int]) -> int | None:
    """The median in whole ms (an even count: the mean of the middle two, rounded down).

    >>> median_ms([3, 1, 2]), median_ms([1_000, 2]), median_ms([])
    (2, 501, None)
    """
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) // 2


def score(
    episodes: Iterable[Episode],
    marks: Iterable[Mark],
    practice: Practice | None = None,
) -> Score:
    """Match ``marks`` to the onsets of ``episodes`` under ``practice``'s window."""
    practice = practice or DEFAULT_PRACTICE
    # Ties in time keep the given order (sorted is stable), so results are reproducible.
    onsets = sorted(episodes, key=lambda e: e.onset)
    pending = sorted(marks, key=lambda m: m.at_ms)
    taken = [False] * len(pending)
    hits: list[Hit] = []
    misses: list[Episode] = []
    for episode in onsets:
        low, high = episode.onset - practice.window_before, episode.onset + practice.window_after
        chosen = next(
            (i for i, m in enumerate(pending) if not taken[i] and low <= m.at_ms <= high), None
        )
        if chosen is None:
            misses.append(episode)
        else:
            taken[chosen] = True
            hits.append(Hit(episode, pending[chosen]))
    false_alarms = tuple(m for i, m in enumerate(pending) if not taken[i])
    return Score(tuple(hits), tuple(misses), false_alarms)


def practice_track(doc: CommentaryFile, track_id: str | None = None) -> Track | None:
    """The track to score against: ``track_id``, else the file's practice track."""
    return doc.track(track_id) if track_id is not None else doc.practice_track_or_default()


def score_track(track: Track, marks: Iterable[Mark]) -> Score:
    """Score against a track's episodes with its own practice settings (or the defaults)."""
    return score(track.episodes, marks, track.practice)


# ---------------------------------------------------------------- plain sentences


def summary(result: Score, vocabulary: Any | None = None) -> list[str]:
    """A few plain sentences for the learner; marker ids become the vocabulary's labels."""
    if not result.onsets:
        lines = ["The expert marked no rupture in this track, so there was nothing to notice."]
        if result.false_alarms:
            lines.append(_false_alarms(result.false_alarms))
        return lines
    lines = [_noticed(result)]
    for episode in result.misses:
        line = f"You missed the {episode.type} at {clock(episode.onset)}"
        if episode.markers:
            label = _label(episode.markers[0], vocabulary)
            line += f": its first marker is {label[:1].lower() + label[1:]}"
        lines.append(line + ".")
    if result.false_alarms:
        lines.append(_false_alarms(result.false_alarms))
    if result.typed_hits:
        right = sum(bool(h.type_match) for h in result.hits)
        lines.append(
            f"You named the type the expert gave for {right} of {_n(result.typed_hits, 'rupture')}"
            " you typed."
        )
    return lines


def _noticed(result: Score) -> str:
    head = f"You noticed {len(result.hits)} of {_n(result.onsets, 'rupture')}"
    median = result.median_latency_ms
    if median is None:
        return head + "."
    seconds = (abs(median) + 500) // 1000  # half a second rounds up, always
    if seconds == 0:
        return head + ", on average as they began."
    side = "after" if median > 0 else "before"
    return head + f", on average {seconds} s {side} they began."


def _false_alarms(marks: Sequence[Mark]) -> str:
    where = ", ".join(clock(m.at_ms) for m in marks)
    return f"You marked {_n(len(marks), 'moment')} where the expert saw no rupture: {where}."


def _label(marker_id: str, vocabulary: Any | None) -> str:
    if vocabulary is not None:
        return str(vocabulary.marker_label(marker_id))
    return marker_id.replace("_", " ")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def clock(ms: int) -> str:
    """Whole seconds as a reader says them: ``m:ss`` or ``h:mm:ss``.

    >>> clock(62_500), clock(3_723_000), clock(0)
    ('1:02', '1:02:03', '0:00')
    """
    total = max(ms, 0) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
