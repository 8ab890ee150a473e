"""Sign-in against a real OpenID Connect provider (``oidc-provider-mock``, started here), the
workshop passphrase, and the refusal to start: the real app in Debian's Chromium.

Signed in as each role, the sidebar lists exactly that role's pages and Watch offers exactly
its modes; signed out, the app shows only the sign-in page and every route of its own answers
401, a video URL copied out of a signed-in page included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

from alliance_lens.access import ENV_OPEN, account_learner_key
from alliance_lens.datadir import resolve_db_url
from alliance_lens.passphrase import hash_passphrase
from alliance_lens.store import Store
from tests.e2e.conftest import ROOT, VIDEO_JS, _free_port, start_server, stop_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MEDIA = "/library-media/clip.mp4"
ROLE_PAGES = {
    "learner": ["Watch", "Library", "Reflections", "About"],
    "presenter": ["Watch", "Library", "Reflections", "About"],
    "educator": ["Watch", "Library", "Author", "Reflections", "About"],
}
ROLE_MODES = {
    "learner": ["Learner", "Practice"],
    "presenter": ["Learner", "Presenter", "Practice"],
    "educator": ["Learner", "Presenter", "Review", "Practice"],
}
USERS = {"learner": "sam@uni.example", "presenter": "pat@uni.example", "educator": "ed@uni.example"}
PASSPHRASE = "the workshop educators' passphrase"
LOAD = 30_000  # ms for a page's first draw: the first script run loads the library


@pytest.fixture(scope="module")
def oidc():
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        for email in [*USERS.values(), "stranger@elsewhere.example"]:
            claims = {"email": email, "email_verified": True, "name": email.split("@")[0]}
            r = httpx.put(f"{url}/users/{quote(email)}", json=claims)
            assert r.status_code == 204
        yield url


@pytest.fixture(scope="module")
def oidc_app(oidc, e2e_library, tmp_path_factory):
    work = tmp_path_factory.mktemp("oidc-app")
    port = _free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-some-length"
client_id = "alliance-lens"
client_secret = "not-checked-by-the-mock"
server_metadata_url = "{oidc}/.well-known/openid-configuration"

[access]
educators = ["{USERS["educator"]}"]
presenters = ["{USERS["presenter"]}"]
learners = ["@uni.example"]
""",
        encoding="utf-8",
    )
    (work / "data").mkdir()
    srv, out = start_server(
        "app.py",
        e2e_library,
        work,
        port=port,
        extra_args=("--secrets.files", str(secrets)),
        extra_env={"ALLIANCE_LENS_DATA": str(work / "data"), "ALLIANCE_LENS_DB_URL": ""},
    )
    srv.oidc = oidc  # type: ignore[attr-defined]
    srv.db_url = resolve_db_url({"ALLIANCE_LENS_DATA": str(work / "data")})  # type: ignore[attr-defined]
    yield srv
    stop_server(srv, out)


def nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNavLink"]')
    expect(links.first).to_be_visible(timeout=LOAD)
    return [t.strip().splitlines()[-1] for t in links.all_inner_texts()]  # after the icon


def expect_sign_in_page(page) -> None:
    heading = page.get_by_role("heading", name="Sign in to Alliance Lens")
    expect(heading).to_be_visible(timeout=LOAD)
    expect(page.locator('[data-testid="stSidebarNavLink"]')).to_have_count(0)


