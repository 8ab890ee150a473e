"""Practice results shaped for pages: browser marks in; feedback, history and cohort rows out.

Pure (no Streamlit): the matching and every figure come from ``alliance_lens.practice``; this
module only reads the browser's payload and lays the results out as rows for tables, charts
and CSV downloads. Cohort exports name learners by stable codes, not names, by default.

>>> marks_from_payload({"marks": [{"at_ms": 14000.4, "type": "withdrawal", "markers": ["x"]},
...                               {"at_ms": -5}, "junk"]})
[Mark(at_ms=0, type=None, markers=()), Mark(at_ms=14000, type='withdrawal', markers=('x',))]
>>> learner_code(7)
'L007'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from .attempts import MAX_MARKS, Attempt
from .model import Track
from .practice.cohort import (
    Entry,
    compare_phases,
    episode_detection,
    false_alarm_density,
    type_confusion,
)
from .practice.scoring import RUPTURE_TYPES, Mark, Score, clock, score_track
from .vocabulary import Vocabulary

REPLAY_BEFORE_MS = 3_000  # "replay from 3 s before"
MAX_MARKERS = 50


def marks_from_payload(payload: Any) -> list[Mark]:
    """The marks the browser sent (``{"marks": [{at_ms, type, markers}]}``), in time order.

    Whatever is not a mark is dropped; times are clamped to >= 0 and rounded to whole ms.
    """
    raw = payload.get("marks") if isinstance(payload, dict) else None
    marks = []
    for item in (raw if isinstance(raw, list) else [])[:MAX_MARKS]:
        if not isinstance(item, dict):
            continue
        at = item.get("at_ms")
        if isinstance(at, bool) or not isinstance(at, int | float) or not math.isfinite(at):
            continue
        kind = item.get("type") if item.get("type") in RUPTURE_TYPES else None
        markers = item.get("markers") if kind else ()
        chosen = tuple(
            m
            for m in (markers if isinstance(markers, list) else [])[:MAX_MARKERS]
            if isinstance(m, str) and m
        )
        marks.append(Mark(max(0, round(at)), kind, chosen))
    return sorted(marks, key=lambda m: m.at_ms)


def replay_ms(at_ms: int) -> int:
    return max(0, at_ms - REPLAY_BEFORE_MS)


def feedback_items(result: Score, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """One row per expert episode (hit or missed) and per false alarm, in time order."""
    items: list[dict[str, Any]] = []
    for hit in result.hits:
        e = hit.episode
        items.append(
            _episode_item("hit", e, vocabulary)
            | {
                "mark_ms": hit.mark.at_ms,
                "latency_ms": hit.latency_ms,
                "type_match": hit.type_match,
                "your_type": hit.mark.type,
                "marker_overlap": hit.marker_overlap,
                "your_markers": [vocabulary.marker_label(m) for m in hit.mark.markers],
            }
        )
    for e in result.misses:
        items.append(_episode_item("missed", e, vocabulary))
    for m in result.false_alarms:
        items.append(
            {
                "outcome": "false alarm",
                "at_ms": m.at_ms,
                "mark_ms": m.at_ms,
                "replay_ms": replay_ms(m.at_ms),
                "your_type": m.type,
            }
        )
    return sorted(items, key=lambda i: (i["at_ms"], i["outcome"]))


def _episode_item(outcome: str, e: Any, vocabulary: Vocabulary) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "at_ms": e.onset,
        "replay_ms": replay_ms(e.onset),
        "episode": e.id,
        "title": e.title or f"{e.type.capitalize()} rupture",
        "type": e.type,
        "markers": [vocabulary.marker_label(m) for m in e.markers],
    }


def timeline_rows(result: Score) -> list[dict[str, Any]]:
    """The learner's marks and the expert onsets as points on one timeline (seconds)."""
    rows = [
        {
            "who": "Expert",
            "seconds": h.episode.onset / 1000,
            "outcome": "hit",
            "at": clock(h.episode.onset),
        }
        for h in result.hits
    ]
    rows += [
        {"who": "Expert", "seconds": e.onset / 1000, "outcome": "missed", "at": clock(e.onset)}
        for e in result.misses
    ]
    rows += [
        {"who": "You", "seconds": h.mark.at_ms / 1000, "outcome": "hit", "at": clock(h.mark.at_ms)}
        for h in result.hits
    ]
    rows += [
        {"who": "You", "seconds": m.at_ms / 1000, "outcome": "false alarm", "at": clock(m.at_ms)}
        for m in result.false_alarms
    ]
    return sorted(rows, key=lambda r: (r["who"], r["seconds"]))


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def seconds_text(ms: int | None) -> str:
    return "–" if ms is None else f"{ms / 1000:+.1f} s"


