"""The reflections database's tables, and the migrations that build them step by step."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection

from alliance_lens.errors import StoreError

MAX_ID_CHARS = 255  # browser tokens, video/track/prompt ids: short keys, not prose


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


# --- Schema -----------------------------------------------------------------------------------
# The tables as the current code reads them. Migrations below build them step by step.

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", BigInteger, nullable=False),
)

learners = Table(
    "learners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("browser_token", String(MAX_ID_CHARS), nullable=False, unique=True),
    # "" (never a stored name: names are refused empty) until the learner chooses one.
    Column("display_name", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Learner-owned tables reference learners with ON DELETE CASCADE, so deleting the learner row
# deletes everything of theirs, including tables that later migrations add the same way.
answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("video_id", String(MAX_ID_CHARS), nullable=False),
    Column("track_id", String(MAX_ID_CHARS), nullable=False),
    Column("prompt_id", String(MAX_ID_CHARS), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("text", Text, nullable=True),
    Column("choice", Text, nullable=True),
    Column("answered_at", BigInteger, nullable=False),
    # video_id is part of the key because track ids need only be unique within one video.
    UniqueConstraint(
        "learner_id", "video_id", "track_id", "prompt_id", "attempt", name="uq_answers_attempt"
    ),
    Index("ix_answers_prompt", "video_id", "track_id", "prompt_id"),
)

positions = Table(
    "positions",
    metadata,
    Column(
        "learner_id",
        Integer,
        ForeignKey("learners.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("video_id", String(MAX_ID_CHARS), primary_key=True),
    Column("position_ms", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)


def _m1_initial(conn: Connection) -> None:
    # A migration may create tables from the shared definitions above only while no later
    # migration alters them; before altering a table, freeze its old definition in here.
    metadata.create_all(conn, tables=[learners, answers, positions])


def _m2_practice_attempts(conn: Connection) -> None:
    from alliance_lens.attempts import create_table  # defined there, beside its queries

    create_table(conn)


def _m3_rooms(conn: Connection) -> None:
    from alliance_lens.rooms.schema import create_tables  # defined there, beside its queries

    create_tables(conn)


def _m4_rating_sheets(conn: Connection) -> None:
    from alliance_lens.ratingsheets import create_table  # defined there, beside its queries

    create_table(conn)


def _m5_signin_state(conn: Connection) -> None:
    from alliance_lens.signin_store import create_tables  # defined there, beside its queries

    create_tables(conn)


# Append only. Migration n (1-based) takes the schema from version n-1 to n.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _m1_initial,
    _m2_practice_attempts,
    _m3_rooms,
    _m4_rating_sheets,
    _m5_signin_state,
)
_PG_MIGRATION_LOCK = 0x616C6C65  # arbitrary advisory-lock key: one migrator at a time


def _migrate(conn: Connection) -> int:
    """Apply the migrations the database has not had yet, in this transaction; return the version.

    A failing migration rolls back whole (DDL is transactional on both databases). Concurrent
    openers are serialised: SQLite by the write lock (BEGIN IMMEDIATE), PostgreSQL by an
    advisory lock held until commit.
    """
    migrations = MIGRATIONS  # looked up at call time, so tests can add one
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    schema_version.create(conn, checkfirst=True)
    current = conn.scalar(select(func.max(schema_version.c.version))) or 0
    if current > len(migrations):
        raise StoreError(
            f"the database has schema version {current}, but this version of Alliance Lens "
            f"knows only up to {len(migrations)}: upgrade Alliance Lens"
        )
    for version in range(current + 1, len(migrations) + 1):
        migrations[version - 1](conn)
        conn.execute(insert(schema_version).values(version=version, applied_at=_now_ms()))
    return len(migrations)
