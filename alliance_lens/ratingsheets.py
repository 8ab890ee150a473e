"""Storage of rating sheets: a rater's 3RS-style ratings of one video's track, per segment.

The table lives in the store's database (migration 4 in ``store_schema.py``) and belongs to
the rater (ON DELETE CASCADE), so "delete all my data" deletes their sheets too. Each save
is a new version; agreement uses each rater's latest. Rows are kept as JSON text (the same on
SQLite and PostgreSQL); times are integer milliseconds, significance and resolution 1-5.

>>> store = Store.open("sqlite://", clock=lambda: 1_700_000_000_000)
>>> ana = store.learner_for_token("browser-1")
>>> rows = [SheetRow(0, withdrawal=4, markers=frozenset({"minimal_response"})), SheetRow(60_000)]
>>> saved = save_sheet(store, ana.id, "v1", "expert", rows, cohort="A")
>>> saved.version, saved.rows[0].withdrawal, saved.rows[1].withdrawal
(1, 4, None)
>>> [(rater.id, s.version) for rater, s in latest_sheets(store, "v1", "expert")]
[(1, 1)]
>>> store.close()
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

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

from .practice.ratings import SheetRow
from .store import (
    _LEARNER_COLS,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    Learner,
    Store,
    _check_ms,
    _check_str,
    _refuse,
    learners,
    metadata,
)

MAX_ROWS = 2_000  # segments in one sheet: a 5-minute sheet of a week of video
MAX_CODES = 100  # markers or strategies in one segment

sheets = Table(
    "rating_sheets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("video_id", String(MAX_ID_CHARS), nullable=False),
    Column("track_id", String(MAX_ID_CHARS), nullable=False),
    Column("version", Integer, nullable=False),
    Column("rows", Text, nullable=False),  # JSON: [{"start_ms", "withdrawal", ...}, ...]
    Column("cohort", String(MAX_NAME_CHARS), nullable=False),  # "" when not in a cohort
    Column("created_at", BigInteger, nullable=False),
    Index("ix_rating_sheets_track", "video_id", "track_id"),
    Index("ix_rating_sheets_learner", "learner_id"),
)


def create_table(conn: Any) -> None:
    """Migration 3: add the rating sheets table (existing tables and rows are untouched)."""
    metadata.create_all(conn, tables=[sheets])


@dataclass(frozen=True)
class SavedSheet:
    id: int
    learner_id: int
    video_id: str
    track_id: str
    version: int  # 1, 2, ... per rater, video and track: a new save keeps the earlier ones
    rows: tuple[SheetRow, ...]
    cohort: str
    created_at: int


_COLS = [sheets.c[f.name] for f in fields(SavedSheet)]


def row_to_data(row: SheetRow) -> dict[str, Any]:
    return {
        "start_ms": row.start_ms,
        "withdrawal": row.withdrawal,
        "confrontation": row.confrontation,
        "markers": sorted(row.markers),
        "strategies": sorted(row.strategies),
        "resolution": row.resolution,
    }


def row_from_data(data: Mapping[str, Any]) -> SheetRow:
    return SheetRow(
        int(data["start_ms"]),
        data.get("withdrawal"),
        data.get("confrontation"),
        frozenset(data.get("markers") or ()),
        frozenset(data.get("strategies") or ()),
        data.get("resolution"),
    )


def _sheet(row: Sequence[Any]) -> SavedSheet:
    values = list(row)
    values[5] = tuple(row_from_data(r) for r in json.loads(values[5]))
    return SavedSheet(*values)


def _check_rating(field: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        _refuse(field, f"must be a whole number from 1 to 5, or empty; found {value!r}")


def _check_rows(rows: Sequence[SheetRow]) -> str:
    if len(rows) > MAX_ROWS:
        _refuse("rows", f"holds {len(rows):,} segments; the limit is {MAX_ROWS:,}")
    data = []
    for i, row in enumerate(rows):
        _check_ms(f"rows[{i}].start_ms", row.start_ms)
        for name in ("withdrawal", "confrontation", "resolution"):
            _check_rating(f"rows[{i}].{name}", getattr(row, name))
        for name in ("markers", "strategies"):
            codes = getattr(row, name)
            if len(codes) > MAX_CODES:
                _refuse(f"rows[{i}].{name}", f"holds {len(codes)}; the limit is {MAX_CODES}")
            for code in codes:
                _check_str(f"rows[{i}].{name}", code, MAX_ID_CHARS, allow_empty=False)
        data.append(row_to_data(row))
    return json.dumps(data, separators=(",", ":"))


def save_sheet(
    store: Store,
    learner_id: int,
    video_id: str,
    track_id: str,
    rows: Sequence[SheetRow],
    *,
    cohort: str = "",
) -> SavedSheet:
    """Store a new version (1, 2, ...) of the rater's sheet for this video's track."""
    _check_str("video_id", video_id, MAX_ID_CHARS, allow_empty=False)
    _check_str("track_id", track_id, MAX_ID_CHARS, allow_empty=False)
    _check_str("cohort", cohort, MAX_NAME_CHARS)
    payload = _check_rows(rows)
    key = {"learner_id": learner_id, "video_id": video_id, "track_id": track_id}
    # The store's own transaction and learner lock: the same write path as answers.
    with store._write() as conn:
        store._lock_learner(conn, learner_id)
        previous = conn.execute(
            select(func.coalesce(func.max(sheets.c.version), 0)).where(
                *(sheets.c[name] == value for name, value in key.items())
            )
        ).scalar_one()
        new = insert(sheets).values(
            **key, version=previous + 1, rows=payload, cohort=cohort, created_at=store._clock()
        )
        return _sheet(conn.execute(new.returning(*_COLS)).one())


def latest_sheet(store: Store, learner_id: int, video_id: str, track_id: str) -> SavedSheet | None:
    """The rater's latest sheet for this video's track, if any."""
    query = (
        select(*_COLS)
        .where(
            sheets.c.learner_id == learner_id,
            sheets.c.video_id == video_id,
            sheets.c.track_id == track_id,
        )
        .order_by(sheets.c.version.desc())
        .limit(1)
    )
    with store._read() as conn:
        row = conn.execute(query).first()
    return _sheet(row) if row is not None else None


def latest_sheets(
    store: Store, video_id: str, track_id: str, *, cohort: str | None = None
) -> list[tuple[Learner, SavedSheet]]:
    """Each rater's latest sheet for one video's track (optionally of one cohort), by rater."""
    query = (
        select(*_LEARNER_COLS, *_COLS)
        .join(sheets, sheets.c.learner_id == learners.c.id)
        .where(sheets.c.video_id == video_id, sheets.c.track_id == track_id)
        .order_by(learners.c.id, sheets.c.version)
    )
    if cohort is not None:
        query = query.where(sheets.c.cohort == cohort)
    with store._read() as conn:
        rows = conn.execute(query).all()
    n = len(_LEARNER_COLS)
    latest: dict[int, tuple[Learner, SavedSheet]] = {}
    for row in rows:  # in version order: a later one replaces an earlier one
        learner = Learner(*row[:n])
        latest[learner.id] = (learner, _sheet(row[n:]))
    return list(latest.values())
