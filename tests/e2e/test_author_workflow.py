"""The Author page's "done when" in a real browser: a cue and a rupture with three markers in
six actions from a paused frame; drag an onset, undo it, save through the diff, and the git
diff of the file is only the added lines (comments and mode kept); a WebVTT import arrives as
a draft track learners do not see until it is published.

Runs app.py on a library of its own (the fixtures of test_author.py), kept in git here.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from alliance_lens import authoring as au
from alliance_lens.trackfile import parse_commentary
from tests.e2e import test_author as base
from tests.e2e.conftest import VIDEO_JS
from tests.e2e.test_author import open_clip, seek, until, wait_draft, wait_idle

pytestmark = pytest.mark.e2e
author_server, author = base.author_server, base.author  # a server and library of this module

HEADER = "# Frame clip: the expert's commentary (kept in git; reviewed like code)\n"
MARKERS = (
    "Client rejects therapist intervention",
    "Client defends self against the therapist",
    "Efforts to control or pressure the therapist",
)


class Counted:
    """The author's actions (key presses, clicks, typing a text), counted as they are made."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def key(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def type(self, target: Locator, text: str) -> None:
        self.count += 1
        target.fill(text)


def pill(page: Page, name: str) -> Locator:
    """A marker pill of the rupture's editor (not one Streamlit is about to replace)."""
    return page.locator(
        ".st-key-author_marker_pills [data-stale=false] [role=toolbar] > button"
    ).filter(has_text=name)


def ep3(d: dict) -> dict:
    """The rupture the test marks (episodes are kept in time order)."""
    return next((e for e in d["tracks"][0]["episodes"] if e.get("id") == "ep3"), {})


def git(root: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return run.stdout


def save_through_the_diff(page: Page) -> str:
    """Save, read the diff the page shows, confirm; returns the diff's text."""
    wait_idle_page(page)
    page.get_by_role("button", name="Save", exact=True).click()
    preview = page.locator(".st-key-author_save_preview")
    expect(preview).to_contain_text("What saving changes in clip.yaml", timeout=20_000)
    shown = preview.locator("code").inner_text()
    preview.get_by_role("button", name="Save these changes").click()
    page.get_by_text("Saved clip.yaml").wait_for(timeout=20_000)
    return shown


def wait_idle_page(page: Page) -> None:
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=20_000
    )


def edit_the_imported_track(page: Page, summary: Locator) -> Locator:
    """Press "Edit the imported track", open File & tracks; returns its Publish button.

    A click can land on the copy of the button that a rerun is replacing and be lost (CI saw
    the tab still on the expert's track): pressed again while it is still offered."""
    publish = page.get_by_role("button", name="Publish this track")
    for _ in range(3):
        page.get_by_role("tab", name="Import / export").click()
        wait_idle_page(page)
        edit = summary.get_by_role("button", name="Edit the imported track")
        if edit.count():  # offered until the imported track is the one edited
            edit.click()
            wait_idle_page(page)
        page.get_by_role("tab", name="File & tracks").click()
        with contextlib.suppress(AssertionError):
            expect(publish).to_be_visible(timeout=10_000)
            return publish
    raise AssertionError("the imported track never became the track being edited")


