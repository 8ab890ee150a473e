"""playerdata: what the player receives in each mode."""

import json

import pytest

from alliance_lens.model import CommentaryFile, Practice
from alliance_lens.playerdata import (
    RUPTURE_STYLE,
    UNTYPED_STYLE,
    Command,
    PlayerOptions,
    Selected,
    VideoSource,
    build_player_data,
    build_video_only_data,
)
from alliance_lens.vocabulary import load_vocabulary

DOC = CommentaryFile.model_validate(
    {
        "video": "clip.mp4",
        "title": "Clip",
        "chapters": [{"start": "10", "title": "Later"}, {"start": "0", "title": "Start"}],
        "tracks": [
            {
                "id": "expert",
                "name": "Expert",
                "episodes": [
                    {
                        "id": "e1",
                        "type": "withdrawal",
                        "onset": "00:03.250",
                        "resolved_at": "7",
                        "markers": ["minimal_response", "made_up_marker"],
                        "repairs": [{"at": "5", "strategies": ["redirects"]}],
                    }
                ],
                "cues": [
                    {"start": "4", "text": "later", "lens": "mentalization"},
                    {
                        "start": "1.5",
                        "text": "**first**",
                        "presenter_notes": "SECRET",
                    },
                ],
                "prompts": [
                    {
                        "id": "p",
                        "at": "6",
                        "question": "Q?",
                        "kind": "choice",
                        "options": ["A", "B"],
                        "expected": "B",
                        "episode": "e1",
                        "reveal": "R",
                    },
                    {"id": "t", "at": "2", "question": "Why?", "rewind_to": "1"},
                ],
            },
            {"id": "other", "name": "Other", "cues": [{"start": "2", "text": "x"}]},
        ],
    }
)
VOCAB = load_vocabulary()
VIDEO = VideoSource("/library-media/clip.mp4", 25.0, 24_000, "/library-media/clip.vtt")


def data(mode="learner", **kw):
    return build_player_data(DOC, VOCAB, VIDEO, PlayerOptions(mode=mode, **kw))


@pytest.mark.parametrize("mode", ["learner", "presenter"])
def test_presenter_notes_never_sent_to_shared_or_learner_screens(mode):
    assert "SECRET" not in json.dumps(data(mode))
    assert all("notes_html" not in c for t in data(mode)["tracks"] for c in t["cues"])


@pytest.mark.parametrize("mode", ["review", "author"])
def test_presenter_notes_in_educator_modes(mode):
    cue = data(mode)["tracks"][0]["cues"][0]
    assert "SECRET" in cue["notes_html"]


def test_times_are_seconds_and_sorted():
    d = data()
    cues = d["tracks"][0]["cues"]
    assert [c["start"] for c in cues] == [1.5, 4.0]
    assert cues[0]["end"] == 4.0 and cues[1]["end"] is None  # runs to the next cue
    ep = d["tracks"][0]["episodes"][0]
    assert (ep["onset"], ep["resolved"], ep["repairs"][0]["at"]) == (3.25, 7.0, 5.0)
    assert [c["start"] for c in d["chapters"]] == [0.0, 10.0]
    assert d["video"] == {
        "src": "/library-media/clip.mp4",
        "fps": 25.0,
        "duration": 24.0,
        "problem": "",
    }
    assert [p["at"] for p in d["tracks"][0]["prompts"]] == [2.0, 6.0]


def test_vocabulary_labels_and_colours():
    d = data()
    ep = d["tracks"][0]["episodes"][0]
    assert ep["markers"][0] == {
        "id": "minimal_response",
        "label": "Minimal response",
        "kind": "withdrawal",
    }
    assert ep["markers"][1]["label"] == "made up marker"  # unknown ids still readable
    assert ep["repairs"][0]["strategies"][0]["label"] == "Redirects or refocuses"
    assert ep["type_label"] == "Withdrawal"
    cue = d["tracks"][0]["cues"][1]
    assert cue["lens_label"] == "Mentalization" and cue["lens_colour"] == "#7b4fa0"
    assert d["tracks"][0]["colour"] != d["tracks"][1]["colour"]
    assert d["rupture_types"] == RUPTURE_STYLE
    assert {s["letter"] for s in RUPTURE_STYLE.values()} == {"W", "C"}  # not colour alone


def test_text_is_rendered_html_only_in_html_fields():
    cue = data()["tracks"][0]["cues"][0]
    assert cue["html"] == "<p><strong>first</strong></p>"


def test_rewind_point_defaults_to_episode_onset():
    prompts = {p["id"]: p for p in data()["tracks"][0]["prompts"]}
    assert prompts["p"]["rewind_to"] == 3.25
    assert prompts["t"]["rewind_to"] == 1.0
    assert prompts["p"]["expected"] == "B" and prompts["t"]["options"] == []


def test_track_choice_and_answers_and_command():
    d = data(
        track_ids=("other",),
        answers={"other/x": {"text": "no"}, "expert/p": {"choice": "A"}},
        command=Command("seek", "n1", 2500),
    )
    assert [t["id"] for t in d["tracks"]] == ["other"]
    assert d["answers"] == {}  # answers only for prompts of the tracks sent
    assert d["command"] == {"action": "seek", "nonce": "n1", "at": 2.5}
    d = data(answers={"expert/p": {"choice": "A"}})
    assert d["answers"] == {"expert/p": {"choice": "A"}}


def test_captions_and_bad_mode():
    assert data(captions_on=False)["captions"] == {
        "src": "/library-media/clip.vtt",
        "lang": "en",
        "on": False,
    }
    with pytest.raises(ValueError):
        data("spectator")


