"""One rule for names: every id the app invents is a valid model id, unused, and stable."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from alliance_lens import authoring as au
from alliance_lens import ids
from alliance_lens.formats._common import slug as format_slug

MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # model.py's Id


@given(st.text(max_size=200), st.sets(st.text(max_size=10), max_size=5))
def test_track_ids_are_valid_and_unused(name, taken):
    made = ids.track_id(name, taken)
    assert MODEL_ID.match(made) and made not in taken
    assert format_slug(name, taken) == made  # the formats use the same rule


@given(st.text(max_size=80))
def test_a_track_added_by_name_gets_a_valid_lower_case_id(name):
    draft, index = au.add_track(au.new_draft("v.mp4", "V"), name)
    tid = draft["tracks"][index]["id"]
    assert MODEL_ID.match(tid) and tid == tid.lower() and tid != "expert"


@given(st.text(max_size=120))
def test_upload_names_are_plain_and_draft_names_stay_in_their_folder(name):
    stem = ids.file_stem(name)
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*|[a-z0-9]", stem) or stem == "video"
    assert "/" not in au.safe_slug(name) and not au.safe_slug(name).startswith(".")


def test_numbered_and_unique():
    assert ids.numbered("p", ["p1", "p2", 7]) == "p3"
    assert ids.unique("draft-cue-3", {"draft-cue-3", "draft-cue-3-2"}) == "draft-cue-3-3"
    assert ids.slug("Session 03 (final)", fallback="video", strip="-.") == "Session-03-final"
    assert ids.slug("", fallback="draft") == "draft"
