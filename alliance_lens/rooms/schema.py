"""The live room's tables in the store's database (migration 3): rooms, participants, prompts
asked, answers and taps; everything of a room goes when the room row is deleted (cascades)."""

from __future__ import annotations

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
    UniqueConstraint,
)

from alliance_lens.store_schema import MAX_ID_CHARS, metadata


def _room_fk() -> ForeignKey:
    return ForeignKey("rooms.id", ondelete="CASCADE")


rooms = Table(
    "rooms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),  # what participants type
    Column("key_hash", String(64), nullable=False),  # SHA-256 of the presenter key, hex
    Column("title", Text, nullable=False),
    Column("join_base", Text, nullable=False),  # the address participants open, "" if unset
    # Bumped on every change a participant must see (prompt, playback, end); participants'
    # pages and every process's watcher compare it, so no process keeps room state.
    Column("version", BigInteger, nullable=False),
    Column("open_prompt_id", Integer, nullable=True),  # room_prompts.id while one is open
    Column("stage", String(16), nullable=False),  # what the stage shows: see STAGE_DISPLAYS
    Column("play_position_ms", BigInteger, nullable=False),  # video time at play_since
    Column("play_since", BigInteger, nullable=True),  # wall ms the video started; None: paused
    Column("ended_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

room_participants = Table(
    "room_participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, _room_fk(), nullable=False),
    Column("number", Integer, nullable=False),  # grows in join order (the row id): P001...
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token
    Column("pseudonym", Text, nullable=False),  # "" = anonymous
    Column("joined_at", BigInteger, nullable=False),
    # Rate limit kept in the row (any process may serve the next request): writes counted in
    # a fixed window that starts at rate_window.
    Column("rate_window", BigInteger, nullable=False),
    Column("rate_count", Integer, nullable=False),
    UniqueConstraint("room_id", "number", name="uq_room_participant_number"),
)

room_prompts = Table(
    "room_prompts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, _room_fk(), nullable=False),
    Column("prompt_key", String(MAX_ID_CHARS), nullable=False),  # the presenter's prompt id
    Column("body", Text, nullable=False),  # JSON: {"kind", "question", "options"}
    Column("opened_at", BigInteger, nullable=False),
    Column("closed_at", BigInteger, nullable=True),
    Index("ix_room_prompts_room", "room_id"),
)

room_answers = Table(
    "room_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, _room_fk(), nullable=False),
    Column("prompt_id", Integer, ForeignKey("room_prompts.id", ondelete="CASCADE"), nullable=False),
    Column(
        "participant_id",
        Integer,
        ForeignKey("room_participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("choice", Text, nullable=True),  # JSON list of the options chosen
    Column("text", Text, nullable=True),
    Column("approved", Integer, nullable=False),  # 1: the presenter let it reach the stage
    Column("answered_at", BigInteger, nullable=False),
    UniqueConstraint("prompt_id", "participant_id", name="uq_room_answer"),
    Index("ix_room_answers_room", "room_id"),
)

room_taps = Table(
    "room_taps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, _room_fk(), nullable=False),
    Column(
        "participant_id",
        Integer,
        ForeignKey("room_participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("at_ms", BigInteger, nullable=False),  # video time of the tap
    Column("created_at", BigInteger, nullable=False),
    Index("ix_room_taps_room", "room_id"),
)

TABLES = [rooms, room_participants, room_prompts, room_answers, room_taps]


def create_tables(conn: Any) -> None:
    """Migration 3: add the room tables (existing tables and rows are untouched)."""
    metadata.create_all(conn, tables=TABLES)
