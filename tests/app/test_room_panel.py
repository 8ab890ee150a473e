"""The live-room panel on the Watch page (AppTest runs no JavaScript): only presenter mode has
it; opening a room shows its code and address, and gives the player the room to report to;
a bad join address is refused with a sentence; ending and deleting go through the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.watch_library import build_library

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "watch.py")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(tmp_path_factory.mktemp("lib"), extra=False)


@pytest.fixture
def app(library, monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    monkeypatch.setenv("ALLIANCE_LENS_DB_URL", f"sqlite:///{tmp_path / 'room.sqlite3'}")

    def make(**params):
        at = AppTest.from_file(PAGE, default_timeout=30)
        at.query_params.update(params)
        return at.run()

    return make


def player_room(at):
    found = [el for el in at.get("bidi_component") if el.key == "watch_player"]
    return json.loads(found[0].proto.json).get("room")


def test_only_presenters_get_the_panel(app):
    assert not [e for e in app(video="clip").expander if e.label == "Live room"]
    at = app(video="clip", mode="presenter")
    assert [e for e in at.expander if e.label == "Live room"]
    assert player_room(at) is None


def test_opening_a_room_shows_code_and_address_and_links_the_player(app):
    at = app(video="clip", mode="presenter")
    at.text_input(key="room_base").set_value("lens.example.org")
    at.button[0].click()  # the form's submit button
    at = at.run()
    assert any("http:// or https://" in e.value for e in at.error)
    at.text_input(key="room_base").set_value("https://lens.example.org")
    at = [b for b in at.button if b.label == "Open a room"][0].click().run()
    assert not at.exception
    room = player_room(at)
    assert room and len(room["code"]) == 8 and room["key"]
    # the expert onsets the console sends with each poll, so "Room vs expert" is scored live
    assert room["expert"] == {
        "labels": ["Goes quiet", "Pushes back"],
        "onsets_ms": [3_000, 14_000],
        "window_ms": [2_000, 10_000],
    }
    assert any(f"https://lens.example.org/join/{room['code']}" in t.value for t in at.text)
    at = [b for b in at.button if b.label == "End the room"][0].click().run()
    assert any("This room has ended" in i.value for i in at.info)
    at = [b for b in at.button if b.label == "Delete the room"][0].click().run()
    at = [b for b in at.button if b.label == "Yes, delete"][0].click().run()
    assert player_room(at) is None
