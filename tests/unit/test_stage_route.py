"""The stage window's routes and data: no notes and no answers ever reach the stage's page,
its page runs no inline script, only the player's scripts are served, and /watch redirects.

Real library (the frame-numbered clip and hand-written tracks), real Starlette app.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from alliance_lens.http_headers import SecurityHeadersMiddleware
from alliance_lens.library import scan_library
from alliance_lens.page_redirects import redirect_routes
from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data
from alliance_lens.stage_route import stage_routes
from alliance_lens.stagedata import build_stage_data, console_data, stage_url
from tests.support.watch_library import SECRET_NOTE, build_library

REVEALS = ("Nothing yet", "The client moves away", "Staying curious")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    return build_library(tmp_path_factory.mktemp("stage-lib"))


@pytest.fixture(scope="module")
def client(library) -> TestClient:
    app = Starlette(
        routes=[*stage_routes(library), *redirect_routes()],
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )
    return TestClient(app, base_url="http://127.0.0.1:8501")


def _doc(library: Path):
    lib = scan_library(library)
    entry = lib.entry("clip")
    assert entry is not None and entry.doc is not None
    return lib, entry.doc


def test_stage_data_holds_no_notes_and_no_answers(library):
    lib, doc = _doc(library)
    source = VideoSource("/library-media/clip.mp4", 25.0, 24_000)
    text = json.dumps(build_stage_data(doc, lib.vocabulary, source))
    assert SECRET_NOTE not in text and not [r for r in REVEALS if r in text]
    data = json.loads(text)
    assert data["mode"] == "stage" and data["answers"] == {}
    prompts = data["tracks"][0]["prompts"]
    assert [p["id"] for p in prompts] == ["first", "choice", "fast"]
    assert not {"reveal_html", "expected", "correct"} & {k for p in prompts for k in p}
    assert prompts[1]["options"] == ["Confrontation", "Withdrawal"]  # the question stays whole
    # the rendered items are cached and shared: the presenter still gets its reveals
    presenter = build_player_data(doc, lib.vocabulary, source, PlayerOptions(mode="presenter"))
    assert presenter["tracks"][0]["prompts"][1]["reveal_html"]
    assert SECRET_NOTE not in json.dumps(presenter)


def test_console_gets_the_notes_and_its_stage_address(library):
    _lib, doc = _doc(library)
    data = console_data(doc, "clip", ("expert",), notes=True)
    assert data["stage_url"] == stage_url("clip", ("expert",)) == "/stage/clip?tracks=expert"
    assert data["channel"] == "alliance-lens-stage:clip"
    [note] = data["notes"]
    assert note["cue"] == "c3" and SECRET_NOTE in note["notes_html"]
    assert (note["start"], note["end"]) == (4.0, 8.0)
    assert console_data(doc, "clip", ("second",), notes=True)["notes"] == []
    # no stage open: the notes are not sent at all, only how many there are
    held = console_data(doc, "clip", None, notes=False)
    assert held["notes"] == [] and held["notes_held"] == 1
    assert SECRET_NOTE not in json.dumps(held)


def test_stage_page_runs_no_inline_script_and_holds_no_file_text(client):
    r = client.get("/stage/clip?tracks=expert")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    scripts = re.findall(r"<script[^>]*>", r.text)
    assert scripts and all(" src=" in s for s in scripts)
    assert "Frame clip" not in r.text and SECRET_NOTE not in r.text
    assert 'data-src="/stage-data/clip?tracks=expert"' in r.text


def test_stage_data_route(client):
    r = client.get("/stage-data/clip")
    assert r.status_code == 200
    assert SECRET_NOTE not in r.text and not [t for t in REVEALS if t in r.text]
    data = r.json()
    assert data["slug"] == "clip" and data["video"]["src"] == "/library-media/clip.mp4"
    assert data["video"]["fps"] == pytest.approx(25) and data["captions"]["src"].endswith(".vtt")
    assert [t["id"] for t in data["tracks"]] == ["expert", "second"]
    assert [t["id"] for t in client.get("/stage-data/clip?tracks=second").json()["tracks"]] == [
        "second"
    ]


@pytest.mark.parametrize("slug", ["nothing-here", "broken", "missing", "..%2Fclip"])
def test_no_stage_for_unknown_broken_or_missing(client, slug):
    assert client.get(f"/stage/{slug}").status_code == 404
    assert client.get(f"/stage-data/{slug}").status_code in (404, 409)


def test_only_the_players_scripts_and_styles_are_served(client):
    js = client.get("/stage-assets/js/stage.js")
    assert js.status_code == 200 and "BroadcastChannel" in js.text
    assert client.get("/stage-assets/stage.css").status_code == 200
    for path in ("keys.py", "__init__.py", "../stagedata.py", "js/"):
        assert client.get(f"/stage-assets/{path}").status_code == 404, path


def test_watch_redirects_to_the_default_page_keeping_the_query(client):
    for path in ("/watch", "/watch/"):
        r = client.get(f"{path}?mode=presenter&video=clip", follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"] == "/?mode=presenter&video=clip"
    r = client.get("/watch", follow_redirects=False)
    assert r.headers["location"] == "/"
