"""Storage of practice attempts: a learner's rupture marks on one video and track.

The table lives in the store's database and schema (migration 2 in ``store.py``) and belongs
to the learner (ON DELETE CASCADE), so "delete all my data" deletes attempts too. Marks are
kept as JSON text, the same on SQLite and PostgreSQL; times are integer milliseconds.

>>> from alliance_lens.practice.scoring import Mark
>>> store = Store.open("sqlite://", clock=lambda: 1_700_000_000_000)
>>> ana = store.learner_for_token("browser-1")
>>> saved = save_attempt(store, ana.id, "v1", "expert", [Mark(14_000, "withdrawal")], cohort="A")
>>> saved.attempt, saved.cohort
(1, 'A')
>>> [a.marks for a in attempts_of_learner(store, ana.id)]
[(Mark(at_ms=14000, type='withdrawal', markers=()),)]
>>> store.close()
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from .practice.scoring import RUPTURE_TYPES, Mark
from .store import (
    _LEARNER_COLS,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    Learner,
    Store,
    _check_ms,
    _check_str,
    _iso,
    _refuse,
    learners,
    metadata,
)

MAX_MARKS = 5_000  # marks in one attempt: more is a stuck key, not a learner
Phase = Literal["before", "after"]
PHASES: tuple[Phase, ...] = ("before", "after")

attempts = Table(
    "practice_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("video_id", String(MAX_ID_CHARS), nullable=False),
    Column("track_id", String(MAX_ID_CHARS), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("marks", Text, nullable=False),  # JSON: [{"at_ms", "type", "markers"}, ...]
    Column("cohort", String(MAX_NAME_CHARS), nullable=False),  # "" when not in a cohort
    Column("phase", String(16), nullable=True),  # before | after (training), or none
    Column("created_at", BigInteger, nullable=False),
    Index("ix_practice_attempts_track", "video_id", "track_id"),
    Index("ix_practice_attempts_learner", "learner_id"),
)


def create_table(conn: Any) -> None:
    """Migration 2: add the attempts table (existing tables and rows are untouched)."""
    metadata.create_all(conn, tables=[attempts])


@dataclass(frozen=True)
class Attempt:
    id: int
    learner_id: int
    video_id: str
    track_id: str
    attempt: int  # 1, 2, ... per learner, video and track: retries keep earlier attempts
    marks: tuple[Mark, ...]
    cohort: str
    phase: Phase | None
    created_at: int


_COLS = [attempts.c[f.name] for f in fields(Attempt)]


def _attempt(row: Sequence[Any]) -> Attempt:
    values = list(row)
    values[5] = tuple(
        Mark(m["at_ms"], m.get("type"), tuple(m.get("markers", ()))) for m in json.loads(values[5])
    )
    return Attempt(*values)


def _check_marks(marks: Sequence[Mark]) -> str:
    if len(marks) > MAX_MARKS:
        _refuse("marks", f"holds {len(marks):,} marks; the limit is {MAX_MARKS:,}")
    data = []
    for i, mark in enumerate(marks):
        _check_ms(f"marks[{i}].at_ms", mark.at_ms)
        if mark.type is not None and mark.type not in RUPTURE_TYPES:
            _refuse(f"marks[{i}].type", f"must be withdrawal, confrontation or none: {mark.type!r}")
        for j, marker in enumerate(mark.markers):
            _check_str(f"marks[{i}].markers[{j}]", marker, MAX_ID_CHARS, allow_empty=False)
        data.append({"at_ms": mark.at_ms, "type": mark.type, "markers": list(mark.markers)})
    return json.dumps(data, separators=(",", ":"))


def save_attempt(
    store: Store,
    learner_id: int,
    video_id: str,
    track_id: str,
    marks: Sequence[Mark],
    *,
    cohort: str = "",
    phase: Phase | None = None,
) -> Attempt:
    """Store a new attempt (1, 2, ...) of the learner at this video's track."""
    _check_str("video_id", video_id, MAX_ID_CHARS, allow_empty=False)
    _check_str("track_id", track_id, MAX_ID_CHARS, allow_empty=False)
    _check_str("cohort", cohort, MAX_NAME_CHARS)
    if phase is not None and phase not in PHASES:
        _refuse("phase", f"must be before, after or none, found {phase!r}")
    payload = _check_marks(marks)
    key = {"learner_id": learner_id, "video_id": video_id, "track_id": track_id}
    # The store's own transaction and learner lock: the same write path as answers.
    with store._write() as conn:
        store._lock_learner(conn, learner_id)
        previous = conn.execute(
            select(func.coalesce(func.max(attempts.c.attempt), 0)).where(
                *(attempts.c[name] == value for name, value in key.items())
            )
        ).scalar_one()
        new = insert(attempts).values(
            **key,
            attempt=previous + 1,
            marks=payload,
            cohort=cohort,
            phase=phase,
            created_at=store._clock(),
        )
        return _attempt(conn.execute(new.returning(*_COLS)).one())


def attempts_of_learner(store: Store, learner_id: int) -> list[Attempt]:
    """Every attempt of the learner, oldest first (their practice history)."""
    query = (
        select(*_COLS)
        .where(attempts.c.learner_id == learner_id)
        .order_by(attempts.c.created_at, attempts.c.id)
    )
    with store._read() as conn:
        return [_attempt(row) for row in conn.execute(query)]


def attempts_for_track(
    store: Store, video_id: str, track_id: str, *, cohort: str | None = None
) -> list[tuple[Learner, Attempt]]:
    """Every learner's every attempt at one video's track (the cohort view), optionally of one
    cohort, by learner then attempt."""
    query = (
        select(*_LEARNER_COLS, *_COLS)
        .join(attempts, attempts.c.learner_id == learners.c.id)
        .where(attempts.c.video_id == video_id, attempts.c.track_id == track_id)
        .order_by(learners.c.id, attempts.c.attempt)
    )
    if cohort is not None:
        query = query.where(attempts.c.cohort == cohort)
    with store._read() as conn:
        rows = conn.execute(query).all()
    n = len(_LEARNER_COLS)
    return [(Learner(*row[:n]), _attempt(row[n:])) for row in rows]


def export_attempt_rows(store: Store, learner_id: int) -> list[dict[str, Any]]:
    """The learner's attempts as plain dicts, one per mark (an attempt without marks gives one
    row with empty mark fields), ready for ``pandas.DataFrame`` and the learner's download."""
    learner = store.get_learner(learner_id)
    rows = []
    for a in attempts_of_learner(store, learner_id):
        base = {
            "learner": learner.label,
            "video_id": a.video_id,
            "track_id": a.track_id,
            "attempt": a.attempt,
            "cohort": a.cohort,
            "phase": a.phase,
            "created_at": _iso(a.created_at),
        }
        for mark in a.marks or (None,):
            rows.append(
                base
                | {
                    "at_ms": mark.at_ms if mark else None,
                    "type": mark.type if mark else None,
                    "markers": ";".join(mark.markers) if mark else "",
                }
            )
    return rows
