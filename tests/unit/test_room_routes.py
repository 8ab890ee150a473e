"""The room's HTTP routes: what a participant may do (join, read, answer, tap) and what is
refused (presenter actions with a token, cross-site or non-JSON writes, big bodies, unknown or
ended rooms); and a prompt opened through one server reaching a page held open on another
(two real uvicorn servers on one database, as two app processes would be)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from alliance_lens.client_address import TrustedProxies
from alliance_lens.rooms import RoomStore
from alliance_lens.rooms.routes import KEY_HEADER, MAX_BODY, TOKEN_HEADER, room_routes
from alliance_lens.signin_store import JoinLimit, SigninStore
from alliance_lens.store import Store
from tests.unit.store_fixtures import BACKENDS, database_url

HOST = "127.0.0.1:8501"
ORIGIN = f"http://{HOST}"
SAME = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}
PROMPT = {"key": "p1", "kind": "choice", "question": "Who withdrew?", "options": ["A", "B"]}


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


@pytest.fixture
def rooms(url) -> Iterator[RoomStore]:
    store = Store.open(url)
    yield RoomStore(store, group_commit=True)  # as the app's routes use it
    store.close()


@pytest.fixture
def client(rooms) -> TestClient:
    return TestClient(Starlette(routes=room_routes(lambda: rooms)), base_url=ORIGIN)


def post(client: TestClient, path: str, body: object, **headers: str) -> httpx2.Response:
    return client.post(path, json=body, headers={**SAME, **headers})


def joined(client: TestClient, code: str, pseudonym: str = "") -> str:
    r = post(client, f"/room-api/{code}/join", {"pseudonym": pseudonym})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def test_participant_joins_reads_answers_and_taps(client, rooms) -> None:
    room, key = rooms.create("Workshop")
    page = client.get(f"/join/{room.code}")
    assert page.status_code == 200 and '<script type="module" src="/join-assets/join.js">' in (
        page.text
    )
    assert client.get("/join-assets/join.js").status_code == 200
    token = joined(client, room.code, "Ana")
    pid = post(client, f"/room-api/{room.code}/presenter/prompt", PROMPT, **{KEY_HEADER: key})
    assert pid.status_code == 200, pid.text
    prompt_id = pid.json()["prompt_id"]
    state = client.get(f"/room-api/{room.code}/state", headers={TOKEN_HEADER: token}).json()
    assert state["prompt"]["question"] == "Who withdrew?" and "mine" not in state
    body = {"prompt_id": prompt_id, "choices": ["B"]}
    assert post(client, f"/room-api/{room.code}/answer", body, **{TOKEN_HEADER: token}).json()[
        "saved"
    ]
    state = client.get(f"/room-api/{room.code}/state", headers={TOKEN_HEADER: token}).json()
    assert state["mine"] == {"choices": ["B"], "text": ""}
    play = {"playing": True, "position_ms": 5000}
    post(client, f"/room-api/{room.code}/presenter/playback", play, **{KEY_HEADER: key})
    assert (
        post(client, f"/room-api/{room.code}/tap", {}, **{TOKEN_HEADER: token}).status_code == 200
    )
    summary = client.get(f"/room-api/{room.code}/presenter/summary", headers={KEY_HEADER: key})
    assert summary.json()["participants"] == 1 and summary.json()["taps"] == 1
    assert summary.json()["prompts"][0]["counts"] == {"A": 0, "B": 1}
    svg = client.get(f"/room-api/{room.code}/qr.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")
    csv_ = client.get(f"/room-api/{room.code}/presenter/export.csv", headers={KEY_HEADER: key})
    assert csv_.status_code == 200 and "P001" in csv_.text and "Ana" not in csv_.text


def test_refused_writes(client, rooms) -> None:
    room, key = rooms.create()
    token = joined(client, room.code)
    base = f"/room-api/{room.code}"
    prompt_id = post(client, base + "/presenter/prompt", PROMPT, **{KEY_HEADER: key}).json()[
        "prompt_id"
    ]
    answer = {"prompt_id": prompt_id, "choices": ["A"]}
    tok = {TOKEN_HEADER: token}
    # another site's page, or no Origin at all
    evil = {"Origin": "http://evil.example", **tok}
    assert client.post(base + "/answer", json=answer, headers=evil).status_code == 403
    cross = {**SAME, "Sec-Fetch-Site": "cross-site", **tok}
    assert client.post(base + "/answer", json=answer, headers=cross).status_code == 403
    assert client.post(base + "/join", json={}, headers={}).status_code == 403
    # not JSON (a plain HTML form can send only form types)
    form = client.post(base + "/answer", data={"x": "1"}, headers={**SAME, **tok})
    assert form.status_code == 415
    big = {"prompt_id": prompt_id, "text": "x" * MAX_BODY}
    assert post(client, base + "/answer", big, **tok).status_code == 413
    assert post(client, base + "/answer", [1, 2], **tok).status_code == 400
    assert post(client, base + "/answer", {"prompt_id": "1"}, **tok).status_code == 400
    # presenter actions: never with a participant token, in the key header or anywhere
    for path in ("/presenter/prompt", "/presenter/end", "/presenter/stage", "/presenter/close"):
        assert post(client, base + path, PROMPT, **tok).status_code == 403
        assert post(client, base + path, PROMPT, **{KEY_HEADER: token}).status_code == 403
    for path in ("/presenter/summary", "/presenter/export.csv", "/presenter/stage"):
        assert client.get(base + path, headers={KEY_HEADER: token}).status_code == 403
    assert client.delete(base + "/presenter", headers={**SAME, KEY_HEADER: token}).status_code == (
        403
    )
    assert client.delete(base + "/presenter", headers={KEY_HEADER: key}).status_code == 403
    # a participant route with no token, or a stranger's
    assert post(client, base + "/answer", answer).status_code == 403
    assert post(client, base + "/answer", answer, **{TOKEN_HEADER: "guess"}).status_code == 403
    assert post(client, base + "/tap", {}, **tok).status_code == 409  # video paused
    # nothing of that was saved
    assert rooms.tallies(room.code, key)[0].answered == 0
    assert rooms.counts(room.code, key) == {"participants": 1, "taps": 0}


def test_unknown_and_ended_rooms_say_so(client, rooms) -> None:
    r = post(client, "/room-api/ZZZZZZZZ/join", {})
    assert r.status_code == 404 and "no room with this code" in r.json()["error"]
    assert client.get("/room-api/ZZZZZZZZ/events").status_code == 404
    room, key = rooms.create()
    token = joined(client, room.code)
    assert post(client, f"/room-api/{room.code}/presenter/end", {}, **{KEY_HEADER: key}).json()
    r = post(client, f"/room-api/{room.code}/join", {})
    assert r.status_code == 410 and "ended" in r.json()["error"]
    assert post(client, f"/room-api/{room.code}/tap", {}, **{TOKEN_HEADER: token}).status_code == (
        410
    )
    assert client.get(f"/room-api/{room.code}/state").json()["ended"] is True
    deleted = client.delete(f"/room-api/{room.code}/presenter", headers={**SAME, KEY_HEADER: key})
    assert deleted.status_code == 200
    assert client.get(f"/room-api/{room.code}/state").status_code == 404


def test_presenter_guard_wraps_every_presenter_route(rooms) -> None:
    room, key = rooms.create()
    calls = []

    def guard(endpoint):
        async def guarded(request):
            calls.append(request.url.path)
            return await endpoint(request)

        return guarded

    client = TestClient(
        Starlette(routes=room_routes(lambda: rooms, presenter_guard=guard)), base_url=ORIGIN
    )
    post(client, f"/room-api/{room.code}/presenter/prompt", PROMPT, **{KEY_HEADER: key})
    client.get(f"/room-api/{room.code}/presenter/summary", headers={KEY_HEADER: key})
    joined(client, room.code)
    assert calls == [
        f"/room-api/{room.code}/presenter/prompt",
        f"/room-api/{room.code}/presenter/summary",
    ]


# --- two processes' worth of servers -----------------------------------------------------------


def _serve(url: str) -> tuple[str, uvicorn.Server, threading.Thread]:
    store = Store.open(url)
    rooms = RoomStore(store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = Starlette(routes=room_routes(lambda: rooms))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def test_a_prompt_opened_on_one_server_reaches_a_page_on_another(url) -> None:
    if url.startswith("sqlite"):
        Store.open(url).close()  # create the file and schema before two servers race to
    (a, server_a, ta), (b, server_b, tb) = _serve(url), _serve(url)
    try:
        rooms = RoomStore(Store.open(url))
        room, key = rooms.create()
        seen: list[dict] = []
        with (
            httpx2.Client(timeout=10) as http,
            http.stream("GET", f"{b}/room-api/{room.code}/events") as events,
        ):
            lines = events.iter_lines()
            for line in lines:  # the state at connection: no prompt yet
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    break
            opened = time.monotonic()
            r = http.post(f"{a}/room-api/{room.code}/presenter/prompt", json=PROMPT,
                              headers={"Origin": a, KEY_HEADER: key})  # fmt: skip
            assert r.status_code == 200, r.text
            for line in lines:
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    break
            delay = time.monotonic() - opened
        assert seen[0]["prompt"] is None and seen[1]["prompt"]["question"] == "Who withdrew?"
        assert delay < 5  # generous: the watcher polls every 0.2 s; loaded CI machines vary
        rooms.store.close()
    finally:
        server_a.should_exit = server_b.should_exit = True
        ta.join(5)
        tb.join(5)


def test_long_poll_answers_at_once_when_behind_and_refuses_unknown_rooms(client, rooms) -> None:
    room, key = rooms.create()
    first = client.get(f"/room-api/{room.code}/poll")  # no version yet: the state at once
    assert first.status_code == 200 and first.json()["prompt"] is None
    version = first.json()["version"]
    post(client, f"/room-api/{room.code}/presenter/prompt", PROMPT, **{KEY_HEADER: key})
    later = client.get(f"/room-api/{room.code}/poll", params={"since": version})
    assert later.status_code == 200 and later.json()["prompt"]["question"] == "Who withdrew?"
    assert client.get("/room-api/ZZZZZZZZ/poll").status_code == 404


def test_stage_view_route_gives_what_the_console_sends_the_stage(client, rooms) -> None:
    room, key = rooms.create("Workshop", "http://192.168.1.20:8501")
    token = joined(client, room.code)
    head = {KEY_HEADER: key}
    pid = post(client, f"/room-api/{room.code}/presenter/prompt", PROMPT, **head).json()
    answer = {"prompt_id": pid["prompt_id"], "choices": ["B"]}
    post(client, f"/room-api/{room.code}/answer", answer, **{TOKEN_HEADER: token})
    stage = f"/room-api/{room.code}/presenter/stage"
    post(client, stage, {"display": "bars"}, **head)
    view = client.get(stage, headers=head).json()
    assert view["counts"] == {"A": 0, "B": 1} and view["answered"] == 1
    play = {"playing": True, "position_ms": 4_000}
    post(client, f"/room-api/{room.code}/presenter/playback", play, **head)
    post(client, f"/room-api/{room.code}/tap", {}, **{TOKEN_HEADER: token})
    post(client, stage, {"display": "taps"}, **head)
    view = client.get(stage + "?duration_ms=10000", headers=head).json()
    assert len(view["taps_ms"]) == 1 and len(view["density"]) == 60 and sum(view["density"]) == 1
    assert "density" not in client.get(stage + "?duration_ms=nonsense", headers=head).json()
    post(client, stage, {"display": "score"}, **head)  # scored at each poll, from the store
    scored = client.get(
        stage + "?duration_ms=10000&onsets=3000,9000&window=2000,10000", headers=head
    )
    assert scored.json()["score"]["noticed"] == 1 and scored.json()["score"]["of"] == 2
    for bad in ("onsets=3000,x&window=2000,10000", "onsets=3000&window=2000"):
        refused = client.get(f"{stage}?{bad}", headers=head)
        assert refused.status_code == 400 and "milliseconds" in refused.json()["error"]
    post(client, stage, {"display": "join"}, **head)
    view = client.get(stage, headers=head).json()
    assert view["join_url"] == f"http://192.168.1.20:8501/join/{room.code}"
    assert client.get(stage).status_code in (401, 403)  # no key: nothing


def test_joins_are_limited_per_address_yet_a_whole_workshop_behind_one_nat_gets_in(rooms):
    proxies = TrustedProxies.parse(["127.0.0.1"])[0]
    limit = JoinLimit(SigninStore(rooms.store))
    app = Starlette(
        routes=room_routes(
            lambda: rooms, join_limit=limit, client=lambda request: proxies.client_of(request.scope)
        )
    )
    proxy = TestClient(app, base_url=ORIGIN, client=("127.0.0.1", 5000))
    room, _ = rooms.create("Workshop of 300")
    nat = {"X-Forwarded-For": "198.51.100.50"}
    for i in range(300):  # the whole workshop, every phone behind the venue's one address
        r = post(proxy, f"/room-api/{room.code}/join", {"pseudonym": f"p{i}"}, **nat)
        assert r.status_code == 200, (i, r.text)
    for _ in range(limit.per_window - 300):
        assert post(proxy, f"/room-api/{room.code}/join", {}, **nat).status_code == 200
    refused = post(proxy, f"/room-api/{room.code}/join", {}, **nat)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json()["error"] == (
        "Too many people have joined from your network in the last minute. "
        f"Please try again in {wait} s."
    )
    # unknown codes count too (no quick guessing), and other addresses are not held up
    assert post(proxy, "/room-api/ZZZZZZZZ/join", {}, **nat).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.9"}
    assert post(proxy, f"/room-api/{room.code}/join", {}, **other).status_code == 200
