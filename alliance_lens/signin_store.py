"""Sign-in state that every app process shares through the store's database: signed-out
passphrase sessions, and counters per client address (failed passphrases, room joins).

The tables come with migration 5 (``store_schema.py``). Rows end: a revocation is purged once
the session it names has expired anyway, a counter a day after its last use, so neither table
grows without bound. Checking a revocation is on the path of every guarded request (a playing
video sends many range requests), so each process remembers an answer for ``REFRESH_S``
seconds: a sign-out on one process refuses the cookie on every other within that time (on
its own process at once). Times in rows are integer milliseconds since the Unix epoch.

>>> signins = SigninStore(Store.open("sqlite://"), clock=lambda: 1_000_000)
>>> signins.is_revoked("sid-1"), signins.revoke("sid-1", 2_000_000), signins.is_revoked("sid-1")
(False, None, True)
>>> signins.bump("join", "10.0.0.7", lambda count, until, now: (count + 1, now + 60_000))
(1, 1060000)
>>> signins.bump("join", "10.0.0.7", lambda count, until, now: (count + 1, until))
(2, 1060000)
>>> signins.until("join", "10.0.0.7"), signins.until("join", "10.0.0.8")
(1060000, 0)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from alliance_lens.errors import StoreError
from alliance_lens.store import Store, metadata
from alliance_lens.store_schema import _now_ms

REFRESH_S = 2.0  # how long a process trusts "not signed out" before asking the database again
_CACHE_MAX = 10_000  # sessions remembered per process (the oldest go first)
_COUNTER_TTL_MS = 24 * 3600 * 1000  # a counter unused this long is forgotten
_PURGE_EVERY_MS = 60_000
MAX_ADDRESS_CHARS = 64  # an IPv6 address with a zone, or a /64 prefix: short

revoked_sessions = Table(
    "revoked_sessions",
    metadata,
    Column("sid", String(64), primary_key=True),  # the session's random id, not the cookie
    Column("expires_at", BigInteger, nullable=False),  # the session is dead after this anyway
    Index("ix_revoked_sessions_expires", "expires_at"),
)

address_counts = Table(
    "address_counts",
    metadata,
    Column("kind", String(16), primary_key=True),  # "signin" (failures) or "join"
    Column("address", String(MAX_ADDRESS_CHARS), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("until_ms", BigInteger, nullable=False),  # a wait's or a window's end
    Index("ix_address_counts_until", "until_ms"),
)

# (count, until_ms, now_ms) -> new (count, until_ms): how one event changes a counter
Step = Callable[[int, int, int], tuple[int, int]]


def create_tables(conn: Any) -> None:
    """Migration 5: add the sign-in tables (existing tables and rows are untouched)."""
    metadata.create_all(conn, tables=[revoked_sessions, address_counts])


def _insert_or_ignore(conn: Connection, table: Table, **values: Any) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


class SigninStore:
    """Revocations and address counters in one database; safe to share between threads.

    ``store`` may be a function that opens it on first use (the database may come up after the
    app, and a failed open is retried on the next call)."""

    def __init__(
        self,
        store: Store | Callable[[], Store],
        *,
        clock: Callable[[], int] = _now_ms,
        monotonic: Callable[[], float] = time.monotonic,
        refresh_s: float = REFRESH_S,
    ) -> None:
        self._store = store
        self.clock, self._monotonic, self.refresh_s = clock, monotonic, refresh_s
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[bool, float]] = OrderedDict()
        self._purged_at = -_PURGE_EVERY_MS

    def store(self) -> Store:
        return self._store if isinstance(self._store, Store) else self._store()

    # --- revocations ---------------------------------------------------------------------------

    def revoke(self, sid: str, expires_at_ms: int) -> None:
        """Record a sign-out; its row goes once the session would have expired anyway."""
        now = self.clock()
        with self.store()._write() as conn:
            conn.execute(delete(revoked_sessions).where(revoked_sessions.c.expires_at < now))
            _insert_or_ignore(conn, revoked_sessions, sid=sid, expires_at=expires_at_ms)
        self._remember(sid, True)

    def known(self, sid: str) -> bool:
        """True when ``is_revoked(sid)`` can answer from this process's memory."""
        with self._lock:
            hit = self._cache.get(sid)
        return hit is not None and (hit[0] or self._monotonic() - hit[1] < self.refresh_s)

    def is_revoked(self, sid: str) -> bool:
        """Whether this session was signed out, on any process (seen within ``refresh_s``).

        A database that does not answer counts as revoked: a session is refused
        rather than let through unchecked (nothing is remembered, so it is asked again)."""
        with self._lock:
            hit = self._cache.get(sid)
        if hit is not None and (hit[0] or self._monotonic() - hit[1] < self.refresh_s):
            return hit[0]
        query = select(revoked_sessions.c.sid).where(revoked_sessions.c.sid == sid)
        try:
            with self.store()._read() as conn:
                revoked = conn.execute(query).first() is not None
        except (StoreError, OSError):
            return True
        self._remember(sid, revoked)
        return revoked

    def _remember(self, sid: str, revoked: bool) -> None:
        with self._lock:
            self._cache[sid] = (revoked, self._monotonic())
            self._cache.move_to_end(sid)
            while len(self._cache) > _CACHE_MAX:
                self._cache.popitem(last=False)

    # --- counters per address ------------------------------------------------------------------

    def bump(self, kind: str, address: str, step: Step) -> tuple[int, int]:
        """Apply ``step`` to the (kind, address) counter atomically across processes; return
        the new (count, until_ms). A new counter starts at (0, 0)."""
        now, address = self.clock(), address[:MAX_ADDRESS_CHARS]
        key = (address_counts.c.kind == kind) & (address_counts.c.address == address)
        with self.store()._write() as conn:
            self._purge_counters(conn, now)
            _insert_or_ignore(conn, address_counts, kind=kind, address=address, count=0, until_ms=0)
            # the row lock (PostgreSQL) or the write lock (SQLite) holds until commit
            count, until = conn.execute(
                select(address_counts.c.count, address_counts.c.until_ms)
                .where(key)
                .with_for_update()
            ).one()
            count, until = step(count, until, now)
            conn.execute(update(address_counts).where(key).values(count=count, until_ms=until))
        return count, until

    def until(self, kind: str, address: str) -> int:
        """The counter's ``until_ms`` (0 for none)."""
        query = select(address_counts.c.until_ms).where(
            address_counts.c.kind == kind, address_counts.c.address == address[:MAX_ADDRESS_CHARS]
        )
        with self.store()._read() as conn:
            return int(conn.scalar(query) or 0)

    def clear(self, kind: str, address: str) -> None:
        address = address[:MAX_ADDRESS_CHARS]
        where = (address_counts.c.kind == kind) & (address_counts.c.address == address)
        with self.store()._write() as conn:
            conn.execute(delete(address_counts).where(where))

    def _purge_counters(self, conn: Connection, now: int) -> None:
        if now - self._purged_at < _PURGE_EVERY_MS:
            return
        self._purged_at = now
        cutoff = now - _COUNTER_TTL_MS
        conn.execute(delete(address_counts).where(address_counts.c.until_ms < cutoff))


