"""Take docs/screenshots/workshop-{console,stage}.png: the presenter's console and its stage;
with --room, workshop-stage-room.png: the stage showing a live room's choice bars.

Usage: python tools/stage_screenshots.py http://127.0.0.1:8501 [video-slug [prompt-s]]
       python tools/stage_screenshots.py --room http://127.0.0.1:8501 [video-slug]
       python tools/stage_screenshots.py --check http://127.0.0.1:8501 [video-slug [prompt-s]]

For the README, on the bundled library (Sample 1's first prompt is at 49.1 s):
    python tools/stage_screenshots.py http://127.0.0.1:8501 withdrawal-direct-repair 49.1
The console plays into the prompt; the stage window it opens follows (no notes, no answers).
With --room the console opens a live room, simulated participants (this app's own participant
routes, nothing else) answer its first choice prompt, and the presenter shows the bars.
With --check, shots to look at (not for the README) in /tmp/alliance-lens-stage-shots, at
1280x720 and 1920x1080: the stage before any console connects, connected at the start (nothing
played yet), and at the prompt.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import ROOT_JS
from tests.support.stage_pair import STAGE_JS, open_console, open_stage
from tools.chromium import CHROMIUM, CHROMIUM_ARGS

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main(url: str, slug: str = "clip", prompt_s: str = "6.02") -> None:
    prompt = float(prompt_s)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        console = open_console(context.new_page(), url, slug)
        stage = open_stage(context, console)
        # from a little before the prompt: the commentary so far shows, the prompt opens
        console.evaluate(
            f"() => {{ const v = {ROOT_JS}.querySelector('.al-video');"
            f" v.currentTime = {max(0.0, prompt - 3)}; v.play(); }}"
        )
        stage.wait_for_function(
            f"() => !!{STAGE_JS}.querySelector('.al-prompt:not([hidden]) .al-question')",
            timeout=60_000,
        )
        stage.wait_for_function(f"() => {STAGE_JS}.querySelector('.al-video').readyState >= 2")
        console.screenshot(path=str(OUT / "workshop-console.png"))
        stage.screenshot(path=str(OUT / "workshop-stage.png"))
        browser.close()


CHECK_OUT = Path("/tmp/alliance-lens-stage-shots")
SIZES = ((1280, 720), (1920, 1080))


def check_shots(url: str, slug: str = "clip", prompt_s: str = "6.02") -> None:
    prompt = float(prompt_s)
    CHECK_OUT.mkdir(parents=True, exist_ok=True)
    ready = f"() => {STAGE_JS} && {STAGE_JS}.querySelector('.al-video')?.readyState >= 2"
    with urllib.request.urlopen(f"{url}/stage-data/{slug}") as r:
        tracks = ",".join(t["id"] for t in json.loads(r.read())["tracks"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for w, h in SIZES:
            context = browser.new_context(viewport={"width": w, "height": h})
            alone = context.new_page()  # no console in this context: the stage waits
            alone.goto(f"{url}/stage/{slug}?tracks={tracks}")
            alone.wait_for_function(ready, timeout=60_000)
            alone.screenshot(path=str(CHECK_OUT / f"stage-waiting-{w}x{h}.png"))
            context.close()
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            console = open_console(context.new_page(), url, slug)
            stage = open_stage(context, console, (w, h))
            stage.screenshot(path=str(CHECK_OUT / f"stage-start-{w}x{h}.png"))
            console.evaluate(
                f"() => {{ const v = {ROOT_JS}.querySelector('.al-video');"
                f" v.currentTime = {max(0.0, prompt - 1)}; v.play(); }}"
            )
            stage.wait_for_function(
                f"() => !!{STAGE_JS}.querySelector('.al-prompt:not([hidden]) .al-question')",
                timeout=60_000,
            )
            stage.screenshot(path=str(CHECK_OUT / f"stage-prompt-{w}x{h}.png"))
            context.close()
        browser.close()
    print(f"screenshots in {CHECK_OUT}")


# how many of the simulated room choose each option, in option order
ROOM_VOTES = (4, 13, 1, 3)


def _post(url: str, body: dict, token: str = "") -> dict:
    origin = url.split("/room-api/")[0]
    headers = {"Content-Type": "application/json", "Origin": origin}
    if token:
        headers["X-Room-Token"] = token
    req = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def room_shot(url: str, slug: str = "confrontation-exploratory-repair") -> None:
    with urllib.request.urlopen(f"{url}/stage-data/{slug}") as r:
        tracks = json.loads(r.read())["tracks"]
    at = min(p["at"] for t in tracks for p in t.get("prompts", []) if p.get("kind") == "choice")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        console = open_console(context.new_page(), url, slug)
        console.get_by_text("Live room").click()
        console.get_by_label("Join address").fill(url)
        console.get_by_role("button", name="Open a room").click()
        code_el = console.locator("code").filter(has_text=re.compile(r"^[2-9A-Z]{8}$"))
        code_el.wait_for(timeout=30_000)
        code = code_el.text_content() or ""
        api = f"{url}/room-api/{code}"
        tokens = [_post(f"{api}/join", {})["token"] for _ in range(sum(ROOM_VOTES))]
        stage = open_stage(context, console)
        console.evaluate(
            f"() => {{ const v = {ROOT_JS}.querySelector('.al-video');"
            f" v.currentTime = {max(0.0, at - 2)}; v.play(); }}"
        )
        stage.wait_for_function(
            f"() => !!{STAGE_JS}.querySelector('.al-prompt:not([hidden]) .al-question')",
            timeout=60_000,
        )
        passed = set()
        for _ in range(300):
            with urllib.request.urlopen(f"{api}/state") as r:
                prompt = json.loads(r.read())["prompt"]
            if prompt and prompt["options"]:
                break
            if prompt and prompt["id"] not in passed:  # another prompt first: reveal, go on
                passed.add(prompt["id"])
                console.evaluate(f"() => {ROOT_JS}.querySelector('.al-player').focus()")
                console.keyboard.press("PageDown")
                console.keyboard.press("PageDown")
            stage.wait_for_timeout(200)  # a tool, not a test: poll the room's own route
        options = prompt["options"]
        voters = iter(tokens)
        for option, n in zip(options, ROOM_VOTES, strict=False):
            for _ in range(n):
                body = {"prompt_id": prompt["id"], "choices": [option]}
                _post(f"{api}/answer", body, next(voters))
        console.get_by_test_id("stButtonGroup").get_by_text("Choice bars", exact=True).click()
        stage.wait_for_function(
            f"() => ({STAGE_JS}.querySelector('.al-room-panel')?.textContent || '')"
            f".includes('{sum(ROOM_VOTES[: len(options)])} answers')",
            timeout=30_000,
        )
        stage.wait_for_timeout(800)  # the bars' width transition
        stage.screenshot(path=str(OUT / "workshop-stage-room.png"))
        browser.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--room"]:
        room_shot(*sys.argv[2:])
    elif sys.argv[1:2] == ["--check"]:
        check_shots(*sys.argv[2:])
    else:
        main(*sys.argv[1:])