def sign_in_with_oidc(page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in with your organisation").click()
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(url + "/**")


@pytest.mark.parametrize("role", ["learner", "presenter", "educator"])
def test_each_role_sees_exactly_its_pages_and_modes(browser, oidc_app, role):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(oidc_app.url)
        expect_sign_in_page(page)
        assert context.request.get(oidc_app.url + MEDIA).status == 401

        sign_in_with_oidc(page, oidc_app.url, USERS[role])
        expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(USERS[role])
        assert nav_titles(page) == ROLE_PAGES[role]
        group = page.locator('[data-testid="stButtonGroup"]').filter(has_text="Practice")
        modes = group.locator("button")
        expect(modes.filter(has_text="Learner")).to_be_visible(timeout=LOAD)
        assert [t.strip() for t in modes.all_inner_texts() if t.strip()] == ROLE_MODES[role]

        # the page's own video plays from the media route with this session
        assert context.request.get(oidc_app.url + MEDIA).status == 200
        upload = context.request.put(oidc_app.url + "/library-upload?name=x.mp4", data=b"x")
        if role == "educator":  # past the guard; the upload route's own token check refuses
            assert upload.status == 403 and "role" not in upload.text()
        else:
            assert upload.status == 403 and "role" in upload.text()
        stage = context.request.get(oidc_app.url + "/stage-data/clip")
        if role == "learner":  # the stage window is the presenter's
            assert stage.status == 403 and "role" in stage.text()
        else:
            assert stage.status == 200, stage.text()
        # a deep link to a page above the role does not draw it
        if role != "educator":
            page.goto(oidc_app.url + "/author")
            expect(page.locator('[data-testid="stSidebarNavLink"]').first).to_be_visible()
            # the Watch page instead
            expect(group.filter(has_text="Learner")).to_be_visible(timeout=LOAD)
            expect(page.get_by_role("heading", name="Author")).to_have_count(0)
            assert "Author" not in nav_titles(page)
    finally:
        context.close()


def test_signed_out_every_page_shows_only_the_sign_in_page(browser, oidc_app):
    context = browser.new_context()
    page = context.new_page()
    try:
        for path in ("/", "/library", "/author", "/reflections", "/about", "/?mode=review"):
            page.goto(oidc_app.url + path)
            expect_sign_in_page(page)
            expect(page.locator('[data-testid="stButtonGroup"]')).to_have_count(0)
        for route in (MEDIA, "/library-media/clip.vtt", "/library-media/missing.mp4"):
            assert context.request.get(oidc_app.url + route).status == 401, route
        assert context.request.put(oidc_app.url + "/library-upload?name=a.mp4").status == 401
        # the stage window, its data and scripts, big tracks' data: presenters' and learners'
        presenter_only = ("/stage/clip", "/stage-data/clip", "/stage-assets/stage.js")
        for route in (*presenter_only, "/library-tracks/" + "0" * 64):
            assert context.request.get(oidc_app.url + route).status == 401, route
        # a room's presenter actions need a presenter's session as well as the room's key
        action = context.request.post(
            oidc_app.url + "/room-api/ABCDEFGH/presenter/prompt",
            data="{}",
            headers={"Content-Type": "application/json", "X-Room-Key": "k"},
        )
        assert action.status == 401
        # a room's participants need no account: the join page answers
        assert context.request.get(oidc_app.url + "/join").status == 200
    finally:
        context.close()


def test_a_copied_video_url_does_not_work_signed_out_or_after_sign_out(browser, oidc_app):
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in_with_oidc(page, oidc_app.url, USERS["learner"])
        page.goto(oidc_app.url + "/?video=clip")
        page.wait_for_function(f"() => {{ const v = {VIDEO_JS}; return v && v.currentSrc }}")
        src = page.evaluate(f"() => ({VIDEO_JS}).currentSrc")
        assert src.startswith(oidc_app.url + "/library-media/"), src
        video_url = src
        assert context.request.get(video_url).status in (200, 206)

        # someone else, given the URL: no session, no video
        assert httpx.get(video_url).status_code == 401
        other = browser.new_context()
        try:
            assert other.request.get(video_url).status == 401
        finally:
            other.close()

        copied = context.cookies()  # someone who copied the signed-in browser's cookies
        page.get_by_role("button", name="Sign out").click()
        # the app clears its cookies, then the provider ends its own session
        page.wait_for_url(lambda u: u.startswith(oidc_app.oidc + "/oauth2/end_session"))
        assert context.request.get(video_url).status == 401
        thief = browser.new_context()
        try:  # the sign-out was recorded: the copy no longer works either
            thief.add_cookies(copied)
            assert thief.request.get(video_url).status == 401
        finally:
            thief.close()
        page.goto(oidc_app.url)
        expect_sign_in_page(page)
    finally:
        context.close()


def test_an_account_without_a_role_is_told_so(browser, oidc_app):
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in_with_oidc(page, oidc_app.url, "stranger@elsewhere.example")
        expect(page.get_by_text("this account has no role")).to_be_visible(timeout=LOAD)
        expect(page.locator('[data-testid="stSidebarNavLink"]')).to_have_count(0)
        assert context.request.get(oidc_app.url + MEDIA).status == 401
    finally:
        context.close()


def test_earlier_answers_of_this_browser_join_the_account_only_when_asked(browser, oidc_app):
    token = "0b6c1f2e-1111-4222-8333-444455556666"  # this browser's learner cookie
    with Store.open(oidc_app.db_url) as store:
        before = store.learner_for_token(token)
        store.save_answer(before.id, "clip", "expert", "first", text="noticed before signing in")
    context = browser.new_context()
    context.add_cookies([{"name": "alliance_lens_learner", "value": token, "url": oidc_app.url}])
    page = context.new_page()
    try:
        sign_in_with_oidc(page, oidc_app.url, USERS["learner"])
        page.goto(oidc_app.url + "/reflections")
        expect(page.get_by_text("given before you signed in")).to_be_visible(timeout=LOAD)
        with Store.open(oidc_app.db_url) as store:  # nothing moved unasked
            assert store.find_learner(token) is not None
        page.get_by_role("button", name="Link them to my account").click()
        expect(page.get_by_text("now in your account")).to_be_visible()
        expect(page.get_by_text("noticed before signing in")).to_be_visible()
        with Store.open(oidc_app.db_url) as store:
            assert store.find_learner(token) is None
            mine = store.find_learner(account_learner_key(f"{oidc_app.oidc}|{USERS['learner']}"))
            assert mine is not None
            assert [a.text for a in store.answers_for_learner(mine.id)] == [
                "noticed before signing in"
            ]
    finally:
        context.close()


@pytest.fixture(scope="module")
def workshop_app(e2e_library, tmp_path_factory):
    work = tmp_path_factory.mktemp("workshop-app")
    secrets = work / "secrets.toml"
    secrets.write_text(
        f'[access]\neducator_passphrase_hash = "{hash_passphrase(PASSPHRASE, cost=2**12)}"\n',
        encoding="utf-8",
    )
    srv, out = start_server(
        "app.py",
        e2e_library,
        work,
        extra_args=("--server.address", "0.0.0.0", "--secrets.files", str(secrets)),
    )
    yield srv
    stop_server(srv, out)


def test_workshop_passphrase_makes_an_educator_and_learners_come_as_today(browser, workshop_app):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(workshop_app.url)
        assert nav_titles(page) == ROLE_PAGES["learner"]  # learners by name, no sign-in
        assert context.request.get(workshop_app.url + MEDIA).status == 200

        page.get_by_role("button", name="Presenter or educator sign-in").click()
        page.get_by_label("Passphrase").fill("a wrong guess at it")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("not right")

        page.get_by_label("Passphrase").fill(PASSPHRASE)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(workshop_app.url + "/**")
        expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Signed in: educator")
        assert nav_titles(page) == ROLE_PAGES["educator"]

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Presenter or educator sign-in")).to_be_visible()
        assert nav_titles(page) == ROLE_PAGES["learner"]
    finally:
        context.close()


def test_refuses_to_listen_beyond_this_computer_without_sign_in(e2e_library, tmp_path):
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    cmd += ["--server.port", str(_free_port()), "--server.address", "0.0.0.0"]
    cmd += ["--secrets.files", str(tmp_path / "none.toml")]
    env = {k: v for k, v in os.environ.items() if k != ENV_OPEN}
    env.update(ALLIANCE_LENS_LIBRARY=str(e2e_library), PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode != 0, said
    assert "will not start" in said and f"{ENV_OPEN}=1" in said and "Traceback" not in said
