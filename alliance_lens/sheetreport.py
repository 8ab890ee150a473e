"""Rating sheets shaped for pages: the editor's rows in and out, a rater against the expert,
and agreement across raters (figures from ``practice.ratings``). Pure: no Streamlit.

Segments are named by their times, never by chapter titles: in practice mode a title would
give a rupture away before it is seen.

>>> from alliance_lens.practice.ratings import Segment
>>> segs = [Segment(0, 60_000, "Opening"), Segment(60_000, 90_000, "Later")]
>>> rows = editor_rows(segs, None)
>>> [(r["segment"], r["withdrawal"]) for r in rows]
[('0:00–1:00', None), ('1:00–1:30', None)]
>>> rows[1] |= {"withdrawal": 4.0, "markers": ["denial"], "resolution": float("nan")}
>>> sheet_from_editor(rows, segs)[1]
SheetRow(start_ms=60000, withdrawal=4, confrontation=None, markers=frozenset({'denial'}), \
strategies=frozenset(), resolution=None)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .practice.agreement import ICC, CohenKappa, FleissKappa
from .practice.ratings import (
    RUPTURE_TYPES,
    Segment,
    SheetRow,
    cohort_presence,
    cohort_significance,
    presence_agreement,
)
from .practice.scoring import clock

RATED = ("withdrawal", "confrontation", "resolution")


def segment_name(segment: Segment) -> str:
    return f"{clock(segment.start_ms)}–{clock(segment.end_ms)}"


def editor_rows(segments: Sequence[Segment], sheet: Sequence[SheetRow] | None) -> list[dict]:
    """One editable row per segment, filled from ``sheet`` (a rater's saved one) if given."""
    saved = {row.start_ms: row for row in sheet or ()}
    out = []
    for seg in segments:
        row = saved.get(seg.start_ms, SheetRow(seg.start_ms))
        out.append(
            {
                "segment": segment_name(seg),
                "withdrawal": row.withdrawal,
                "confrontation": row.confrontation,
                "markers": sorted(row.markers),
                "strategies": sorted(row.strategies),
                "resolution": row.resolution,
            }
        )
    return out


def _rating(value: Any) -> int | None:
    """A 1-5 rating from an editor cell; empty, NaN, 0 or anything else is "absent"."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if value == int(value) and 1 <= value <= 5 else None


def _codes(value: Any, known: set[str] | None) -> frozenset[str]:
    items = value if isinstance(value, list | tuple) else []
    return frozenset(
        str(v) for v in items if isinstance(v, str) and v and (not known or v in known)
    )


def sheet_from_editor(
    records: Iterable[Mapping[str, Any]],
    segments: Sequence[Segment],
    *,
    markers: Iterable[str] = (),
    strategies: Iterable[str] = (),
) -> list[SheetRow]:
    """The rater's sheet from the editor's rows (in segment order); markers and strategies
    outside the given vocabulary ids are dropped when ids are given."""
    known_m, known_s = set(markers) or None, set(strategies) or None
    return [
        SheetRow(
            seg.start_ms,
            _rating(rec.get("withdrawal")),
            _rating(rec.get("confrontation")),
            _codes(rec.get("markers"), known_m),
            _codes(rec.get("strategies"), known_s),
            _rating(rec.get("resolution")),
        )
        for seg, rec in zip(segments, records, strict=False)
    ]


def comparison_rows(
    mine: Sequence[SheetRow], expert: Sequence[SheetRow], segments: Sequence[Segment]
) -> list[dict[str, Any]]:
    """Per segment and type: the rater's and the expert's significance, and whether they
    agree on presence."""
    by_start = [{r.start_ms: r for r in sheet} for sheet in (mine, expert)]
    rows = []
    for seg in segments:
        a, b = (s.get(seg.start_ms, SheetRow(seg.start_ms)) for s in by_start)
        for kind in RUPTURE_TYPES:
            yours, theirs = a.significance(kind), b.significance(kind)
            rows.append(
                {
                    "segment": segment_name(seg),
                    "type": kind,
                    "you": "absent" if yours is None else str(yours),
                    "expert": "absent" if theirs is None else str(theirs),
                    "agree on presence": (yours is None) == (theirs is None),
                }
            )
    return rows


def agreement_with_expert(mine: Sequence[SheetRow], expert: Sequence[SheetRow]) -> CohenKappa:
    """Cohen's kappa for presence over segments x types, with percent agreement."""
    return presence_agreement(mine, expert)


def cohort_agreement(
    sheets: Sequence[Sequence[SheetRow]], segments: Sequence[Segment]
) -> tuple[FleissKappa, ICC]:
    """Fleiss' kappa (presence) and ICC(2,1) (significance, absent = 0) across raters."""
    starts = [s.start_ms for s in segments]
    return cohort_presence(sheets, starts), cohort_significance(sheets, starts)


def cohort_rows(
    sheets: Sequence[tuple[str, Sequence[SheetRow]]], segments: Sequence[Segment]
) -> list[dict[str, Any]]:
    """One row per rater (named by ``code``) and segment: each type's significance."""
    rows = []
    for code, sheet in sheets:
        by_start = {r.start_ms: r for r in sheet}
        for seg in segments:
            row = by_start.get(seg.start_ms, SheetRow(seg.start_ms))
            rows.append(
                {
                    "rater": code,
                    "segment": segment_name(seg),
                    "withdrawal": row.withdrawal,
                    "confrontation": row.confrontation,
                    "resolution": row.resolution,
                }
            )
    return rows
