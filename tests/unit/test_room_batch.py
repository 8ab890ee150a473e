"""Group commit of participants' writes, on SQLite and PostgreSQL: many threads answering at
once all get their own outcome; a refused answer rolls back alone; writes share commits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from alliance_lens.rooms import RoomError, RoomPrompt, RoomStore
from alliance_lens.rooms.batch import GroupCommit
from alliance_lens.store import Store
from tests.unit.store_fixtures import BACKENDS, database_url


@pytest.fixture(params=BACKENDS)
def rooms(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        store = Store.open(url)
        yield RoomStore(store, group_commit=True)
        store.close()


def test_concurrent_answers_each_get_their_own_outcome(rooms) -> None:
    room, key = rooms.create()
    tokens = [rooms.join(room.code)[1] for _ in range(40)]
    pid = rooms.open_prompt(room.code, key, RoomPrompt.of("p", "choice", "Q?", ["A", "B"]))
    rooms.set_playback(room.code, key, True, 0)

    def act(i: int) -> str:
        try:
            if i % 4 == 3:
                rooms.tap(room.code, tokens[i])
                return "tap"
            # every fifth participant picks an option that does not exist: refused alone
            choice = "Nope" if i % 5 == 0 else "AB"[i % 2]
            return rooms.answer(room.code, tokens[i], pid, choices=[choice]).choice or ""
        except RoomError as exc:
            return f"refused: {exc}"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(act, range(40)))
    refused = [o for o in outcomes if o.startswith("refused")]
    saved = [o for o in outcomes if o.startswith("[")]
    assert len(refused) == len([i for i in range(40) if i % 4 != 3 and i % 5 == 0])
    assert all("Choose one of the options" in o for o in refused)
    tally = rooms.tallies(room.code, key)[0]
    assert tally.answered == len(saved) and sum(tally.counts.values()) == len(saved)
    assert rooms.counts(room.code, key)["taps"] == outcomes.count("tap")


def test_group_commit_is_for_sqlite_only(rooms) -> None:
    batched = rooms._group is not None
    assert batched == (rooms.store.engine.dialect.name == "sqlite")


def test_jobs_waiting_together_share_one_transaction(rooms) -> None:
    group = GroupCommit(rooms.store)
    seen: list[int] = []

    def job(conn) -> int:
        seen.append(id(conn))
        return len(seen)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: group.run(job), range(64)))
    assert sorted(results) == list(range(1, 65))
    assert len(set(seen)) < 64  # some shared a transaction (each had its own savepoint)
