"""A library whose every text field is hostile, opened on every page and mode in Chromium.

``tests/data/hostile`` carries ``<script>``, event handlers, ``javascript:`` links, a Markdown
image from another host and a Markdown link in titles, descriptions, chapters, track names,
cues, prompts, options, reveals, authors, vocabulary labels and the video's file name. On every
page: no script runs (a ``window.__pwned`` canary), no dialog opens, no request leaves
127.0.0.1, no ``javascript:`` URL or inline event handler survives in the DOM (shadow roots
included), the browser reports no CSP violation, and the responses carry the policy.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from alliance_lens.datadir import resolve_db_url
from alliance_lens.store import Store
from tests.e2e.conftest import Watched, start_server, stop_server
from tests.support.watch_library import make_clip

pytestmark = pytest.mark.e2e
HOSTILE_DATA = Path(__file__).resolve().parents[1] / "data" / "hostile"
VIDEO_NAME = "clip <img src=x onerror=window.__pwned=9> [v](javascript:window.__pwned=10) !x.mp4"

# Every violation the page reports, and every element attribute that could run or load.
WATCH_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""
DANGEROUS_JS = """() => {
  // what the browser loads by itself (a link's href loads only when a person clicks it)
  const URL_ATTRS = ['src', 'srcset', 'poster', 'data', 'action', 'formaction', 'background'];
  const bad = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.attributes) {
        const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
        if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
        if (/^(javascript|vbscript|data:text\\/html)/.test(v) && a.name !== 'value')
          bad.push(el.tagName + ' ' + a.name + '=' + a.value);
        const loads = URL_ATTRS.includes(a.name) || (el.tagName === 'LINK' && a.name === 'href');
        if (loads && v.includes('203.0.113.9'))
          bad.push(el.tagName + ' ' + a.name + '=' + a.value);
      }
      // Streamlit's own index.html has one inline script in <head> (allowed by its hash)
      if (el.tagName === 'SCRIPT' && !el.src && el.parentNode !== document.head)
        bad.push('inline script: ' + el.textContent);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return bad;
}"""
SHADOW_TEXT_JS = """() => {
  let text = document.body.innerText;
  const visit = (root) => { for (const el of root.querySelectorAll('*'))
    if (el.shadowRoot) { text += el.shadowRoot.textContent; visit(el.shadowRoot); } };
  visit(document);
  return text;
}"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The app on a copy of the hostile library (with a generated clip), its own data folder."""
    lib = tmp_path_factory.mktemp("hostile-lib")
    shutil.copytree(HOSTILE_DATA, lib, dirs_exist_ok=True)
    (lib / "media").mkdir()
    make_clip(lib / "media" / VIDEO_NAME)
    data = tmp_path_factory.mktemp("hostile-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", lib, tmp_path_factory.mktemp("hostile-srv"))
        url = resolve_db_url()
    yield srv, url
    stop_server(srv, out)


@pytest.fixture
def visit(browser, hostile):
    srv, _ = hostile
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.add_init_script(WATCH_JS)
    w = Watched(page, srv)
    yield w
    context.close()


def assert_safe(w: Watched, where: str) -> None:
    page = w.page
    assert page.evaluate("() => window.__pwned") is None, where
    assert not w.dialogs, (where, w.dialogs)
    assert not w.outside_requests(), (where, w.outside_requests())
    assert not any("203.0.113.9" in u for u in w.requests), where
    assert page.evaluate(DANGEROUS_JS) == [], where
    assert page.evaluate("() => window.__csp") == [], where
    # Streamlit's own elements show file text literally: not even a link (the player's
    # commentary, in its shadow root, keeps http links by design; they open in a new tab)
    outside_links = "() => [...document.querySelectorAll('a[href*=\"203.0.113.9\"]')].length"
    assert page.evaluate(outside_links) == 0, where
    # Streamlit probes /<page>/_stcore/health for a base path on a deep link: a 404, no harm
    errors = [e for e in w.console_errors if "status of 404" not in e]
    assert not errors, (where, errors)


def wait_text(w: Watched, text: str) -> None:
    w.page.wait_for_function(f"() => ({SHADOW_TEXT_JS})().includes({text!r})", timeout=30_000)


def test_responses_carry_the_security_headers(hostile):
    srv, _ = hostile
    for path in ("/", "/library", "/_stcore/health", "/library-media/nothing.mp4"):
        try:
            response = urllib.request.urlopen(srv.url + path)
        except urllib.error.HTTPError as exc:  # a 404 carries the headers too
            response = exc
        csp = response.headers["Content-Security-Policy"]
        assert csp and "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, path
        assert "img-src 'self' data: blob:" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("mode", ["learner", "presenter", "review"])
