"""The route guard and the passphrase routes, through real HTTP requests (Starlette's
TestClient): 401/403 before a guarded route runs, open prefixes, websockets, the passphrase
form, its slow-down, the session cookie and sign-out."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from alliance_lens.access import AccessSettings, Role
from alliance_lens.access_routes import (
    SIGNIN_ROUTE,
    SIGNOUT_ROUTE,
    AccessGuard,
    PassphraseRoutes,
    _rule,
)
from alliance_lens.errors import DatabaseError
from alliance_lens.passphrase import Throttle, hash_passphrase
from alliance_lens.sessions import SESSION_COOKIE, Gate, issue_session
from alliance_lens.signin_store import REFRESH_S, SigninStore
from alliance_lens.store import Store

HOST = "127.0.0.1:8501"
ORIGIN = f"http://{HOST}"
SECRET = "route-test-secret"
PRESENTER_PASS = "presenters only please"
EDUCATOR_PASS = "educators may edit the library"
RULES: dict[str, Role | None] = {
    "/library-media": Role.LEARNER,
    "/library-upload": Role.EDUCATOR,
    "/stage": Role.PRESENTER,
    "/room/": None,  # participants hold the room's code; the route checks it
    SIGNIN_ROUTE: None,
}


def ok(request):
    return PlainTextResponse("served " + request.url.path)


async def stage_socket(ws: WebSocket) -> None:
    await ws.accept()
    await ws.send_text("hello presenter")
    await ws.close()


def make_app(settings: AccessSettings, signins: SigninStore, **throttle) -> Starlette:
    gate = Gate(settings, SECRET, "0.0.0.0", env={}, signins=signins)
    return Starlette(
        routes=[
            Mount("/library-media", routes=[Route("/{path:path}", ok)]),
            Route("/library-upload", ok, methods=["GET", "PUT"]),
            Route("/library-mediaX", ok),  # shares a prefix, not a folder: not guarded
            WebSocketRoute("/stage/socket", stage_socket),
            Route("/room/{code}", ok),
            *PassphraseRoutes(gate, Throttle(signins, **throttle)).routes(),
        ],
        middleware=[Middleware(AccessGuard, gate=gate, rules=RULES)],
    )


@pytest.fixture(scope="module")
def hashes() -> dict[str, str]:
    return {
        "presenter_passphrase_hash": hash_passphrase(PRESENTER_PASS, cost=2**10),
        "educator_passphrase_hash": hash_passphrase(EDUCATOR_PASS, cost=2**10),
        "learner_passphrase_hash": hash_passphrase("learners come in here", cost=2**10),
    }


@pytest.fixture
def clock() -> list[float]:
    return [1000.0]


@pytest.fixture
def signins(tmp_path, clock) -> SigninStore:
    store = Store.open(f"sqlite:///{tmp_path / 'signin.sqlite3'}")
    yield SigninStore(store, clock=lambda: int(clock[0] * 1000))
    store.close()


@pytest.fixture
def client(hashes, signins) -> TestClient:
    settings = AccessSettings.from_secrets({"access": hashes})
    app = make_app(settings, signins, free=3, first_wait_s=30)
    return TestClient(app, base_url=ORIGIN, follow_redirects=False)


def sign_in(client: TestClient, passphrase: str, *, origin: str = ORIGIN):
    return client.post(
        SIGNIN_ROUTE,
        data={"passphrase": passphrase, "who": "Pat"},
        headers={"Origin": origin},
    )


def test_prefixes_match_whole_path_segments():
    assert _rule("/library-media/a.mp4", RULES) == (True, Role.LEARNER)
    assert _rule("/library-media", RULES) == (True, Role.LEARNER)
    assert _rule("/library-mediaX", RULES) == (False, None)
    assert _rule("/room/AB12", RULES) == (True, None)
    assert _rule("/", RULES) == (False, None)


def test_signed_out_every_guarded_route_is_refused(client):
    for path in ("/library-media/clip.mp4", "/library-upload"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.headers["cache-control"] == "no-store"
    assert client.put("/library-upload", content=b"x").status_code == 401
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/stage/socket") as ws:
        ws.receive_text()
    # open routes answer: the room's own code check and the sign-in form
    assert client.get("/room/AB12").text == "served /room/AB12"
    assert client.get(SIGNIN_ROUTE).status_code == 200


def test_a_role_reaches_its_routes_and_is_refused_above_it(client):
    response = sign_in(client, PRESENTER_PASS)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/library-media/clip.mp4").text == "served /library-media/clip.mp4"
    assert client.get("/library-upload").status_code == 403  # educators only
    session = {"cookie": f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"}
    with client.websocket_connect("/stage/socket", headers=session) as ws:
        assert ws.receive_text() == "hello presenter"
    sign_in(client, EDUCATOR_PASS)
    assert client.get("/library-upload").status_code == 200


def test_a_copied_session_cookie_stops_working_after_sign_out(client):
    sign_in(client, EDUCATOR_PASS)
    copied = client.cookies[SESSION_COOKIE]
    response = client.get(SIGNOUT_ROUTE)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/library-media/clip.mp4").status_code == 401
    client.cookies.set(SESSION_COOKIE, copied)
    assert client.get("/library-media/clip.mp4").status_code == 401


def test_wrong_passphrases_slow_down_the_next_attempts(client, clock):
    for _ in range(3):
        response = sign_in(client, "a guess of some length")
        assert response.status_code == 401
        assert "not right" in response.text
    response = sign_in(client, "a fourth guess")
    assert response.status_code == 401 and "Wait 30 s" in response.text
    # while waiting even the right passphrase is refused, without being checked
    response = sign_in(client, EDUCATOR_PASS)
    assert response.status_code == 429 and response.headers["retry-after"] == "31"
    assert SESSION_COOKIE not in client.cookies
    clock[0] += 30
    assert sign_in(client, "a fifth guess").status_code == 401  # wait doubles: 60 s
    clock[0] += 59
    assert sign_in(client, EDUCATOR_PASS).status_code == 429
    clock[0] += 1
    assert sign_in(client, EDUCATOR_PASS).status_code == 303


def test_sign_in_from_another_site_is_refused(client):
    assert sign_in(client, EDUCATOR_PASS, origin="https://evil.example").status_code == 403
    cross = {"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    data = {"passphrase": EDUCATOR_PASS}
    assert client.post(SIGNIN_ROUTE, data=data, headers=cross).status_code == 403
    assert SESSION_COOKIE not in client.cookies
    # the browser's own form under no-referrer: Origin null, Sec-Fetch-Site same-origin
    own = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert client.post(SIGNIN_ROUTE, data=data, headers=own).status_code == 303


def test_an_oversized_form_is_refused_unread(client):
    data = {"passphrase": "x" * 10_000}
    response = client.post(SIGNIN_ROUTE, data=data, headers={"Origin": ORIGIN})
    assert response.status_code == 413 and SESSION_COOKIE not in client.cookies


def test_the_form_escapes_nothing_from_the_request_and_loads_nothing_else(client):
    page = client.get(SIGNIN_ROUTE + "?x=<script>").text
    assert "<script" not in page and "http" not in page.replace('lang="en"', "")
    assert 'action="/signin"' in page and 'type="password"' in page


def test_no_passphrase_configured_means_no_form(signins):
    settings = AccessSettings.from_secrets({"auth": {"redirect_uri": "https://x/oauth2callback"}})
    c = TestClient(make_app(settings, signins), base_url=ORIGIN)
    assert c.get(SIGNIN_ROUTE).status_code == 404
    assert c.get("/library-media/a.mp4").status_code == 401


def test_behind_a_trusted_proxy_each_client_waits_for_its_own_guesses(hashes, signins):
    secrets = {"access": {**hashes, "trusted_proxies": ["127.0.0.1"]}}
    app = make_app(AccessSettings.from_secrets(secrets), signins, free=1, first_wait_s=30)
    proxy = TestClient(app, base_url=ORIGIN, follow_redirects=False, client=("127.0.0.1", 5000))

    def attempt(client_ip: str, passphrase: str, **extra: str):
        headers = {"Origin": ORIGIN, "X-Forwarded-For": client_ip, **extra}
        return proxy.post(SIGNIN_ROUTE, data={"passphrase": passphrase}, headers=headers)

    assert attempt("198.51.100.7", "a guess of some length").status_code == 401
    assert "Wait 30 s" in attempt("198.51.100.7", "another guess at it").text
    assert attempt("198.51.100.7", EDUCATOR_PASS).status_code == 429  # the guesser waits
    # ...the others behind the same proxy do not, and a guesser cannot pose as them
    assert attempt("203.0.113.20", EDUCATOR_PASS).status_code == 303
    spoofed = attempt("203.0.113.20, 198.51.100.7", EDUCATOR_PASS)
    assert spoofed.status_code == 429
    # a trusted proxy's X-Forwarded-Proto makes the session cookie Secure; nobody else's does
    secure = attempt("203.0.113.21", EDUCATOR_PASS, **{"X-Forwarded-Proto": "https"})
    assert "secure" in secure.headers["set-cookie"].lower()


def test_without_trusted_proxies_forwarded_headers_change_nothing(hashes, signins):
    app = make_app(AccessSettings.from_secrets({"access": hashes}), signins, free=1)
    proxy = TestClient(app, base_url=ORIGIN, follow_redirects=False, client=("127.0.0.1", 5000))
    for i in range(2):  # a guesser inventing a new address each time
        headers = {"Origin": ORIGIN, "X-Forwarded-For": f"192.0.2.{i}"}
        proxy.post(SIGNIN_ROUTE, data={"passphrase": "a guess of some length"}, headers=headers)
    headers = {"Origin": ORIGIN, "X-Forwarded-For": "192.0.2.77", "X-Forwarded-Proto": "https"}
    assert proxy.post(SIGNIN_ROUTE, data={"passphrase": "x"}, headers=headers).status_code == 429
    signins.clear("signin", "127.0.0.1")
    ok = proxy.post(SIGNIN_ROUTE, data={"passphrase": EDUCATOR_PASS}, headers=headers)
    assert ok.status_code == 303 and "secure" not in ok.headers["set-cookie"].lower()


def test_a_sign_out_on_one_app_refuses_the_cookie_on_another(hashes, tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    settings = AccessSettings.from_secrets({"access": hashes})
    stores = [Store.open(url), Store.open(url)]  # two processes' engines on one database
    mono = [0.0]
    signins_b = SigninStore(stores[1], monotonic=lambda: mono[0])
    a, b = (
        TestClient(make_app(settings, s), base_url=ORIGIN, follow_redirects=False)
        for s in (SigninStore(stores[0]), signins_b)
    )
    assert sign_in(a, PRESENTER_PASS).status_code == 303
    copied = a.cookies[SESSION_COOKIE]
    b.cookies.set(SESSION_COOKIE, copied)
    assert b.get("/library-media/clip.mp4").status_code == 200
    a.get(SIGNOUT_ROUTE)
    a.cookies.set(SESSION_COOKIE, copied)
    assert a.get("/library-media/clip.mp4").status_code == 401  # at once on its own process
    assert b.get("/library-media/clip.mp4").status_code == 200  # b remembers for REFRESH_S
    mono[0] += REFRESH_S
    assert b.get("/library-media/clip.mp4").status_code == 401
    fresh = TestClient(make_app(settings, SigninStore(stores[1])), base_url=ORIGIN)
    fresh.cookies.set(SESSION_COOKIE, copied)
    assert fresh.get("/library-media/clip.mp4").status_code == 401  # e.g. after a restart
    for store in stores:
        store.close()


def test_without_its_database_sign_in_says_so_and_sessions_are_refused(hashes):
    def broken() -> Store:
        raise DatabaseError("connection refused")

    settings = AccessSettings.from_secrets({"access": hashes})
    c = TestClient(make_app(settings, SigninStore(broken)), base_url=ORIGIN)
    response = sign_in(c, EDUCATOR_PASS)
    assert response.status_code == 503 and "database is not answering" in response.text
    assert SESSION_COOKIE not in c.cookies
    c.cookies.set(SESSION_COOKIE, issue_session(SECRET, Role.EDUCATOR))
    assert c.get("/library-upload").status_code == 401  # not let in unchecked
    out = c.get(SIGNOUT_ROUTE, follow_redirects=False)
    assert out.status_code == 503 and "could not be recorded" in out.text
    cleared = out.headers["set-cookie"]  # this browser is signed out all the same
    assert cleared.startswith(f'{SESSION_COOKIE}=""') and "Max-Age=0" in cleared