def test_cue_and_rupture_with_three_markers_in_six_actions_then_drag_undo_and_save(author):
    w, root, data = author
    path = root / "commentary" / "clip.yaml"
    path.write_text(HEADER + path.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0o640)
    git(root, "init", "-q")
    git(root, "add", "commentary/clip.yaml")
    git(root, "commit", "-qm", "as the expert left it")
    open_clip(w, data)
    page = w.page

    seek(w, 9.05)  # the author paused here (frame 226): the focus is in the player
    page.locator(".al-time").click()
    act = Counted(page)
    act.key("o")  # 1: a rupture onset at the frame on screen, selected, its editor beside
    page.locator(".al-episode.is-selected[data-onset='9.04']").wait_for(timeout=20_000)
    for n, name in enumerate(MARKERS, start=1):  # 2-4: the first pick gives it its type
        wait_idle(w)
        act.click(pill(page, name))
        wait_draft(data, lambda d, n=n: len(ep3(d).get("markers") or []) == n)
    wait_idle(w)
    act.key("m")  # 5: a cue at the same frame (keys reach the player from a pill too)
    act.type(page.get_by_label("Cue text"), "The client's jaw sets before he answers.")  # 6
    page.locator(".al-time").click()  # leaving the field keeps the text (not an edit)
    final = wait_draft(
        data,
        lambda d: any(c.get("text", "").startswith("The client") for c in d["tracks"][0]["cues"]),
    )
    assert act.count <= 6, act.count
    episode = ep3(final)
    assert (au.time_ms(episode["onset"]), episode["type"]) == (9_040, "confrontation")
    cue = next(c for c in final["tracks"][0]["cues"] if c.get("text", "").startswith("The client"))
    assert au.time_ms(cue["start"]) == 9_040
    wait_idle(w)
    page.get_by_role("combobox", name="Selected item").click()  # the rupture, to drag it
    page.get_by_role("option", name="Rupture ep3").click()
    page.locator(".al-episode.is-selected[data-type='confrontation'][data-onset='9.04']").wait_for(
        timeout=20_000
    )

    # a marker pill says what its marker means on hover and on keyboard focus
    # (hovered again until it holds: a rerun still under way can move the pills, which wrap)
    wait_idle(w)
    first = pill(page, MARKERS[0])

    def tip() -> str:
        first.hover()
        return str(first.evaluate("b => getComputedStyle(b.parentElement, '::after').content"))

    until(lambda: "dismisses or refuses" in tip(), "the pill's definition on hover")

    # drag the new onset along the timeline, then take the drag back
    wait_idle(w)
    span = page.locator(".al-episode.is-selected[data-onset='9.04']")
    line, r = page.locator(".al-timeline").bounding_box(), span.bounding_box()
    duration = page.evaluate(f"() => {VIDEO_JS}.duration")
    y = r["y"] + r["height"] / 2
    page.mouse.move(r["x"] + 4, y)
    page.mouse.down()
    page.mouse.move(line["x"] + 11.5 / duration * line["width"], y, steps=8)
    page.mouse.up()
    wait_draft(data, lambda d: au.time_ms(ep3(d)["onset"]) != 9_040)
    wait_idle(w)
    page.get_by_role("button", name="Undo").click()  # (Ctrl+Z: test_author_studio.py)
    wait_draft(data, lambda d: au.time_ms(ep3(d)["onset"]) == 9_040)
    page.locator(".al-episode.is-selected[data-onset='9.04']").wait_for(timeout=20_000)

    shown = save_through_the_diff(page)
    diff = git(root, "diff", "-U0", "--", "commentary/clip.yaml")
    changed = [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
    assert changed and all(x.startswith("+") for x in changed), diff  # only added lines
    assert changed[:4] == [  # the rupture, in the file's own style; then the cue
        "+      - id: ep3",
        "+        type: confrontation",
        '+        onset: "9.04"',
        "+        markers: [rejects_intervention, defends_self, controls_pressures]",
    ], diff
    assert len(changed) == 5 and "The client's jaw sets" in changed[4], diff
    for line_ in changed:  # the page showed the same lines before saving
        assert line_ in shown.splitlines()
    assert path.read_text(encoding="utf-8").startswith(HEADER)
    assert path.stat().st_mode & 0o777 == 0o640
    assert git(root, "status", "--porcelain", "--", "commentary") == " M commentary/clip.yaml\n"
    assert parse_commentary(path).ok
    assert not w.outside_requests(), w.outside_requests()


VTT = b"""WEBVTT

NOTE exported from the captioning tool; timings checked by hand

00:00:01.000 --> 00:00:03.000
The client says it is <b>fine</b>.

00:00:04.000 --> 00:00:06.000
<i>Fine</i> is doing a lot of work here.
"""


def learner_tracks(page: Page, url: str) -> list[str]:
    """The tracks the Watch page offers a learner (its track pills, by name)."""
    page.goto(f"{url}/?video=clip&mode=learner")
    pills = page.locator("[data-testid=stButtonGroup]", has_text="Expert")
    pills.wait_for(timeout=30_000)  # the learner sees Expert and the Mentalization lens
    return [b.inner_text() for b in pills.locator("button").all()]


def test_an_import_is_a_draft_track_until_it_is_published(author):
    w, root, data = author
    open_clip(w, data)
    page = w.page
    page.get_by_role("tab", name="Import / export").click()
    wait_idle(w)
    uploader = page.locator(".st-key-author_import_file")
    for _ in range(3):  # a rerun that lands meanwhile (the tab's) can drop a chosen file
        uploader.locator("input[type=file]").set_input_files(
            {"name": "guest-expert.vtt", "mimeType": "text/vtt", "buffer": VTT}
        )
        with contextlib.suppress(AssertionError):
            expect(uploader).to_contain_text("guest-expert.vtt", timeout=10_000)
            break
    expect(uploader).to_contain_text("guest-expert.vtt")
    wait_idle(w)
    page.get_by_role("button", name="Import", exact=True).click()
    summary = page.locator(".st-key-author_import_summary")
    expect(summary).to_contain_text("arrived as a new draft track", timeout=20_000)
    expect(summary).to_contain_text("Markdown **bold** and *italic*")
    expect(summary).to_contain_text("exported from the captioning tool")  # a comment, kept
    expect(page.get_by_role("tab", name="Import / export")).to_have_attribute(
        "aria-selected", "true"
    )
    save_through_the_diff(page)
    doc = parse_commentary(root / "commentary" / "clip.yaml").doc
    guest = next(t for t in doc.tracks if t.id == "guest-expert")
    assert guest.status == "draft" and guest.cues[0].text == "The client says it is **fine**."
    assert all(not c.presenter_notes for c in guest.cues)

    learner = w.page.context.new_page()
    assert learner_tracks(learner, w.server.url) == ["Expert", "Mentalization lens"]

    edit_the_imported_track(page, summary).click()
    page.get_by_text("learners will see it once you save").wait_for(timeout=20_000)
    save_through_the_diff(page)
    assert learner_tracks(learner, w.server.url) == ["Expert", "Mentalization lens", "guest-expert"]
    learner.close()
    assert not w.outside_requests(), w.outside_requests()