def test_watch_every_mode_with_an_open_prompt_and_a_reveal(visit, mode):
    w = visit
    page = w.open(f"video=hostile&mode={mode}")
    if mode == "review":
        wait_text(w, "Cue <script>")  # the cue, shown as text
        page.locator(".al-listed-reveal summary").first.click()
        wait_text(w, "Reveal <script>")
    else:
        page.locator(".al-play").click()
        page.locator(".al-prompt").wait_for(state="visible", timeout=30_000)
        # learner and presenter modes put a cue in the page only once it has played (0.1 s)
        wait_text(w, "Cue <script>")
        wait_text(w, "Question <script>")
        if mode == "learner":
            page.locator(".al-answer").fill("<img src=x onerror=window.__pwned=11>")
        page.locator(".al-reveal").click()
        page.locator(".al-reveal-text").wait_for(state="visible")
        wait_text(w, "Reveal <script>")
    if mode == "review":  # episodes are on the timeline from the start: show one's tooltip
        page.locator(".al-episode").first.focus()
        page.locator(".al-tip").get_by_text("Episode <script>").wait_for(state="visible")
    assert_safe(w, f"watch {mode}")


def test_watch_a_broken_file_shows_its_problems_inertly(visit):
    # review mode (educators) shows a file's problems; learners get one plain sentence
    w = visit
    w.open("video=broken&mode=review")
    w.page.get_by_text("This commentary file has errors").wait_for(timeout=30_000)
    w.page.get_by_text("error(s) in this commentary file").click()
    wait_text(w, "Unknown field <script>")
    assert_safe(w, "watch broken")


@pytest.mark.parametrize("slug", ["missing", "online"])
def test_watch_a_missing_or_online_video_says_so_inertly(visit, slug):
    w = visit
    page = w.page
    page.goto(f"{w.server.url}/?video={slug}&mode=review")  # file names are for educators
    page.locator(".al-player").wait_for(state="attached", timeout=30_000)
    page.get_by_text(
        "Alliance Lens never loads" if slug == "online" else "Video not found"
    ).first.wait_for()
    assert_safe(w, f"watch {slug}")


def test_library_page(visit):
    w = visit
    page = w.page
    page.goto(f"{w.server.url}/library")
    page.get_by_text("Hostile <script>").first.wait_for(timeout=30_000)
    page.get_by_text("Description (may say what to look for)").click()
    wait_text(w, "Description <script>")
    wait_text(w, "Unknown field <script>")
    assert_safe(w, "library")


def test_reflections_learner_and_educator(visit, hostile):
    w = visit
    page = w.page
    _, db_url = hostile
    page.goto(f"{w.server.url}/reflections")
    page.get_by_role("textbox", name="Name or pseudonym").fill(
        "<img src=x onerror=window.__pwned=12>"
    )
    page.get_by_role("button", name="Save name").click()
    page.get_by_text("no reflections yet").wait_for(timeout=30_000)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "alliance_lens_learner"]
    with Store.open(db_url) as store:
        me = store.find_learner(cookie["value"])
        assert me is not None
        store.save_answer(me.id, "hostile", "evil", "open", text="![i](http://203.0.113.9/a.png)")
        store.save_answer(me.id, "hostile", "evil", "pick", choice="Option A <script>")
    page.reload()
    wait_text(w, "Reveal <script>")
    wait_text(w, "Choice question <script>")
    assert_safe(w, "reflections learner")

    page.get_by_text("Educator view").click()
    page.get_by_text("Completion").wait_for(timeout=30_000)
    wait_text(w, "Question <script>")
    assert_safe(w, "reflections educator")


def test_about_page(visit):
    w = visit
    w.page.goto(f"{w.server.url}/about")
    w.page.get_by_role("heading", name="About Alliance Lens").wait_for(timeout=30_000)
    assert_safe(w, "about")


def test_file_uploader_works_under_the_policy(visit, hostile, tmp_path):
    # the Author page's upload streams to the app's own route: connect-src 'self' allows it
    w = visit
    page = w.page
    clip = make_clip(tmp_path / VIDEO_NAME)
    page.goto(f"{w.server.url}/author")
    page.locator(".al-up-input").set_input_files(str(clip))  # inline, open when no file is
    page.locator(".al-up-message", has_text="was added").wait_for(timeout=60_000)
    wait_text(w, "x.mp4")  # the file name (as the route cleaned it), as text
    assert_safe(w, "author upload")


def test_author_page(visit):
    w = visit
    w.page.goto(f"{w.server.url}/author?video=hostile")
    w.page.locator(".al-player video").wait_for(state="attached", timeout=30_000)
    wait_text(w, "Cue <script>")
    assert_safe(w, "author")
