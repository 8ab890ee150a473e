"""Take docs/screenshots/workshop-{console,stage}.png: the presenter's console and its stage.

Usage: python tools/stage_screenshots.py http://127.0.0.1:8501 [video-slug [prompt-s]]

For the README, on the bundled library (Sample 1's first prompt is at 49.1 s):
    python tools/stage_screenshots.py http://127.0.0.1:8501 withdrawal-direct-repair 49.1
The console plays into the prompt; the stage window it opens follows (no notes, no answers).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.chromium import CHROMIUM, CHROMIUM_ARGS

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ROOT_JS = (
    "([...document.querySelectorAll('*')].map(e => e.shadowRoot)"
    ".find(r => r && r.querySelector('.al-player')))"
)
STAGE_JS = "document.getElementById('al-stage-host').shadowRoot"


def main(url: str, slug: str = "clip", prompt_s: str = "6.02") -> None:
    prompt = float(prompt_s)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        console = context.new_page()
        console.goto(f"{url}/?video={slug}&mode=presenter")
        console.wait_for_function(
            f"() => {{ const r = {ROOT_JS}; const v = r && r.querySelector('.al-video');"
            " return v && v.readyState >= 2; }"
        )
        with context.expect_page() as popup:
            console.locator(".al-open-stage").click()
        stage = popup.value
        stage.set_viewport_size({"width": 1280, "height": 720})
        console.wait_for_function(
            f"() => {ROOT_JS}.querySelector('.al-con-status').dataset.state === 'connected'"
        )
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


if __name__ == "__main__":
    main(*sys.argv[1:])
