"""axe-core (through ``axe-playwright-python``) on every page, every Watch mode and an open
prompt: no serious or critical finding. The findings are printed when one appears."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import ROOT_JS, VIDEO_JS, Watched, start_server, stop_server

pytestmark = pytest.mark.e2e
BLOCKING = {"serious", "critical"}
# Streamlit has finished the run and no element is faded as stale (fading lowers contrast).
SETTLED_JS = """() => {
  const app = document.querySelector('[data-test-script-state]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]');
}"""


@pytest.fixture(scope="module")
def a11y_server(e2e_library, tmp_path_factory):
    # its own data folder: revealing a prompt saves an answer
    data = tmp_path_factory.mktemp("a11y-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", e2e_library, tmp_path_factory.mktemp("a11y-srv"))
    yield srv
    stop_server(srv, out)


@pytest.fixture
def w(browser, a11y_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield Watched(context.new_page(), a11y_server)
    context.close()


def _heading(w: Watched, path: str, name: str) -> None:
    w.page.goto(f"{w.server.url}/{path}")
    w.page.get_by_role("heading", name=name).first.wait_for(timeout=30_000)


def _runs_reach(w: Watched, n: int) -> None:
    """Wait (on the websocket, not a clock) until the server has finished ``n`` script runs."""
    deadline = time.monotonic() + 20
    while w.script_runs < n:
        left = deadline - time.monotonic()
        assert left > 0, "the rerun the player asked for did not happen"
        assert w.ws is not None
        w.ws.wait_for_event("framereceived", timeout=left * 1000)


def _prompt(w: Watched, mode: str, reveal: bool = False) -> None:
    w.open(f"video=clip&mode={mode}")
    runs = w.script_runs
    w.page.locator(".al-play").click()
    w.page.locator(".al-prompt").wait_for(state="visible", timeout=20_000)
    _runs_reach(w, runs + 1)  # the prompt reports where playback stopped
    if reveal:
        runs = w.script_runs
        if mode == "presenter":
            w.page.locator(".al-prompt-title").click()
            w.page.keyboard.press("r")
        else:
            w.page.locator(".al-answer").fill("She goes quiet.")
            w.page.locator(".al-reveal").click()
            _runs_reach(w, runs + 1)  # the answer (empty) is saved
        w.page.locator(".al-reveal-text").wait_for(state="visible", timeout=10_000)


def _educator(w: Watched) -> None:
    _heading(w, "reflections", "Reflections")
    w.page.get_by_text("Educator view").click()
    w.page.get_by_text("Completion").first.wait_for(timeout=30_000)


SCENES: dict[str, Callable[[Watched], None]] = {
    "watch-learner": lambda w: w.open("video=clip&mode=learner"),
    "watch-presenter": lambda w: w.open("video=clip&mode=presenter"),
    "watch-review": lambda w: w.open("video=clip&mode=review"),
    "prompt-learner": lambda w: _prompt(w, "learner"),
    "prompt-presenter": lambda w: _prompt(w, "presenter"),
    "prompt-learner-revealed": lambda w: _prompt(w, "learner", reveal=True),
    "prompt-presenter-revealed": lambda w: _prompt(w, "presenter", reveal=True),
    "library": lambda w: _heading(w, "library", "Library"),
    "reflections": lambda w: _heading(w, "reflections", "Reflections"),
    "reflections-educator": _educator,
    "about": lambda w: _heading(w, "about", "About"),
    "author": lambda w: _heading(w, "author", "Author"),
}


def findings(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"]:
            lines.append(f"  {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"    {node['html'][:160]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scene", list(SCENES))
def test_no_serious_or_critical_axe_findings(w, scene):
    SCENES[scene](w)
    w.page.wait_for_function(SETTLED_JS, timeout=30_000)
    result = Axe().run(w.page)
    blocking = [v for v in result.response["violations"] if v["impact"] in BLOCKING]
    print(f"\n{scene}:\n{findings(result.response['violations'])}")
    assert not blocking, f"{scene}:\n{findings(blocking)}"


def _focused(w: Watched) -> str:
    """The class of the element focused inside the player's shadow root ('' if none)."""
    return w.js("(root.activeElement && root.activeElement.className) || ''")


def test_a_prompt_is_announced_and_answered_by_keyboard_alone(w):
    page = w.open("video=clip&mode=learner")
    for _ in range(80):  # Tab from the top of the page to the Play button
        page.keyboard.press("Tab")
        if "al-play" in _focused(w):
            break
    assert "al-play" in _focused(w), "Play cannot be reached with Tab"
    page.keyboard.press("Enter")
    page.locator(".al-prompt").wait_for(state="visible", timeout=20_000)
    # focus moves into the prompt, and screen readers hear the question
    page.wait_for_function(
        f"() => {{ const r = {ROOT_JS}; return r.activeElement"
        " && r.activeElement.classList.contains('al-answer') }"
    )
    page.wait_for_function(
        f"() => {ROOT_JS}.querySelector('[aria-live=assertive]').textContent"
        ".includes('Pause and reflect: What do you notice')"
    )
    w.wait_idle()  # the pause is reported (one rerun); type once the page has settled
    page.keyboard.type("Calm so far")
    page.keyboard.press("Tab")
    assert "al-reveal" in _focused(w)
    page.keyboard.press("Enter")
    page.locator(".al-reveal-text").wait_for(state="visible")
    # the next step is where the keyboard already is, and screen readers hear the reveal
    page.wait_for_function(
        f"() => {{ const r = {ROOT_JS}; return r.activeElement"
        " && r.activeElement.classList.contains('al-continue') }"
    )
    page.wait_for_function(
        f"() => {ROOT_JS}.querySelector('[aria-live=assertive]').textContent"
        ".includes('settling in')"
    )
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !{VIDEO_JS}.paused")
    assert page.locator(".al-prompt").is_hidden()
