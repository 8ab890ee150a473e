"""The upload widget's Python side: what it hands the browser, and which names it believes.

AppTest runs no JS: it shows the data the page sends; the ``done`` trigger is checked through
``saved_name`` with the state a browser would send, genuine and forged.
"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from alliance_lens.upload_route import TOKENS, UPLOAD_ROUTE


def _page() -> None:
    from alliance_lens.ui.uploader import upload_widget

    upload_widget("up", max_bytes=5 * 1024 * 1024)


def _data(at: AppTest) -> dict:
    (found,) = [el for el in at.get("bidi_component") if el.key == "up"]
    return json.loads(found.proto.json)


def test_the_page_hands_the_widget_a_valid_token_and_the_limits():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    data = _data(at)
    assert data["url"] == UPLOAD_ROUTE
    assert data["max_bytes"] == 5 * 1024 * 1024
    assert ".mp4" in data["accept"] and ".exe" not in data["accept"]
    assert TOKENS.valid(data["token"])
    token = data["token"]
    at.run()
    assert _data(at)["token"] == token  # stable across reruns: the JS is not re-run for it


def _reader() -> None:
    import streamlit as st

    from alliance_lens.ui.uploader import saved_name

    st.text(f"saved={saved_name('up')}")


def test_only_a_name_the_route_signed_is_believed():
    genuine = {"name": "session.mp4", "receipt": TOKENS.receipt("session.mp4")}
    forged = {"name": "../app.py", "receipt": TOKENS.receipt("session.mp4")}
    for done, expected in [(genuine, "session.mp4"), (forged, None), ({"name": "x"}, None)]:
        at = AppTest.from_function(_reader)
        at.session_state["up"] = {"done": done}
        at.run()
        assert not at.exception
        assert at.text[0].value == f"saved={expected}"
