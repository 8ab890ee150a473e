"""A join rush on SQLite and PostgreSQL: participants joining at once all get in, with distinct
numbers in join order and P001... in the export; on PostgreSQL a join does not wait for
another join still in flight (no lock on the room row)."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from alliance_lens.rooms import RoomPrompt, RoomStore
from alliance_lens.rooms.schema import rooms
from alliance_lens.store import Store
from tests.unit.store_fixtures import BACKENDS, database_url

RUSH = 40
JOIN_WAIT_S = 60.0  # a bound on a hang, not a timing: a join takes milliseconds


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


def test_a_rush_of_joins_all_get_in_with_distinct_numbers(url) -> None:
    store = Store.open(url)
    try:
        room_store = RoomStore(store)
        room, key = room_store.create("Workshop")
        start = threading.Barrier(RUSH)
        joined: list[tuple[int, str]] = []
        failed: list[BaseException] = []

        def join(i: int) -> None:
            start.wait()  # all at once
            try:
                me, token = room_store.join(room.code, f"P{i}")
                joined.append((me.number, token))
            except BaseException as exc:  # noqa: BLE001 - the test reports every failure
                failed.append(exc)

        threads = [threading.Thread(target=join, args=(i,)) for i in range(RUSH)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(JOIN_WAIT_S)
        assert not failed, failed
        numbers = [n for n, _ in joined]
        assert len(numbers) == RUSH and len(set(numbers)) == RUSH
        assert room_store.counts(room.code, key)["participants"] == RUSH

        # everyone answers: the export numbers them P001..P040, each once, in join order
        prompt = RoomPrompt.of("p1", "choice", "Who?", ["A", "B"])
        pid = room_store.open_prompt(room.code, key, prompt)
        for _, token in sorted(joined):
            room_store.answer(room.code, token, pid, choices=["A"])
        rows = list(csv.DictReader(io.StringIO(room_store.export_csv(room.code, key))))
        assert [r["participant"] for r in rows] == [f"P{i:03d}" for i in range(1, RUSH + 1)]
        later, _ = room_store.join(room.code)  # a late joiner comes after the rush
        assert later.number > max(numbers)
    finally:
        store.close()


@pytest.mark.postgres
def test_a_join_does_not_wait_for_a_join_in_flight_on_postgresql(tmp_path) -> None:
    with database_url("postgres", tmp_path) as url:
        store = Store.open(url)
        try:
            room_store = RoomStore(store)
            room, _ = room_store.create("Workshop")
            done = threading.Event()
            with store.engine.connect() as other:
                with other.begin():
                    # what an uncommitted join holds on the room row: its insert's foreign-key
                    # share lock (the old join's FOR UPDATE waited for it to commit)
                    other.execute(
                        select(rooms.c.id)
                        .where(rooms.c.code == room.code)
                        .with_for_update(key_share=True)
                    )
                    worker = threading.Thread(
                        target=lambda: (room_store.join(room.code, "Ana"), done.set())
                    )
                    worker.start()
                    joined_meanwhile = done.wait(JOIN_WAIT_S)
                worker.join(JOIN_WAIT_S)
            assert joined_meanwhile, "the join waited for another join's transaction"
        finally:
            store.close()