def test_json_serialisable():
    json.dumps(data("review"))


def test_untyped_episode_is_drawn_neutral_with_a_question_mark():
    d = data("author", untyped=frozenset({("expert", "e1")}))
    ep = d["tracks"][0]["episodes"][0]
    assert (ep["type"], ep["type_label"], ep["title"]) == (
        "untyped",
        "Type not chosen yet",
        "New rupture",
    )
    assert d["rupture_types"]["untyped"] == UNTYPED_STYLE
    assert UNTYPED_STYLE["letter"] == "?" and UNTYPED_STYLE["pattern"] != "plain"
    assert UNTYPED_STYLE["colour"] not in {s["colour"] for s in RUPTURE_STYLE.values()}
    assert ep["markers"][0]["id"] == "minimal_response"  # markers may come first
    # another track's episode of the same id is not affected
    other = data("author", untyped=frozenset({("other", "e1")}))
    assert other["tracks"][0]["episodes"][0]["type"] == "withdrawal"
    assert "untyped" not in data("learner")["rupture_types"]


def test_selected_is_sent_in_author_mode_only():
    sel = Selected("episode", "e1", "expert")
    assert data("author", selected=sel)["selected"] == {
        "kind": "episode",
        "id": "e1",
        "track": "expert",
    }
    assert data("author")["selected"] is None
    for mode in ("learner", "presenter", "review"):
        assert data(mode, selected=sel)["selected"] is None
    assert data("author", selected=Selected("chapter", "c"))["selected"]["track"] is None


@pytest.mark.parametrize("mode", ["author", "learner"])
def test_dirty_flag_in_any_mode(mode):
    # the Author page's learner preview still has the unsaved changes behind it
    assert data(mode, dirty=True)["dirty"] is True
    assert data(mode)["dirty"] is False
    only = build_video_only_data("T", VIDEO, PlayerOptions(mode=mode, dirty=True))
    assert only["dirty"] is True and only["tracks"] == []


def test_thumb_per_episode_by_onset_only_as_a_jpeg_data_uri():
    uri = "data:image/jpeg;base64,/9j/4AAQ"
    ep = data(thumbs={3_250: uri})["tracks"][0]["episodes"][0]
    assert ep["thumb"] == uri
    assert "thumb" not in data()["tracks"][0]["episodes"][0]
    assert "thumb" not in data(thumbs={3_000: uri})["tracks"][0]["episodes"][0]
    for bad in ("javascript:alert(1)", "data:image/svg+xml;base64,PHN2Zz4=", "https://x/y.jpg"):
        assert "thumb" not in data(thumbs={3_250: bad})["tracks"][0]["episodes"][0]


def test_video_only_data_has_the_same_keys():
    full = data("author")
    only = build_video_only_data("T", VIDEO, PlayerOptions(mode="author"))
    assert set(only) == set(full)


def test_practice_mode_sends_no_commentary_episodes_or_prompts():
    d = data(
        "practice",
        answers={"expert/p": {"choice": "A"}},
        thumbs={3250: "data:image/jpeg;base64,AAAA"},
    )
    text = json.dumps(d)
    for secret in ("first", "later", "SECRET", "Q?", "Why?", '"R"', "e1", "Later", "Start", 'x"'):
        assert secret not in text, secret
    assert d["tracks"] == [] and d["chapters"] == [] and d["answers"] == {}
    assert "AAAA" not in text  # no onset thumbnails either: they would point at the ruptures
    assert d["mode"] == "practice"
    assert d["video"]["src"] == "/library-media/clip.mp4"
    assert d["captions"]["src"] == "/library-media/clip.vtt"  # the video and captions play


def test_practice_mode_offers_types_and_each_types_markers():
    choices = data("practice")["practice"]
    assert [t["id"] for t in choices["types"]] == ["withdrawal", "confrontation"]
    ids = {m["id"] for m in choices["markers"]["withdrawal"]}
    assert "minimal_response" in ids
    assert all(m["label"] for ms in choices["markers"].values() for m in ms)


def test_a_rerun_reuses_the_rendered_items_but_not_another_vocabulary():
    first, again = data(), data()
    assert again == first
    assert again["tracks"][0]["cues"] is first["tracks"][0]["cues"]  # rendered once
    other = build_player_data(DOC, load_vocabulary(), VideoSource("/m/clip.mp4", 25, 10_000))
    assert other["tracks"][0]["cues"] == first["tracks"][0]["cues"]
    assert other["tracks"][0]["cues"] is not first["tracks"][0]["cues"]


def test_practice_mode_sends_chapter_ends_only_when_the_track_asks_for_chapter_feedback():
    assert data("practice")["practice"]["stops"] == []  # feedback at the end (the default)
    expert = DOC.tracks[0].model_copy(update={"practice": Practice(feedback="chapter")})
    chaptered = DOC.model_copy(update={"tracks": (expert, *DOC.tracks[1:])})
    d = build_player_data(chaptered, load_vocabulary(), VIDEO, PlayerOptions(mode="practice"))
    assert d["practice"]["stops"] == [10.0]  # the second chapter's start, in seconds
    assert "Later" not in json.dumps(d)  # a time, never the chapter's title
    draft = expert.model_copy(update={"status": "draft"})  # learners never practise a draft
    hidden = DOC.model_copy(update={"tracks": (draft, *DOC.tracks[1:])})
    d = build_player_data(hidden, load_vocabulary(), VIDEO, PlayerOptions(mode="practice"))
    assert d["practice"]["stops"] == []
