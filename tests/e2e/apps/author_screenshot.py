"""Take docs/screenshots/author.png: the Author page with a new onset whose type is not
chosen yet (grey "?" on the timeline), selected, and the selected-item panel below.

Usage: python tests/e2e/apps/author_screenshot.py http://127.0.0.1:8501 [slug] [seconds]
Run the app with ALLIANCE_LENS_DATA pointing at a scratch folder: the mark makes a draft.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIDEO_JS

OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "author.png"


def main(url: str, slug: str = "confrontation-exploratory-repair", at: str = "40") -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1350})
        page.goto(f"{url}/author?video={slug}")
        page.wait_for_function(
            f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}", timeout=60_000
        )
        page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = {float(at)}; }}")
        page.wait_for_timeout(800)
        page.locator(".al-time").click()
        page.keyboard.press("o")
        page.locator(".al-episode[data-type=untyped]").wait_for(timeout=20_000)
        page.wait_for_timeout(800)
        page.get_by_text("Player", exact=True).scroll_into_view_if_needed()
        page.wait_for_timeout(400)
        page.locator(".al-episode[data-type=untyped]").hover()  # its tooltip, with the frame
        page.wait_for_timeout(600)
        page.screenshot(path=str(OUT))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
