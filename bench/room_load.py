"""Load on the live room: N participants (asyncio HTTP clients) join, follow the room by
server-sent events, tap "rupture now" during playback and answer a prompt within a random
10 s, against real ``streamlit run app.py`` servers.

Run from the repository root: ``python bench/room_load.py`` (both set-ups, 300 participants;
``--participants``, ``--setups sqlite,postgres``). Set-ups, each started by this script:
(a) one app process on SQLite; (b) two app processes on one PostgreSQL database behind
Debian's nginx (participant routes to either process, the Streamlit websocket sticky), so a
prompt opened through one process must reach pages held open on the other. PostgreSQL is
Debian's, started by tools/pg_test_server.sh (or $ALLIANCE_LENS_TEST_PG_URL); each run gets
a fresh schema.

Reported per set-up: prompt delivery (presenter's POST sent -> the page's SSE event) p50/p95
and the share within 1 s; answer save and tap p50/p95; errors; answers lost (saved with 200
but not in the database). Baseline, measured in the same run on the same server: one lone
participant's answer save and prompt delivery in an idle room; the loaded figures are given
as ratios to it. Writes bench/results/room_load.txt.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from room_servers import (  # noqa: E402
    NGINX,
    cpu_s,
    free_port,
    fresh_pg_schema,
    nginx_site,
    pg_url,
    start_app,
    stop,
    wait_health,
)

from alliance_lens.rooms import RoomStore  # noqa: E402
from alliance_lens.store import Store  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "room_load.txt"
PROMPT = {"key": "bench/p1", "kind": "choice", "question": "Who withdrew?",
          "options": ["Client", "Therapist", "Both"]}  # fmt: skip
PLAYBACK_S = 10.0
ANSWER_WINDOW_S = 10.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@dataclass
class Figures:
    joined: int = 0
    delivery_s: list[float] = field(default_factory=list)
    answer_s: list[float] = field(default_factory=list)
    tap_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answers_ok: int = 0


class Participant:
    def __init__(self, i: int, http: httpx2.AsyncClient, base: str, code: str, run: Run) -> None:
        self.i, self.http, self.base, self.code, self.run = i, http, base, code, run
        self.headers = {"Origin": base}
        self.api = f"{base}/room-api/{code}"
        self.connected = asyncio.Event()
        self.answered = asyncio.Event()

    async def post(self, path: str, body: object) -> float:
        t = time.monotonic()
        r = await self.http.post(self.api + path, json=body, headers=self.headers)
        took = time.monotonic() - t
        if r.status_code != 200:
            raise RuntimeError(f"{path} {r.status_code} {r.text[:80]}")
        return took

    async def join(self) -> None:
        r = await self.http.post(self.api + "/join", json={}, headers=self.headers)
        r.raise_for_status()
        self.headers["X-Room-Token"] = r.json()["token"]
        self.run.figures.joined += 1

    async def follow(self) -> None:
        """Hold the SSE stream; on the prompt, note the delay and answer within the window."""
        try:
            async with self.http.stream("GET", self.api + "/events") as stream:
                async for line in stream.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    self.connected.set()
                    state = json.loads(line[6:])
                    if state.get("ended"):
                        return
                    prompt = state.get("prompt")
                    if prompt and not self.answered.is_set() and self.run.opened_at:
                        self.run.figures.delivery_s.append(time.monotonic() - self.run.opened_at)
                        self.answered.set()
                        asyncio.get_running_loop().create_task(self.answer(prompt["id"]))
        except Exception as exc:  # noqa: BLE001 - counted, reported
            self.run.figures.errors.append(f"sse: {type(exc).__name__} {exc}"[:120])
            self.connected.set()

    async def answer(self, prompt_id: int) -> None:
        await asyncio.sleep(random.uniform(0, ANSWER_WINDOW_S))
        choice = random.choice(PROMPT["options"])
        try:
            self.run.figures.answer_s.append(
                await self.post("/answer", {"prompt_id": prompt_id, "choices": [choice]})
            )
            self.run.figures.answers_ok += 1
        except Exception as exc:  # noqa: BLE001
            self.run.figures.errors.append(f"answer: {type(exc).__name__} {exc}"[:120])
        finally:
            self.run.done.release()

    async def taps(self) -> None:
        for at in sorted(random.uniform(0, PLAYBACK_S) for _ in range(random.randint(1, 2))):
            await asyncio.sleep(max(0.0, at - (time.monotonic() - self.run.play_at)))
            try:
                self.run.figures.tap_s.append(await self.post("/tap", {}))
            except Exception as exc:  # noqa: BLE001
                self.run.figures.errors.append(f"tap: {type(exc).__name__} {exc}"[:120])


class Run:
    def __init__(self) -> None:
        self.figures = Figures()
        self.opened_at = 0.0
        self.play_at = 0.0
        self.done = asyncio.Semaphore(0)


async def presenter(http: httpx2.AsyncClient, base: str, code: str, key: str, path: str,
                    body: object) -> dict:  # fmt: skip
    r = await http.post(f"{base}/room-api/{code}/presenter/{path}", json=body,
                        headers={"Origin": base, "X-Room-Key": key})  # fmt: skip
    r.raise_for_status()
    return dict(r.json())


async def baseline(base: str, rooms: RoomStore) -> tuple[float, float]:
    """A lone participant in an idle room: median answer save and prompt delivery (s)."""
    room, key = rooms.create("baseline")
    run = Run()
    limits = httpx2.Limits(max_connections=10)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as http:
        me = Participant(0, http, base, room.code, run)
        await me.join()
        saves, deliveries = [], []
        for n in range(5):
            me.answered = asyncio.Event()
            run.opened_at = 0.0
            follow = asyncio.create_task(me.follow())
            await me.connected.wait()
            run.opened_at = time.monotonic()
            body = dict(PROMPT, key=f"baseline/{n}")
            pid = (await presenter(http, base, room.code, key, "prompt", body))["prompt_id"]
            await run.done.acquire()  # the answer task (sleeps in the window: skip that)
            deliveries.append(run.figures.delivery_s[-1])
            follow.cancel()
            me.connected = asyncio.Event()
            for _ in range(4):
                saves.append(await me.post("/answer", {"prompt_id": pid, "choices": ["Both"]}))
    rooms.delete(room.code, key)
    return statistics.median(saves), statistics.median(deliveries)


async def load(base: str, rooms: RoomStore, n: int) -> Figures:
    room, key = rooms.create("load")
    run = Run()
    # idle connections are dropped before uvicorn's 5 s keep-alive ends them: reusing one the
    # server is closing shows up as a ReadError, a client artefact, not a refusal
    limits = httpx2.Limits(
        max_connections=n * 2 + 20, max_keepalive_connections=n * 2 + 20, keepalive_expiry=2.0
    )
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(60, read=None), limits=limits) as http:
        people = [Participant(i, http, base, room.code, run) for i in range(n)]
        gate = asyncio.Semaphore(50)  # joins arrive in a rush, as after "scan the code"
        follows: list[asyncio.Task[None]] = []

        async def arrive(p: Participant) -> None:
            async with gate:
                try:
                    await p.join()
                except Exception as exc:  # noqa: BLE001
                    run.figures.errors.append(f"join: {exc}"[:120])
                    p.connected.set()
                    return
            follows.append(asyncio.get_running_loop().create_task(p.follow()))
            await p.connected.wait()

        await asyncio.gather(*(arrive(p) for p in people))
        live = [p for p in people if "X-Room-Token" in p.headers]
        await presenter(http, base, room.code, key, "playback", {"playing": True, "position_ms": 0})
        run.play_at = time.monotonic()
        await asyncio.gather(*(p.taps() for p in live))
        paused = {"playing": False, "position_ms": 10_000}
        await presenter(http, base, room.code, key, "playback", paused)
        run.opened_at = time.monotonic()
        await presenter(http, base, room.code, key, "prompt", PROMPT)
        deadline = time.monotonic() + ANSWER_WINDOW_S + 30
        for _ in live:
            left = deadline - time.monotonic()
            try:
                await asyncio.wait_for(run.done.acquire(), max(0.1, left))
            except TimeoutError:
                run.figures.errors.append("a participant never received the prompt")
        stored = rooms.tallies(room.code, key)[0].answered
        run.figures.lost = run.figures.answers_ok - stored  # type: ignore[attr-defined]
        await presenter(http, base, room.code, key, "end", {})
        # every page sees "ended" and its stream closes (else it counts as an error)
        await asyncio.wait(follows, timeout=10)
    rooms.delete(room.code, key)
    return run.figures


def report(name: str, n: int, figures: Figures, base_save: float, base_delivery: float) -> str:
    d, a, t = figures.delivery_s, figures.answer_s, figures.tap_s
    within = sum(1 for x in d if x <= 1.0) / n if n else 0.0
    lost = getattr(figures, "lost", 0)
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    lines = [
        f"## {name}: {n} participants ({figures.joined} joined)",
        f"prompt delivery   p50 {ms(pct(d, 50))}  p95 {ms(pct(d, 95))}  max {ms(max(d, default=0))}"
        f"  within 1 s: {within:.1%} (target 95%)  [{len(d)}/{n} received]",
        f"answer save       p50 {ms(pct(a, 50))}  p95 {ms(pct(a, 95))}  (target p95 <= 300 ms)",
        f"tap save          p50 {ms(pct(t, 50))}  p95 {ms(pct(t, 95))}  ({len(t)} taps)",
        f"errors            {len(figures.errors)}"
        + (f"  e.g. {sorted(set(figures.errors))[:3]}" if figures.errors else ""),
        f"answers lost      {lost} of {figures.answers_ok} saved",
        f"baseline (1 participant, idle room, same server): answer save p50 {ms(base_save)},"
        f" prompt delivery p50 {ms(base_delivery)}",
        f"ratios to baseline: answer save p50 x{pct(a, 50) / base_save:.1f},"
        f" p95 x{pct(a, 95) / base_save:.1f}; delivery p50 x{pct(d, 50) / base_delivery:.1f}",
    ]
    return "\n".join(lines)


def run_setup(name: str, n: int, tmp: Path) -> str:
    with ExitStack() as stack:
        if name == "sqlite":
            db = f"sqlite:///{tmp / 'sqlite' / 'bench.sqlite3'}"
            store = Store.open(db)  # schema first, so the server does not race us
            proc, port = start_app(db, tmp / "data-a", tmp / "sqlite.log")
            stack.callback(stop, proc)
            pids = [proc.pid]
            base, label = f"http://127.0.0.1:{port}", "(a) one process, SQLite"
        else:
            db = fresh_pg_schema(pg_url(), stack)
            store = Store.open(db)
            ports, pids = [], []
            for i in range(2):
                proc, port = start_app(db, tmp / f"data-{i}", tmp / f"pg-{i}.log")
                stack.callback(stop, proc)
                ports.append(port)
                pids.append(proc.pid)
            if not shutil.which("nginx"):
                raise SystemExit("nginx is missing: apt-get install nginx")
            prefix = tmp / "nginx"
            for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (prefix / sub).mkdir(parents=True, exist_ok=True)
            listen = free_port()
            conf = prefix / "nginx.conf"
            conf.write_text(NGINX.format(prefix=prefix, config=nginx_site(listen, ports)))
            nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(prefix)])
            stack.callback(stop, nginx)
            base, label = f"http://127.0.0.1:{listen}", "(b) two processes, PostgreSQL, nginx"
            wait_health(base)
        stack.callback(store.close)
        rooms = RoomStore(store)
        base_save, base_delivery = asyncio.run(baseline(base, rooms))
        wall, servers, me = time.monotonic(), cpu_s(pids), time.process_time()
        figures = asyncio.run(load(base, rooms, n))
        wall, servers, me = (time.monotonic() - wall, cpu_s(pids) - servers,
                             time.process_time() - me)  # fmt: skip
        actions = figures.joined + len(figures.answer_s) + len(figures.tap_s)
        return report(label, n, figures, base_save, base_delivery) + (
            f"\nCPU during the load phase ({wall:.1f} s wall): app servers {servers:.1f} s,"
            f" these clients {me:.1f} s (2 cores = {2 * wall:.0f} s, shared with others);"
            f" app server CPU per participant action (join, tap, answer, with the SSE"
            f" streams): {servers / max(1, actions) * 1000:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--setups", default="sqlite,postgres")
    args = parser.parse_args()
    random.seed(15)
    load_before = os.getloadavg()
    blocks = []
    with tempfile.TemporaryDirectory(prefix="room-load-") as tmp:
        for name in args.setups.split(","):
            blocks.append(run_setup(name.strip(), args.participants, Path(tmp)))
            print(blocks[-1], flush=True)
    header = (
        f"# bench/room_load.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
        f"{os.cpu_count()} CPUs shared with other engineers' test runs; load average "
        f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after. Clients, servers, "
        "PostgreSQL and nginx all run on this machine.\n"
    )
    text = header + "\n" + "\n\n".join(blocks) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
