"""Drafts before learners see them: a draft file or track is hidden in learner mode only."""

from __future__ import annotations

import pytest

from alliance_lens.library import scan_library
from alliance_lens.model import CommentaryFile, to_data
from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data
from alliance_lens.trackfile import parse_commentary
from alliance_lens.visibility import file_visible, sees_drafts, visible_tracks
from alliance_lens.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
VIDEO = VideoSource("/library-media/clip.mp4", 25.0, 24_000, None)
TEXT = """\
video: clip.mp4
title: Clip
tracks:
  - id: expert
    name: Expert
    cues:
      - {start: '00:01', text: published}
  - id: new
    name: New
    status: draft
    cues:
      - {start: '00:02', text: draft}
"""


def doc_of(text: str) -> CommentaryFile:
    result = parse_commentary("clip.yaml", text=text)
    assert result.doc is not None, result.problems
    return result.doc


def test_status_defaults_to_published_and_is_not_written_out():
    doc = doc_of(TEXT)
    assert doc.status == "published" and doc.tracks[0].status == "published"
    data = to_data(doc)
    assert "status" not in data and "status" not in data["tracks"][0]
    assert data["tracks"][1]["status"] == "draft"


def test_a_wrong_status_is_an_error_naming_the_choices():
    result = parse_commentary("clip.yaml", text=TEXT.replace("status: draft", "status: hidden"))
    assert result.doc is None
    (problem,) = result.errors
    assert problem.field == "tracks[1].status" and "draft" in problem.message


@pytest.mark.parametrize(
    ("mode", "ids"),
    [("learner", ["expert"]), ("presenter", ["expert", "new"]), ("review", ["expert", "new"])],
)
def test_learners_never_get_a_draft_track(mode, ids):
    data = build_player_data(doc_of(TEXT), VOCAB, VIDEO, PlayerOptions(mode=mode))
    assert [t["id"] for t in data["tracks"]] == ids
    assert ("draft" in str(data)) is (mode != "learner")


def test_a_draft_file_is_hidden_from_learners_and_previewed_by_educators(tmp_path):
    (tmp_path / "commentary").mkdir()
    (tmp_path / "commentary" / "open.yaml").write_text(TEXT)
    (tmp_path / "commentary" / "wip.yaml").write_text(
        TEXT.replace("title: Clip", "title: W\nstatus: draft")
    )
    library = scan_library(tmp_path)
    assert [e.slug for e in library.entries_for("learner")] == ["open"]
    assert [e.slug for e in library.entries_for("presenter")] == ["open", "wip"]
    wip = library.entry("wip").doc
    assert visible_tracks(wip, "learner") == () and len(visible_tracks(wip, "review")) == 2
    data = build_player_data(wip, VOCAB, VIDEO, PlayerOptions(mode="learner"))
    assert data["tracks"] == []


def test_a_file_whose_tracks_are_all_drafts_is_not_listed_for_learners():
    only_draft = doc_of(TEXT).model_copy(update={"tracks": doc_of(TEXT).tracks[1:]})
    assert not file_visible(only_draft, "learner") and file_visible(only_draft, "author")
    assert file_visible(None, "learner")  # a broken file stays listed, with its problems
    assert not sees_drafts("learner") and sees_drafts("author")
