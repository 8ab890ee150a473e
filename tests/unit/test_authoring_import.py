"""Imports keep what the source meant and arrive as new draft tracks (authoring.importing)."""

from __future__ import annotations

from alliance_lens import authoring as au
from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data
from alliance_lens.vocabulary import load_vocabulary

VTT = """\
WEBVTT

NOTE exported by a captioning tool

intro
00:00:01.000 --> 00:00:03.500
<v Therapist>How was <b>the week </b>?</v>

NOTE the client looks away here

00:00:04.000 --> 00:00:06.000
<i>Fine,</i> <b.loud>I <i>guess</i></b>.
"""


def test_bold_and_italic_become_markdown_emphasis_and_notes_stay_comments(draft):
    new, summary = au.import_into_draft(draft, "session.vtt", VTT)
    track = new["tracks"][summary.track_index]
    texts = [c["text"] for c in track["cues"]]
    assert texts == ["Therapist: How was **the week** ?", "*Fine,* **I *guess***."]
    assert not any("presenter_notes" in c for c in track["cues"])
    assert "description" not in track
    assert [(c.text, c.cue) for c in summary.comments] == [
        ("exported by a captioning tool", None),
        ("the client looks away here", 1),
    ]
    assert any("NOTE comment" in w.message for w in summary.warnings)
    joined = "\n".join(summary.mapped)
    assert "2 WebVTT cue(s) -> cues" in joined
    assert "2 <b> and 2 <i> span(s) -> Markdown **bold** and *italic*" in joined
    assert "2 NOTE block(s) -> comments for authors" in joined
    assert "track 'session' -> new draft track 'session' (2 cues)" in joined


def test_notes_can_be_kept_as_presenter_notes_when_asked(draft):
    new, summary = au.import_into_draft(draft, "session.vtt", VTT, notes_as_presenter_notes=True)
    track = new["tracks"][summary.track_index]
    assert track["cues"][1]["presenter_notes"] == "the client looks away here"
    assert track["description"] == "exported by a captioning tool"
    assert summary.comments == [] and "presenter notes" in "\n".join(summary.mapped)


def test_an_import_is_a_new_draft_track_that_learners_do_not_see(draft):
    before = au.tracks(draft)
    new, summary = au.import_into_draft(draft, "expert.vtt", VTT)
    assert au.tracks(new)[: len(before)] == before  # nothing replaced
    assert summary.track_index == len(before) and summary.track_ids == ["expert-2"]
    assert new["tracks"][-1]["status"] == "draft" and new["tracks"][-1]["name"] == "expert"
    doc = au.validate(new).doc
    assert doc is not None
    video = VideoSource("/m/clip.mp4", 25.0, 24_000, None)
    vocab = load_vocabulary()
    learner = build_player_data(doc, vocab, video, PlayerOptions(mode="learner"))
    presenter = build_player_data(doc, vocab, video, PlayerOptions(mode="presenter"))
    assert "expert-2" not in [t["id"] for t in learner["tracks"]]
    assert "expert-2" in [t["id"] for t in presenter["tracks"]]
    new["tracks"][-1]["status"] = "published"  # publishing it
    doc = au.validate(new).doc
    learner = build_player_data(doc, vocab, video, PlayerOptions(mode="learner"))
    assert "expert-2" in [t["id"] for t in learner["tracks"]]
