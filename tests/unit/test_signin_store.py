"""Sign-in state shared by app processes, on SQLite and PostgreSQL: two ``Store``s (two
engines, as two processes have) on one database. A sign-out through one is refused through
the other; failed passphrases and room joins add up across both; counters stay exact under
concurrent writers; a database that does not answer refuses a session rather than let it in."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from alliance_lens.errors import DatabaseError
from alliance_lens.passphrase import Throttle
from alliance_lens.sessions import oidc_session_id
from alliance_lens.signin_store import (
    REFRESH_S,
    JoinLimit,
    SigninStore,
    address_counts,
    revoked_sessions,
)
from alliance_lens.store import Store
from tests.unit.store_fixtures import BACKENDS, database_url

HOUR_MS = 3_600_000


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


@pytest.fixture
def clocks() -> dict[str, float]:
    return {"wall_ms": 1_700_000_000_000, "mono": 100.0}


@pytest.fixture
def two(url, clocks) -> Iterator[tuple[SigninStore, SigninStore]]:
    """Two processes' sign-in stores: separate engines on the same database."""
    a, b = Store.open(url), Store.open(url)
    wall = lambda: int(clocks["wall_ms"])  # noqa: E731
    mono = lambda: clocks["mono"]  # noqa: E731
    yield (
        SigninStore(a, clock=wall, monotonic=mono),
        SigninStore(b, clock=wall, monotonic=mono),
    )
    a.close()
    b.close()


def test_a_sign_out_on_one_process_is_refused_on_another(two, clocks):
    a, b = two
    now = int(clocks["wall_ms"])
    assert not b.is_revoked("sid-seen")  # b has asked once: remembered for REFRESH_S
    a.revoke("sid-seen", now + HOUR_MS)
    a.revoke("sid-new", now + HOUR_MS)
    assert a.is_revoked("sid-seen") and a.is_revoked("sid-new")  # its own process: at once
    assert b.is_revoked("sid-new")  # never asked on b: read from the database
    assert not b.is_revoked("sid-seen")  # the documented delay...
    clocks["mono"] += REFRESH_S
    assert b.is_revoked("sid-seen")  # ...is at most REFRESH_S
    assert not b.is_revoked("sid-other")
    a.revoke("sid-seen", now + HOUR_MS)  # signing out twice is harmless


def test_an_identity_provider_session_is_signed_out_the_same_way(two, clocks):
    a, b = two
    cookies = {"_streamlit_user": URLSafeTimedSerializer("k", salt="_streamlit_user").dumps("{}")}
    sid = oidc_session_id(cookies, "k", 3600)
    assert sid is not None
    a.revoke(sid, int(clocks["wall_ms"]) + HOUR_MS)  # fits the column on PostgreSQL too
    assert b.is_revoked(sid)


def test_revocations_go_once_their_sessions_would_have_expired(two, clocks):
    a, b = two
    now = int(clocks["wall_ms"])
    a.revoke("short", now + 1_000)
    a.revoke("long", now + HOUR_MS)
    clocks["wall_ms"] += 2_000
    b.revoke("later", now + 2 * HOUR_MS)  # each sign-out purges the expired rows
    with a.store()._read() as conn:
        left = set(conn.execute(select(revoked_sessions.c.sid)).scalars())
    assert left == {"long", "later"}


def test_failed_passphrases_add_up_across_processes(two, clocks):
    a, b = two
    ta, tb = Throttle(a, free=3, first_wait_s=2), Throttle(b, free=3, first_wait_s=2)
    ip = "203.0.113.7"
    assert [ta.begin(ip), tb.begin(ip), ta.begin(ip)] == [(0, 0)] * 3
    assert tb.begin(ip) == (0, 2.0)  # the fourth, on either process, imposes a wait if wrong
    assert ta.begin(ip) == (2.0, 0) and ta.wait_s(ip) == 2.0  # refused on the other
    assert tb.wait_s("198.51.100.1") == 0
    clocks["wall_ms"] += 2_000
    assert ta.wait_s(ip) == 0 and tb.begin(ip) == (0, 4.0)
    ta.succeed(ip)
    assert tb.wait_s(ip) == 0 and tb.begin(ip) == (0, 0)


def test_a_burst_of_parallel_guesses_is_counted_before_any_is_checked(two):
    a, b = two
    throttles = [Throttle(s, free=3, first_wait_s=60) for s in (a, b)]
    start = threading.Barrier(10)
    results: list[tuple[float, float]] = []

    def guess(throttle: Throttle) -> None:
        start.wait()
        results.append(throttle.begin("192.0.2.66"))

    threads = [threading.Thread(target=guess, args=(throttles[i % 2],)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    checked = [r for r in results if r[0] == 0]
    assert len(results) == 10 and len(checked) == 4  # the free three and the one that waits


def test_room_joins_per_address_add_up_across_processes(two, clocks):
    a, b = two
    la, lb = JoinLimit(a, per_window=3), JoinLimit(b, per_window=3)
    assert [la.retry_after_s("10.0.0.1"), lb.retry_after_s("10.0.0.1")] == [0, 0]
    assert la.retry_after_s("10.0.0.1") == 0 and lb.retry_after_s("10.0.0.1") == 60
    assert la.retry_after_s("10.0.0.2") == 0  # another address has its own count
    clocks["wall_ms"] += 45_000
    assert lb.retry_after_s("10.0.0.1") == 15
    clocks["wall_ms"] += 15_000
    assert la.retry_after_s("10.0.0.1") == 0  # a new window


def test_counters_are_exact_under_concurrent_writers(two):
    a, b = two
    start = threading.Barrier(8)

    def bump(signins: SigninStore) -> None:
        start.wait()
        for _ in range(10):
            signins.bump("join", "192.0.2.1", lambda count, until, now: (count + 1, now + HOUR_MS))

    threads = [threading.Thread(target=bump, args=(s,)) for s in (a, b) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with a.store()._read() as conn:
        count = conn.scalar(select(address_counts.c.count).where(address_counts.c.kind == "join"))
        rows = conn.scalar(select(func.count()).select_from(address_counts))
    assert count == 80 and rows == 1


def test_old_counters_are_forgotten(two, clocks):
    a, _ = two
    throttle = Throttle(a)
    for _ in range(4):
        throttle.begin("192.0.2.9")
    clocks["wall_ms"] += 25 * HOUR_MS  # a day after the last wait ended
    JoinLimit(a).retry_after_s("192.0.2.10")  # any counter's write purges, once a minute
    with a.store()._read() as conn:
        kept = conn.execute(select(address_counts.c.address)).scalars().all()
    assert kept == ["192.0.2.10"]


def test_a_database_that_does_not_answer_refuses_passphrase_sessions():
    def broken() -> Store:
        raise DatabaseError("connection refused")

    signins = SigninStore(broken)
    assert signins.is_revoked("any") and not signins.known("any")  # asked again next time