_SHARED: dict[str, SigninStore] = {}
_SHARED_LOCK = threading.Lock()


def shared_signins(url: str) -> SigninStore:
    """This process's sign-in store for the database ``url`` names (opened on first use): one
    per database, so the app's routes and pages share one memory of sign-outs and one pool."""
    with _SHARED_LOCK:
        if url not in _SHARED:
            _SHARED[url] = SigninStore(_lazy_store(url))
        return _SHARED[url]


def _lazy_store(url: str) -> Callable[[], Store]:
    opened: list[Store] = []
    lock = threading.Lock()

    def get() -> Store:
        if not opened:
            with lock:
                if not opened:
                    opened.append(Store.open(url))
        return opened[0]

    return get


class JoinLimit:
    """Room joins per client address in a fixed window, counted in the database (every
    process sees the same count); joins to an unknown code count too, so codes are not
    guessed quickly either.

    The limit must let a whole workshop join from behind one NAT or one proxy (all its phones
    share one address): 300 people scanning the QR code in the same minute must get in, so
    the default is 360 a minute, with room to spare. One address can still fill a
    1,000-person room only over three minutes, in plain sight of the presenter.

    >>> now = [0]
    >>> limit = JoinLimit(SigninStore(Store.open("sqlite://"), clock=lambda: now[0]), per_window=2)
    >>> limit.retry_after_s("a"), limit.retry_after_s("a"), limit.retry_after_s("a")
    (0, 0, 60)
    >>> now[0] = 59_500; limit.retry_after_s("a"), limit.retry_after_s("b")
    (1, 0)
    >>> now[0] = 60_000; limit.retry_after_s("a")
    0
    """

    KIND = "join"

    def __init__(self, signins: SigninStore, *, per_window: int = 360, window_s: int = 60):
        self.signins, self.per_window, self.window_ms = signins, per_window, window_s * 1000

    def retry_after_s(self, address: str) -> int:
        """Count a join from ``address``: 0 if it may go ahead, else whole seconds to wait."""

        def step(count: int, until: int, now: int) -> tuple[int, int]:
            return (1, now + self.window_ms) if until <= now else (count + 1, until)

        count, until = self.signins.bump(self.KIND, address, step)
        if count <= self.per_window:
            return 0
        return max(1, -(-(until - self.signins.clock()) // 1000))  # rounded up
