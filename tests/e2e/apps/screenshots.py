"""Take docs/screenshots/watch-{learner,presenter,review}.png from a running app.

Usage: python tests/e2e/apps/screenshots.py http://127.0.0.1:8501 [video-slug [prompt-s]]

For the README, on the bundled library (Sample 1's first prompt is at 49.1 s):
    python tests/e2e/apps/screenshots.py http://127.0.0.1:8501 withdrawal-direct-repair 49.1
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIDEO_JS

OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def main(url: str, slug: str = "clip", prompt_s: str = "6.02") -> None:
    prompt = float(prompt_s)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # learner and presenter: played from the start (fast) into the prompt, so the
        # commentary so far has appeared; review: everything visible, just before the prompt
        for mode in ("learner", "presenter", "review"):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/?video={slug}&mode={mode}")
            page.wait_for_function(
                f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}"
            )
            if mode == "review":
                page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = {prompt - 2}; }}")
            else:
                page.evaluate(
                    f"() => {{ const v = {VIDEO_JS}; v.muted = true; v.playbackRate = 8; "
                    "v.play(); }"
                )
                page.locator(".al-prompt").wait_for(state="visible", timeout=60_000)
            page.wait_for_timeout(1200)
            page.screenshot(path=str(OUT / f"watch-{mode}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
