"""Cost of the route guard per request now that passphrase sign-outs live in the database.

Every request to a guarded route (a playing video sends many range requests) reads the
session cookie and asks whether that session was signed out. Measured in one run, per call of
``access_routes.checked_access`` (what ``AccessGuard`` awaits), with a passphrase session:

- baseline: no sign-out check at all (main before this work checked an in-memory set, which
  costs the same to within noise);
- remembered: the database's answer kept for ``REFRESH_S`` (2 s) in the process, as shipped;
- asked every time: ``refresh_s=0``, one indexed read per request in a worker thread,
  on SQLite and, when ``ALLIANCE_LENS_TEST_PG_URL`` is set, PostgreSQL.

Usage: python bench/signin_guard.py   (writes bench/results/signin_guard.txt)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.requests import HTTPConnection  # noqa: E402

from alliance_lens.access import AccessSettings, Role  # noqa: E402
from alliance_lens.access_routes import checked_access  # noqa: E402
from alliance_lens.sessions import SESSION_COOKIE, Gate, issue_session  # noqa: E402
from alliance_lens.signin_store import SigninStore  # noqa: E402
from alliance_lens.store import Store  # noqa: E402

CALLS = 3_000
SECRET = "bench-secret"
SETTINGS = AccessSettings.from_secrets({"access": {"presenter_passphrase_hash": "x"}})


def _connection() -> HTTPConnection:
    cookie = f"{SESSION_COOKIE}={issue_session(SECRET, Role.PRESENTER, 'Pat')}"
    headers = [(b"host", b"127.0.0.1:8501"), (b"cookie", cookie.encode())]
    return HTTPConnection({"type": "http", "headers": headers, "client": ("127.0.0.1", 1)})


def _measure(gate: Gate) -> list[float]:
    """Per-call times; a new session every 500 calls (its first check reads the database)."""
    conns = [_connection() for _ in range(CALLS // 500)]

    async def run() -> list[float]:
        times = []
        for i in range(CALLS):
            start = time.perf_counter_ns()
            access = await checked_access(gate, conns[i // 500])
            times.append((time.perf_counter_ns() - start) / 1000)
            assert access.role is Role.PRESENTER
        return times

    return asyncio.run(run())


def _line(name: str, times: list[float], base: float) -> str:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"{name:<44} median {median:8.1f} µs   p95 {p95:8.1f} µs   x{median / base:5.1f}"


def main() -> None:
    lines = [
        f"signin_guard: {CALLS} guarded requests with a passphrase session, per call of "
        "checked_access",
        f"load average at start: {os.getloadavg()[0]:.1f} (2 cores shared)",
        "",
    ]
    base_times = _measure(Gate(SETTINGS, SECRET, "0.0.0.0", env={}))
    base = statistics.median(base_times)
    lines.append(_line("baseline (no sign-out check)", base_times, base))
    urls = {"SQLite": "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite3")}
    if os.environ.get("ALLIANCE_LENS_TEST_PG_URL"):
        urls["PostgreSQL"] = os.environ["ALLIANCE_LENS_TEST_PG_URL"]
    for name, url in urls.items():
        store = Store.open(url)
        try:
            for i in range(1_000):  # a table with some sign-outs in it
                SigninStore(store).revoke(f"old-{i}", SigninStore(store).clock() + 3_600_000)
            for label, refresh in (("remembered 2 s (shipped)", 2.0), ("asked every time", 0.0)):
                gate = Gate(SETTINGS, SECRET, "0.0.0.0", env={}, signins=SigninStore(store,
                            refresh_s=refresh))  # fmt: skip
                lines.append(_line(f"{name}: {label}", _measure(gate), base))
        finally:
            store.close()
    lines += [
        "",
        "Remembered, a process reads the database once per session per 2 s: a sign-out on",
        "another process is refused there within 2 s (at once on its own).",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    out = ROOT / "bench" / "results" / "signin_guard.txt"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