def history_rows(
    attempts: Iterable[Attempt], tracks: dict[tuple[str, str], Track], titles: dict[str, str]
) -> list[dict[str, Any]]:
    """The learner's attempts with their figures, newest first; an attempt at a video or track
    no longer in the library is listed without figures."""
    rows = []
    for a in attempts:
        track = tracks.get((a.video_id, a.track_id))
        row: dict[str, Any] = {
            "video": titles.get(a.video_id, a.video_id),
            "track": track.name if track else a.track_id,
            "attempt": a.attempt,
            "created_at": a.created_at,
            "cohort": a.cohort,
            "phase": a.phase or "",
            "marks": len(a.marks),
        }
        if track is not None:
            f = score_track(track, a.marks).figures()
            row |= {
                "noticed": f"{f['hits']} of {f['onsets']}",
                "false alarms": f["false_alarms"],
                "hit rate": percent(f["hit_rate"]),
                "median latency": seconds_text(f["median_latency_ms"]),
                "type agreement": percent(f["type_agreement"]),
            }
        rows.append(row)
    return sorted(rows, key=lambda r: -r["created_at"])


# ---------------------------------------------------------------- cohort (educators)


def learner_code(learner_id: Any) -> str:
    """A stable code for a learner in exports: the same learner, the same code, no name."""
    return f"L{int(learner_id):03d}"


def cohort_entries(pairs: Sequence[tuple[Any, Attempt]], latest: bool = True) -> list[Entry]:
    """Attempts as the cohort figures count them: each learner's latest attempt per phase
    (``latest``), or every attempt."""
    chosen: dict[Any, Attempt] = {}
    for learner, attempt in pairs:
        key = (learner.id, attempt.phase) if latest else (learner.id, attempt.id)
        if key not in chosen or attempt.attempt > chosen[key].attempt:
            chosen[key] = attempt
    return [Entry(a.learner_id, a.marks, a.phase) for a in chosen.values()]


def detection_rows(track: Track, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    return [
        {
            "episode": d.episode.id,
            "onset": clock(d.episode.onset),
            "type": d.episode.type,
            "learners": d.learners,
            "noticed": d.detected,
            "detection rate": d.detection_rate,
            "median latency (s)": None
            if d.median_latency_ms is None
            else d.median_latency_ms / 1000,
        }
        for d in episode_detection(track, entries)
    ]


def latency_rows(track: Track, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """One row per (episode, learner who noticed it): the latency distribution, learners coded."""
    rows: list[dict[str, Any]] = []
    for e in entries:
        for hit in score_track(track, e.marks).hits:
            rows.append(
                {
                    "episode": hit.episode.id,
                    "onset_ms": hit.episode.onset,
                    "learner": learner_code(e.learner),
                    "latency (s)": hit.latency_ms / 1000,
                }
            )
    rows.sort(key=lambda r: (r["onset_ms"], r["learner"]))
    return [{k: v for k, v in r.items() if k != "onset_ms"} for r in rows]


def confusion_rows(track: Track, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    return [
        {"expert type": expert, "learner answer": answer, "count": n}
        for (expert, answer), n in type_confusion(track, entries).items()
    ]


def density_rows(
    track: Track, entries: Sequence[Entry], bin_ms: int = 5_000
) -> list[dict[str, Any]]:
    return [
        {
            "from (s)": start / 1000,
            "to (s)": (start + bin_ms) / 1000,
            "at": clock(start),
            "false alarms": n,
        }
        for start, n in false_alarm_density(track, entries, bin_ms)
    ]


def phase_rows(track: Track, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    return [
        {
            "phase": s.phase,
            "attempts": s.attempts,
            "learners": s.learners,
            "onsets": s.onsets,
            "noticed": s.hits,
            "detection rate": s.detection_rate,
            "median latency (s)": None
            if s.median_latency_ms is None
            else s.median_latency_ms / 1000,
        }
        for s in compare_phases(track, entries).values()
    ]


def attempt_export_rows(
    pairs: Sequence[tuple[Any, Attempt]], track: Track, *, identify: bool = False
) -> list[dict[str, Any]]:
    """Every attempt with its figures for a research data set; learners by code unless
    ``identify`` (then their chosen names too)."""
    rows = []
    for learner, a in pairs:
        row: dict[str, Any] = {"learner": learner_code(learner.id)}
        if identify:
            row["name"] = learner.label
        row |= {"attempt": a.attempt, "cohort": a.cohort, "phase": a.phase or ""}
        row |= score_track(track, a.marks).figures()
        rows.append(row)
    return rows
