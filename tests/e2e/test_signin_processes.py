"""Sign-in across app processes: two real app servers (``streamlit run app.py``) on one
database, as behind nginx with several processes. A passphrase sign-out on one refuses the
copied cookie on the other; failed attempts count in the shared database, per client address
only when the peer is a trusted proxy (server B trusts 127.0.0.1, server A trusts nobody, so
A must not believe X-Forwarded-For even though uvicorn itself would from loopback). Past the
per-address join limit, the participant page (in Chromium) says so in plain words."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance_lens.datadir import resolve_db_url
from alliance_lens.passphrase import hash_passphrase
from alliance_lens.rooms import RoomStore
from alliance_lens.signin_store import SigninStore, address_counts
from alliance_lens.store import Store
from tests.e2e.conftest import start_server, stop_server
from tests.unit.store_fixtures import BACKENDS, database_url

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSPHRASE = "the workshop educators' passphrase"
PRESENTER_ROUTE = "/stage-data/clip"  # needs a presenter's session
WAIT_S = 30.0  # generous: a sign-out reaches another process within REFRESH_S (2 s)


def _secrets(path: Path, *, trusted: str) -> Path:
    path.write_text(
        f'[access]\neducator_passphrase_hash = "{hash_passphrase(PASSPHRASE, cost=2**12)}"\n'
        f"trusted_proxies = [{trusted}]\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def two_apps(request, e2e_library, tmp_path_factory) -> Iterator[tuple[object, object, str]]:
    work = tmp_path_factory.mktemp(f"two-apps-{request.param}")
    (work / "data").mkdir()
    with database_url(request.param, work) as url:
        if request.param == "sqlite":
            url = resolve_db_url({"ALLIANCE_LENS_DATA": str(work / "data")})
        env = {
            "ALLIANCE_LENS_DATA": str(work / "data"),
            "ALLIANCE_LENS_DB_URL": url,
            "STREAMLIT_SERVER_COOKIE_SECRET": "one-secret-for-every-process-of-this-app",
        }
        started = []
        try:
            for name, trusted in (("a", ""), ("b", '"127.0.0.1"')):
                (work / name).mkdir()
                secrets = _secrets(work / name / "secrets.toml", trusted=trusted)
                args = ("--secrets.files", str(secrets))
                started.append(
                    start_server("app.py", e2e_library, work / name, extra_args=args, extra_env=env)
                )
            yield started[0][0], started[1][0], url
        finally:
            for srv, out in started:
                stop_server(srv, out)


def _sign_in(url: str, passphrase: str, **headers: str) -> httpx.Response:
    return httpx.post(
        url + "/signin",
        data={"passphrase": passphrase},
        headers={"Origin": url, **headers},
        timeout=60,
    )


def test_a_sign_out_on_one_process_refuses_the_cookie_on_the_other(two_apps):
    a, b, _ = two_apps
    signed_in = _sign_in(a.url, PASSPHRASE)
    assert signed_in.status_code == 303, signed_in.text
    cookie = {"alliance_lens_session": signed_in.cookies["alliance_lens_session"]}
    assert httpx.get(b.url + PRESENTER_ROUTE, cookies=cookie, timeout=60).status_code == 200

    assert httpx.get(a.url + "/signin/out", cookies=cookie, timeout=60).status_code == 303
    # signed out, the cookie is a visitor's again: a learner in a workshop, too small a role
    assert httpx.get(a.url + PRESENTER_ROUTE, cookies=cookie, timeout=60).status_code == 403
    deadline = time.monotonic() + WAIT_S
    status = 200
    while status != 403 and time.monotonic() < deadline:  # a condition, not a fixed sleep
        status = httpx.get(b.url + PRESENTER_ROUTE, cookies=cookie, timeout=60).status_code
        time.sleep(0.2)
    assert status == 403, "process B still accepts a session signed out on process A"


def test_failed_attempts_are_shared_and_counted_per_client_only_behind_a_trusted_proxy(two_apps):
    a, b, url = two_apps
    # A trusts no proxy: a made-up X-Forwarded-For changes nothing, the peer is the client
    assert _sign_in(a.url, "a wrong guess", **{"X-Forwarded-For": "192.0.2.1"}).status_code == 401
    # B trusts its local proxy: the forwarded address is the client
    wrong_b = _sign_in(b.url, "a wrong guess", **{"X-Forwarded-For": "203.0.113.5"})
    assert wrong_b.status_code == 401
    with Store.open(url) as store:
        with store._read() as conn:
            rows = set(conn.execute(select(address_counts.c.kind, address_counts.c.address)))
        assert rows == {("signin", "127.0.0.1"), ("signin", "203.0.113.5")}
        # the proxy's own address has guessed too often: 5 minutes' wait, seen by both
        SigninStore(store).bump("signin", "127.0.0.1", lambda c, u, now: (10, now + 300_000))
    spoofed = _sign_in(a.url, PASSPHRASE, **{"X-Forwarded-For": "198.51.100.1"})
    assert spoofed.status_code == 429 and int(spoofed.headers["Retry-After"]) > 200
    assert _sign_in(b.url, PASSPHRASE).status_code == 429  # no header: the proxy is the client
    # behind the trusted proxy another client signs in undisturbed
    other = _sign_in(b.url, PASSPHRASE, **{"X-Forwarded-For": "198.51.100.1"})
    assert other.status_code == 303


def test_the_participant_page_says_plainly_when_joins_from_its_network_must_wait(browser, two_apps):
    a, _, url = two_apps
    with Store.open(url) as store:
        room, _key = RoomStore(store).create("Workshop")
        # this address has used its 360 joins of the minute (a venue's NAT, say)
        SigninStore(store).bump("join", "127.0.0.1", lambda c, u, now: (360, now + 60_000))
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{a.url}/join/{room.code}")
        expect(page.locator("#join-form")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Join").click()
        status = page.locator("#status")
        expect(status).to_contain_text(
            "Too many people have joined from your network in the last minute", timeout=30_000
        )
        expect(status).to_contain_text(re.compile(r"Please try again in \d+ s\."))
        expect(page.locator("#join-form")).to_be_visible()  # they can try again from here
    finally:
        context.close()
