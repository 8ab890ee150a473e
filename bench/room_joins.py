"""A join rush on one room: N threads join at once, through the store (no HTTP), with this
branch's lock-free join and, as the baseline in the same run, the old join that locked the
room row (SELECT ... FOR UPDATE, then max(number) + 1). SQLite file and, when
ALLIANCE_LENS_TEST_PG_URL is set, PostgreSQL (a fresh schema, dropped after).

    python bench/room_joins.py [--joins 300] [--threads 15] [--rounds 3]

Prints per-join latency (p50, p95, max), the rush's wall time and the ratios to the baseline,
and writes bench/results/room_joins.txt. 15 threads: the store's connection pool (5 + 10).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from room_servers import fresh_pg_schema  # noqa: E402  (bench/ is the script's folder)

from alliance_lens.rooms import RoomStore  # noqa: E402
from alliance_lens.rooms.core import digest, new_secret  # noqa: E402
from alliance_lens.rooms.schema import room_participants  # noqa: E402
from alliance_lens.store import Store  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "room_joins.txt"


def locked_join(rooms: RoomStore, code: str) -> int:
    """The join before this change (baseline): lock the room row, number = max + 1."""
    pc = room_participants.c
    with rooms.store._write() as conn:
        room = rooms._room(conn, code, lock=True)
        last = conn.scalar(select(func.max(pc.number)).where(pc.room_id == room.id))
        number = (last or 0) + 1
        conn.execute(
            insert(room_participants).values(
                room_id=room.id,
                number=number,
                token_hash=digest(new_secret()),
                pseudonym="",
                joined_at=rooms._now(),
                rate_window=0,
                rate_count=0,
            )
        )
        return number


def rush(url: str, join: Callable[[RoomStore, str], int], joins: int, threads: int) -> dict:
    store = Store.open(url)
    try:
        rooms = RoomStore(store)
        room, _ = rooms.create("bench")
        for _ in range(3):  # warm the pool's connections
            join(rooms, room.code)
        todo = list(range(joins))
        lock = threading.Lock()
        took: list[float] = []
        numbers: list[int] = []
        start = threading.Barrier(threads + 1)

        def worker() -> None:
            start.wait()
            while True:
                with lock:
                    if not todo:
                        return
                    todo.pop()
                t0 = time.perf_counter()
                n = join(rooms, room.code)
                dt = time.perf_counter() - t0
                with lock:
                    took.append(dt)
                    numbers.append(n)

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        for t in pool:
            t.join()
        wall = time.perf_counter() - t0
        assert len(set(numbers)) == joins, "numbers not distinct"
        took.sort()
        return {
            "p50": statistics.median(took) * 1000,
            "p95": took[int(0.95 * (len(took) - 1))] * 1000,
            "max": took[-1] * 1000,
            "wall": wall,
        }
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--joins", type=int, default=300)
    ap.add_argument("--threads", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    lines = [
        f"# room_joins.py: {args.joins} joins by {args.threads} threads at once, "
        f"{args.rounds} interleaved rounds, median of rounds shown",
        f"# load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared)",
    ]
    backends = [("sqlite", None)]
    if os.environ.get("ALLIANCE_LENS_TEST_PG_URL"):
        backends.append(("postgresql", os.environ["ALLIANCE_LENS_TEST_PG_URL"]))
    for name, base in backends:
        runs: dict[str, list[dict]] = {"locked (before)": [], "lock-free (now)": []}
        for _ in range(args.rounds):
            for label, join in (
                ("locked (before)", locked_join),
                ("lock-free (now)", lambda r, c: r.join(c)[0].number),
            ):
                with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
                    sqlite = f"sqlite:///{tmp}/bench.sqlite3"
                    url = sqlite if base is None else fresh_pg_schema(base, stack)
                    runs[label].append(rush(url, join, args.joins, args.threads))
        lines.append(f"\n## {name}")
        med = {
            label: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
            for label, rs in runs.items()
        }
        for label, m in med.items():
            lines.append(
                f"{label:16} join p50 {m['p50']:7.1f} ms  p95 {m['p95']:7.1f} ms  "
                f"max {m['max']:7.1f} ms  rush wall {m['wall']:6.2f} s"
            )
        before, now = med["locked (before)"], med["lock-free (now)"]
        lines.append(
            f"ratio now/before: p50 {now['p50'] / before['p50']:.2f}  "
            f"p95 {now['p95'] / before['p95']:.2f}  wall {now['wall'] / before['wall']:.2f}"
        )
    out = "\n".join(lines) + "\n"
    print(out)
    RESULTS.write_text(out, encoding="utf-8")


if __name__ == "__main__":
    main()
