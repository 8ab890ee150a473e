"""Storage for learner reflections: answers to prompts (all attempts kept) and playback positions.

SQLAlchemy Core on SQLite (the default, in WAL mode) or PostgreSQL (psycopg v3); every query is
the same on both. Results are frozen dataclasses; times are integer milliseconds since the Unix
epoch, UTC. Each write is committed before the method returns.

>>> store = Store.open("sqlite://", clock=lambda: 1_700_000_000_000)
>>> ana = store.get_or_create_learner("browser-token-1", "Ana")
>>> store.save_answer(ana.id, "v1", "track-a", "p1", text="She went quiet.").attempt
1
>>> store.save_answer(ana.id, "v1", "track-a", "p1", text="She went quiet; I asked.").attempt
2
>>> store.latest_answers(ana.id, "v1")[("track-a", "p1")].text
'She went quiet; I asked.'
>>> store.completion_counts("v1")
{('track-a', 'p1'): 1}
>>> store.export_rows(ana.id)[0]["answered_at"]
'2023-11-14T22:13:20.000+00:00'
>>> store.close()
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

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
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError

from alliance_lens.errors import StoreError, StoreInputError

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_NAME_CHARS",
    "Answer",
    "Learner",
    "Store",
    "StoreError",
    "StoreInputError",
    "UnknownLearnerError",
]

MAX_ANSWER_CHARS = 20_000
MAX_NAME_CHARS = 80
MAX_ID_CHARS = 255  # browser tokens, video/track/prompt ids: short keys, not prose


class UnknownLearnerError(StoreError, LookupError):
    """No learner has this id (never created, or their data was deleted)."""


@dataclass(frozen=True)
class Learner:
    id: int
    browser_token: str
    display_name: str  # "" until the learner chooses a name (answers are kept from the first)
    created_at: int

    @property
    def named(self) -> bool:
        return bool(self.display_name)

    @property
    def label(self) -> str:
        """The name, or how an educator sees a learner who has not chosen one.

        >>> Learner(42, "t", "", 0).label
        'Unnamed learner #0042'
        """
        return self.display_name or f"Unnamed learner #{self.id:04d}"


@dataclass(frozen=True)
class Answer:
    id: int
    learner_id: int
    video_id: str
    track_id: str
    prompt_id: str
    attempt: int
    text: str | None
    choice: str | None
    answered_at: int


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


# Append only. Migration n (1-based) takes the schema from version n-1 to n.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_m1_initial, _m2_practice_attempts)
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


# --- Input checks -----------------------------------------------------------------------------


def _check_str(field: str, value: object, limit: int, *, allow_empty: bool = True) -> None:
    """Refuse what cannot be stored exactly as given; never alter the value.

    >>> try:
    ...     _check_str("text", "x" * 20_001, MAX_ANSWER_CHARS)
    ... except StoreInputError as exc:
    ...     print(exc.message)
    text is 20,001 characters long; the limit is 20,000 characters
    """
    if not isinstance(value, str):
        _refuse(field, f"must be text, found {type(value).__name__}")
    elif len(value) > limit:
        _refuse(field, f"is {len(value):,} characters long; the limit is {limit:,} characters")
    elif not value and not allow_empty:
        _refuse(field, "must not be empty")
    # PostgreSQL text cannot hold NUL, and UTF-8 cannot encode a lone surrogate: refuse both
    # everywhere, so SQLite and PostgreSQL accept exactly the same input.
    elif "\x00" in value:
        _refuse(field, f"contains a NUL character at index {value.index(chr(0))}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        _refuse(field, f"has an unpaired surrogate at index {exc.start}: not valid Unicode")


def _check_ms(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        _refuse(field, f"must be a whole number of milliseconds >= 0, found {value!r}")


def _refuse(field: str, problem: str) -> NoReturn:
    raise StoreInputError(f"{field} {problem}", field=field)


# The columns behind each result type, in field order: rows selected with them map positionally.
_LEARNER_COLS = [learners.c[f.name] for f in fields(Learner)]
_ANSWER_COLS = [answers.c[f.name] for f in fields(Answer)]


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


# --- Engine set-up ----------------------------------------------------------------------------

_WRITE = "alliance_lens_write"  # execution option: this transaction will write


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, start transactions (see _on_begin).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")  # wait for other writers, don't fail
        cursor.execute("PRAGMA journal_mode = WAL")  # readers and the writer don't block each other
        cursor.execute("PRAGMA foreign_keys = ON")  # off by default; deletes rely on cascades
        # synchronous stays FULL (the default): a returned save survives power loss too.
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and then writes gets SQLITE_BUSY in WAL mode instead
        # of waiting; IMMEDIATE takes the write lock up front, so writers queue on busy_timeout.
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Store:
    """Learners, their answers and positions in one database. Safe to share between threads."""

    def __init__(self, engine: Engine, clock: Callable[[], int] = _now_ms) -> None:
        self._engine = engine
        self._clock = clock

    @classmethod
    def open(cls, url: str | URL, *, clock: Callable[[], int] | None = None) -> Store:
        """Connect to ``url``, creating or migrating the schema.

        A SQLite file's folder is created if missing. ``sqlite://`` (in memory) is for a single
        thread only: each thread would get its own empty database.
        """
        url = make_url(url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # Default pools: QueuePool (5 + 10 overflow) for PostgreSQL and SQLite files, shared by
        # Streamlit's session threads; pre-ping survives a restarted database server.
        engine = create_engine(url, pool_pre_ping=True)
        if url.get_backend_name() == "sqlite":
            _configure_sqlite(engine)
        store = cls(engine, clock or _now_ms)
        try:
            with store._write() as conn:
                _migrate(conn)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._engine

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    def _lock_learner(self, conn: Connection, learner_id: int) -> None:
        """Lock the learner's row until commit: serialises that learner's writes on PostgreSQL
        (SQLite's write lock already does), so attempt numbers cannot collide."""
        query = select(learners.c.id).where(learners.c.id == learner_id).with_for_update()
        if conn.execute(query).first() is None:
            raise UnknownLearnerError(f"no learner with id {learner_id!r}")

    # --- Learners ---

    def find_learner(self, browser_token: str) -> Learner | None:
        with self._read() as conn:
            row = conn.execute(
                select(*_LEARNER_COLS).where(learners.c.browser_token == browser_token)
            ).first()
        return Learner(*row) if row else None

    def get_learner(self, learner_id: int) -> Learner:
        with self._read() as conn:
            row = conn.execute(select(*_LEARNER_COLS).where(learners.c.id == learner_id)).first()
        if row is None:
            raise UnknownLearnerError(f"no learner with id {learner_id!r}")
        return Learner(*row)

    def get_or_create_learner(self, browser_token: str, display_name: str) -> Learner:
        """The learner of this browser, named ``display_name`` if they had no name yet.

        A name chosen earlier is kept (renaming is explicit); a learner who answered before
        choosing a name keeps every answer under the new name.
        """
        _check_str("display_name", display_name, MAX_NAME_CHARS, allow_empty=False)
        found = self.learner_for_token(browser_token)
        if found.named:
            return found
        with self._write() as conn:
            # Only while still unnamed: a name another tab set a moment ago wins.
            conn.execute(
                update(learners)
                .where(learners.c.id == found.id, learners.c.display_name == "")
                .values(display_name=display_name)
            )
        return self.get_learner(found.id)

    def learner_for_token(self, browser_token: str) -> Learner:
        """The learner of this browser, created without a name on first use (first answer)."""
        _check_str("browser_token", browser_token, MAX_ID_CHARS, allow_empty=False)
        found = self.find_learner(browser_token)
        if found:
            return found
        new = insert(learners).values(
            browser_token=browser_token, display_name="", created_at=self._clock()
        )
        try:
            with self._write() as conn:
                return Learner(*conn.execute(new.returning(*_LEARNER_COLS)).one())
        except IntegrityError:
            # Another tab or thread created this browser's learner between look-up and insert.
            found = self.find_learner(browser_token)
            if found is None:
                raise
            return found

    def rename_learner(self, learner_id: int, display_name: str) -> Learner:
        _check_str("display_name", display_name, MAX_NAME_CHARS, allow_empty=False)
        with self._write() as conn:
            self._lock_learner(conn, learner_id)
            conn.execute(
                update(learners)
                .where(learners.c.id == learner_id)
                .values(display_name=display_name)
            )
        return self.get_learner(learner_id)

    def delete_learner_data(self, learner_id: int) -> bool:
        """Delete the learner and every row of theirs; False if there was no such learner."""
        with self._write() as conn:
            result = conn.execute(delete(learners).where(learners.c.id == learner_id))
        return result.rowcount > 0

    # --- Answers ---

    def save_answer(
        self,
        learner_id: int,
        video_id: str,
        track_id: str,
        prompt_id: str,
        text: str | None = None,
        choice: str | None = None,
    ) -> Answer:
        """Store a new attempt (1, 2, ...) at this prompt; earlier attempts are kept."""
        for field, value in (
            ("video_id", video_id),
            ("track_id", track_id),
            ("prompt_id", prompt_id),
        ):
            _check_str(field, value, MAX_ID_CHARS, allow_empty=False)
        if text is None and choice is None:
            _refuse("text", "and choice are both missing: an answer needs one or both")
        if text is not None:
            _check_str("text", text, MAX_ANSWER_CHARS)
        if choice is not None:
            _check_str("choice", choice, MAX_ANSWER_CHARS)
        key = {
            "learner_id": learner_id,
            "video_id": video_id,
            "track_id": track_id,
            "prompt_id": prompt_id,
        }
        with self._write() as conn:
            self._lock_learner(conn, learner_id)
            previous = conn.execute(
                select(func.coalesce(func.max(answers.c.attempt), 0)).where(
                    *(answers.c[name] == value for name, value in key.items())
                )
            ).scalar_one()
            new = insert(answers).values(
                **key, attempt=previous + 1, text=text, choice=choice, answered_at=self._clock()
            )
            return Answer(*conn.execute(new.returning(*_ANSWER_COLS)).one())

    def answers_for_learner(self, learner_id: int) -> list[Answer]:
        """Every attempt of the learner, oldest first."""
        query = (
            select(*_ANSWER_COLS)
            .where(answers.c.learner_id == learner_id)
            .order_by(answers.c.answered_at, answers.c.id)
        )
        with self._read() as conn:
            return [Answer(*row) for row in conn.execute(query)]

    def latest_answers(self, learner_id: int, video_id: str) -> dict[tuple[str, str], Answer]:
        """The learner's last attempt at each (track_id, prompt_id) of the video."""
        query = (
            select(*_ANSWER_COLS)
            .where(answers.c.learner_id == learner_id, answers.c.video_id == video_id)
            .order_by(answers.c.attempt)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        # Later attempts overwrite earlier ones: one learner's answers to one video are few.
        return {(row.track_id, row.prompt_id): Answer(*row) for row in rows}

    def answers_for_prompt(
        self, video_id: str, track_id: str, prompt_id: str
    ) -> list[tuple[Learner, Answer]]:
        """Every learner's every attempt at one prompt (educator view), by learner then attempt."""
        query = (
            select(*_LEARNER_COLS, *_ANSWER_COLS)
            .join(answers, answers.c.learner_id == learners.c.id)
            .where(
                answers.c.video_id == video_id,
                answers.c.track_id == track_id,
                answers.c.prompt_id == prompt_id,
            )
            .order_by(learners.c.id, answers.c.attempt)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        n = len(_LEARNER_COLS)
        return [(Learner(*row[:n]), Answer(*row[n:])) for row in rows]

    def completion_counts(self, video_id: str) -> dict[tuple[str, str], int]:
        """How many learners answered each (track_id, prompt_id) of the video at least once.

        Completion is derived from the answers, so it cannot disagree with them.
        """
        query = (
            select(
                answers.c.track_id,
                answers.c.prompt_id,
                func.count(func.distinct(answers.c.learner_id)),
            )
            .where(answers.c.video_id == video_id)
            .group_by(answers.c.track_id, answers.c.prompt_id)
        )
        with self._read() as conn:
            return {(track, prompt): count for track, prompt, count in conn.execute(query)}

    def export_rows(self, learner_id: int) -> list[dict[str, Any]]:
        """The learner's answers, one plain dict per attempt, ready for ``pandas.DataFrame``."""
        learner = self.get_learner(learner_id)
        return [
            {
                "learner": learner.label,
                "video_id": a.video_id,
                "track_id": a.track_id,
                "prompt_id": a.prompt_id,
                "attempt": a.attempt,
                "answered_at": _iso(a.answered_at),
                "text": a.text,
                "choice": a.choice,
            }
            for a in self.answers_for_learner(learner_id)
        ]

    # --- Positions ---

    def save_position(self, learner_id: int, video_id: str, position_ms: int) -> None:
        """Remember where the learner is in the video (one row per learner and video)."""
        _check_str("video_id", video_id, MAX_ID_CHARS, allow_empty=False)
        _check_ms("position_ms", position_ms)
        values = {"position_ms": position_ms, "updated_at": self._clock()}
        with self._write() as conn:
            # The learner lock makes update-then-insert a safe upsert on both databases.
            self._lock_learner(conn, learner_id)
            where = (positions.c.learner_id == learner_id) & (positions.c.video_id == video_id)
            if conn.execute(update(positions).where(where).values(values)).rowcount == 0:
                conn.execute(
                    insert(positions).values(learner_id=learner_id, video_id=video_id, **values)
                )

    def get_position(self, learner_id: int, video_id: str) -> int | None:
        query = select(positions.c.position_ms).where(
            positions.c.learner_id == learner_id, positions.c.video_id == video_id
        )
        with self._read() as conn:
            return conn.scalar(query)
