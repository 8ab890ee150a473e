"""Helpers shared by the store tests: a fresh database per test (SQLite always, PostgreSQL when
ALLIANCE_LENS_TEST_PG_URL is set) and the writer functions that run in child processes (they
live here, in an importable module, so that spawned children can import them)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from alliance_lens.store import Store

PG_ENV = "ALLIANCE_LENS_TEST_PG_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a new SQLite file, or a new PostgreSQL schema (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'store.sqlite3'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (export {PG_ENV}=$(bash tools/pg_test_server.sh))")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # libpq's options put every connection of the store into the fresh schema.
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def write_answers(
    url: str, learner_id: int, worker: int, count: int, barrier: Any, results: Any
) -> None:
    """Child process: wait for all writers, save ``count`` answers to one prompt, report them."""
    store = Store.open(url)
    barrier.wait()
    saved = []
    for i in range(count):
        answer = store.save_answer(learner_id, "video", "track", "prompt", text=f"w{worker}-{i}")
        saved.append((answer.id, answer.attempt, answer.text))
    store.close()
    results.put((worker, saved))


def write_until_killed(url: str, learner_id: int, report_path: str) -> None:
    """Child process: save answers forever; after each save returns, append it to the report.

    ``os.write`` on an O_APPEND file hands the line to the kernel at once, so it survives the
    SIGKILL that ends this process.
    """
    store = Store.open(url)
    fd = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    i = 0
    while True:
        answer = store.save_answer(
            learner_id, "video", "track", "prompt", text=f"{os.getpid()}-{i}"
        )
        os.write(fd, f"{answer.id}\t{answer.attempt}\t{answer.text}\n".encode())
        i += 1
