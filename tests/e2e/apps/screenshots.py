"""Take docs/screenshots/watch-{learner,presenter,review}.png from a running app.

Usage: python tests/e2e/apps/screenshots.py http://127.0.0.1:8501 [video-slug]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIDEO_JS

OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def main(url: str, slug: str = "clip") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for mode, at in (("learner", 6.5), ("presenter", 9.0), ("review", 4.5)):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/?video={slug}&mode={mode}")
            page.wait_for_function(
                f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}"
            )
            if mode == "learner":  # play into the second prompt, so the reflection shows
                page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = 5.0; v.play(); }}")
                page.locator(".al-prompt").wait_for(state="visible", timeout=20_000)
            else:
                page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = {at}; }}")
            page.wait_for_timeout(1200)
            page.screenshot(path=str(OUT / f"watch-{mode}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
