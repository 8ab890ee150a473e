"""Group commit for participants' writes: answers and taps that arrive together share one
transaction and one commit (one disk flush), each in its own savepoint.

A room of 300 phones writes in bursts; on SQLite every commit waits for the disk (fsync, 7 to
50 ms on the shared machine), and one writer at a time makes that a queue. Here one thread per
process takes every write waiting when the previous commit finished, runs each in a savepoint
(a refused write rolls back alone), commits once, then answers each caller. A caller hears
"saved" only after that commit: nothing is acknowledged from memory.

>>> from alliance_lens.store import Store
>>> import tempfile, pathlib
>>> store = Store.open(f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'b.sqlite3'}")
>>> GroupCommit(store).run(lambda conn: 41 + 1)
42
>>> store.close()
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from alliance_lens.store import Store
from alliance_lens.store_engine import _in_words

T = TypeVar("T")
MAX_BATCH = 200  # writes in one transaction: bounds how long the write lock is held


class GroupCommit:
    """Runs ``job(conn)`` calls from many threads in shared write transactions."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._ready = threading.Condition()
        self._pending: list[tuple[Callable[[Connection], Any], Future[Any]]] = []
        self._thread: threading.Thread | None = None

    def run(self, job: Callable[[Connection], T]) -> T:
        """The job's result once its transaction has committed; its exception if it failed
        (then nothing of it was kept) or if the commit failed."""
        done: Future[T] = Future()
        with self._ready:
            self._pending.append((job, done))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="room-group-commit", daemon=True
                )
                self._thread.start()
            self._ready.notify()
        return done.result()

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
            self._commit(batch)

    def _commit(self, batch: list[tuple[Callable[[Connection], Any], Future[Any]]]) -> None:
        outcomes: list[tuple[Future[Any], bool, Any]] = []
        try:
            with self._store._write() as conn:
                for job, done in batch:
                    try:
                        with _in_words(self._store.engine.url), conn.begin_nested():
                            outcomes.append((done, True, job(conn)))
                    except Exception as exc:  # noqa: BLE001 - this job's refusal, handed back
                        outcomes.append((done, False, exc))
        except BaseException as exc:  # noqa: BLE001 - the commit failed: so did every job
            for _, done in batch:
                done.set_exception(exc)
            return
        for done, ok, value in outcomes:
            if ok:
                done.set_result(value)
            else:
                done.set_exception(value)
