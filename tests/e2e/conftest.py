"""Browser fixtures: the real app (`streamlit run app.py`) on a temp library, driven by
Debian's Chromium through Playwright. Every request URL and console error is collected, and
script runs are counted from outside, in the app's websocket (see ``Watched``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.support.watch_library import build_library
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # the apps/ scripts import them from here

ROOT = Path(__file__).resolve().parents[2]

# a ceiling, not a pause: a loaded CI machine (two cores, a Streamlit server and Chromium per
# test) can take longer than Playwright's default 5 s to draw what a rerun brings
expect.set_options(timeout=15_000)


# the player lives in a shadow root; CSS locators pierce it, page.evaluate does not
ROOT_JS = (
    "([...document.querySelectorAll('*')].map(e => e.shadowRoot)"
    ".find(r => r && r.querySelector('.al-player')))"
)
VIDEO_JS = f"({ROOT_JS} || document).querySelector('.al-video')"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, url: str, proc: subprocess.Popen[bytes]) -> None:
        self.url, self.proc = url, proc


@pytest.fixture(scope="session")
def e2e_library(tmp_path_factory) -> Path:
    return build_library(tmp_path_factory.mktemp("e2e-lib"))


def start_server(
    script: str,
    library: Path,
    workdir: Path,
    *,
    port: int | None = None,
    extra_args: tuple[str, ...] = (),
    extra_env: dict[str, str] | None = None,
):
    port = port or _free_port()
    log = workdir / "server.log"
    env = dict(
        os.environ, ALLIANCE_LENS_LIBRARY=str(library), PYTHONPATH=str(ROOT), **(extra_env or {})
    )
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra_args,
    ]
    out = open(log, "wb")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(log.read_text())
        time.sleep(0.3)
    return Server(url, proc), out


def stop_server(server: Server, out) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
    out.close()


@pytest.fixture(scope="session")
def server(e2e_library, tmp_path_factory):
    srv, out = start_server("app.py", e2e_library, tmp_path_factory.mktemp("e2e-server"))
    yield srv
    stop_server(srv, out)


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """The room library (tests/e2e/apps/room_library.py) on a server of the module's own."""
    from tests.e2e.apps.room_library import build_room_library

    data = tmp_path_factory.mktemp("room-data")
    library = build_room_library(tmp_path_factory.mktemp("room-lib"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", library, tmp_path_factory.mktemp("room-srv"))
    yield srv
    stop_server(srv, out)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def is_rerun_request(payload) -> bool:
    """A websocket frame from the browser asking the server to run the script."""
    return isinstance(payload, bytes) and BackMsg.FromString(payload).HasField("rerun_script")


class Watched:
    """A page plus what it did: requests, console errors, page errors, dialogs, and the
    Streamlit protocol on its websocket, read from outside: ``script_runs`` counts the
    ``script_finished`` messages the server sent, ``rerun_requests`` the ``rerun_script``
    messages the browser sent (every trigger and widget change is one), per connection."""

    def __init__(self, page, server: Server) -> None:
        self.page, self.server = page, server
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.ws = None
        page.on("websocket", self._on_websocket)
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

    def _on_websocket(self, ws) -> None:
        if not ws.url.endswith("/_stcore/stream"):
            return
        self.ws = ws
        self.script_runs = self.rerun_requests = 0
        self.running = True  # a new session runs the script at once
        self._seq = self._last_request = self._last_status = 0
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        self._seq += 1
        if kind == "script_finished":
            self.script_runs += 1
        elif kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running
            self._last_status = self._seq

    def _sent(self, payload) -> None:
        if is_rerun_request(payload):
            self._seq += 1
            self.rerun_requests += 1
            self._last_request = self._seq

    def idle(self) -> bool:
        """No script running, and none asked for since the server last said so."""
        return self.ws is not None and not self.running and self._last_status > self._last_request

    def wait_idle(self, timeout: float = 60_000) -> None:
        """Wait (on websocket traffic, not a clock) until the app has no run pending."""
        deadline = time.monotonic() + timeout / 1000
        while not self.idle():
            left = deadline - time.monotonic()
            assert left > 0, "the app did not finish its script runs"
            assert self.ws is not None
            self.ws.wait_for_event("framereceived", timeout=left * 1000)

    def open(self, query: str):
        self.page.goto(f"{self.server.url}/?{query}")
        self.page.locator(".al-player video").wait_for(state="attached", timeout=30_000)
        self.page.wait_for_function(
            f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}", timeout=30_000
        )
        return self.page

    def js(self, expr: str):
        """Evaluate ``expr`` with ``v`` (the <video>) and ``root`` (the player's shadow root)."""
        return self.page.evaluate(
            f"() => {{ const root = {ROOT_JS}; const v = {VIDEO_JS}; return ({expr}); }}"
        )

    def assert_clean(self) -> None:
        assert not self.console_errors, self.console_errors
        assert not self.outside_requests(), self.outside_requests()

    def outside_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:"))
        ]


@pytest.fixture
def watched(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    w = Watched(page, server)
    yield w
    context.close()
