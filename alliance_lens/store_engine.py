"""Connections to the reflections database: SQLite settings, and driver errors put in words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from alliance_lens.datadir import without_password
from alliance_lens.errors import DatabaseError

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


@contextmanager
def _in_words(url: str | URL) -> Iterator[None]:
    """SQLAlchemy's and the driver's errors as a ``DatabaseError``: the first line of the
    reason, minus any password; the original stays attached as ``__cause__``."""
    try:
        yield
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip()
        reason = reason.splitlines()[0] if reason else type(exc).__name__
        raise DatabaseError(without_password(reason, url)) from exc
