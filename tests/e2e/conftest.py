"""Browser fixtures: the real app (`streamlit run app.py`) on a temp library, driven by
Debian's Chromium through Playwright. Every request URL and console error is collected.
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

from tests.e2e.apps.watch_library import build_library
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # the apps/ scripts import them from here

ROOT = Path(__file__).resolve().parents[2]


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
    def __init__(self, url: str, rerun_log: Path, proc: subprocess.Popen[bytes]) -> None:
        self.url, self.rerun_log, self.proc = url, rerun_log, proc

    def runs(self) -> int:
        """Script runs so far (the page appends a line per run; see ui.watch._log_run)."""
        try:
            return len(self.rerun_log.read_text().splitlines())
        except FileNotFoundError:
            return 0


@pytest.fixture(scope="session")
def e2e_library(tmp_path_factory) -> Path:
    return build_library(tmp_path_factory.mktemp("e2e-lib"))


def start_server(script: str, library: Path, workdir: Path):
    port = _free_port()
    log = workdir / "reruns.log"
    env = dict(
        os.environ,
        ALLIANCE_LENS_LIBRARY=str(library),
        ALLIANCE_LENS_RERUN_LOG=str(log),
        PYTHONPATH=str(ROOT),
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
    ]
    out = open(log.with_suffix(".out"), "wb")  # noqa: SIM115 (closed at teardown)
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
            raise RuntimeError(log.with_suffix(".out").read_text())
        time.sleep(0.3)
    return Server(url, log, proc), out


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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page plus what it did: requests, console errors, page errors, dialogs."""

    def __init__(self, page, server: Server) -> None:
        self.page, self.server = page, server
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

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
