"""Take docs/screenshots/author.png (1280×720): the Author page with a new rupture selected
beside the player, one marker picked (which gave it its type) and the pointer on another
marker pill, whose 3RS definition shows under it.

Usage: python tests/e2e/apps/author_screenshot.py http://127.0.0.1:8501 [slug] [seconds]
Run the app with ALLIANCE_LENS_DATA pointing at a scratch folder: the mark makes a draft.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIDEO_JS

OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "author.png"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PILLS = ".st-key-author_marker_pills [data-stale=false] [role=toolbar] > button"


def main(url: str, slug: str = "confrontation-exploratory-repair", at: str = "9") -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{url}/author?video={slug}")
        page.wait_for_function(
            f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}", timeout=60_000
        )
        page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = {float(at)}; }}")
        page.wait_for_function(f"() => !{VIDEO_JS}.seeking")
        page.locator(".al-time").click()
        page.keyboard.press("o")
        page.locator(".al-episode.is-selected").wait_for(timeout=20_000)
        page.locator(IDLE).wait_for()
        page.locator(PILLS).filter(has_text="Complaints/concerns about the therapist").click()
        page.locator(".al-episode.is-selected[data-type=confrontation]").wait_for()
        page.locator(IDLE).wait_for()
        page.get_by_text("Selected item", exact=True).scroll_into_view_if_needed()
        page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollBy(0, -90)")
        page.locator(PILLS).filter(has_text="Client rejects therapist intervention").hover()
        page.screenshot(path=str(OUT))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
