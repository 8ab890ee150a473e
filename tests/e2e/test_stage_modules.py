"""sync.js, the pure part of the console <-> stage link, in Debian's Chromium (no app, no video).

Who drives a stage, how the stage follows, the moments PageDown steps through, countdowns,
session time and points normalised to the picture.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_player_modules import js_url, run  # noqa: F401  (the module fixtures)

pytestmark = pytest.mark.e2e


def test_one_console_drives_a_stage_and_another_can_take_over(run):  # noqa: F811
    got = run(
        "sync.js",
        """
        const d = (owner, type, from) => m.ownerDecision(owner, {type, from});
        return [
          d(null, "state", "a"),   // a free stage: the first console to speak drives it
          d("a", "state", "a"),
          d("a", "state", "b"),    // a second console is refused and told who drives
          d("a", "hello", "b"),
          d("a", "takeover", "b"),
          d("b", "bye", "a"),      // a console that no longer drives leaving changes nothing
          d("b", "bye", "b"),      // the driver leaving frees the stage, and the stage says so
        ];
        """,
    )
    assert got == [
        {"accept": True, "owner": "a", "reply": "status"},
        {"accept": True, "owner": "a", "reply": None},
        {"accept": False, "owner": "a", "reply": "status"},
        {"accept": False, "owner": "a", "reply": "status"},
        {"accept": False, "owner": "b", "reply": "status"},
        {"accept": False, "owner": "b", "reply": None},
        {"accept": False, "owner": None, "reply": "status"},
    ]


def test_the_stage_follows_to_the_frame_when_paused_and_within_a_margin_when_playing(run):  # noqa: F811
    got = run(
        "sync.js",
        """
        const f = (local, remote) => m.followPlan(local, remote, 25);
        return [
          f({t: 1, playing: false}, {t: 1.01, playing: false}),   // under half a frame: stay
          f({t: 1, playing: false}, {t: 1.03, playing: false}),   // a frame off: seek
          f({t: 1, playing: false}, {t: 1.1, playing: true}),     // play, close enough
          f({t: 1, playing: true}, {t: 1.5, playing: true}),      // drifted: seek
          f({t: 1, playing: true}, {t: 1, playing: true, seeked: true}), // a seek always lands
          f({t: 3, playing: true}, {t: 2, playing: false}),       // pause on the console's frame
        ];
        """,
    )
    assert got == [
        {"seek": None, "play": None},
        {"seek": 1.03, "play": None},
        {"seek": None, "play": True},
        {"seek": 1.5, "play": None},
        {"seek": 1, "play": None},
        {"seek": 2, "play": False},
    ]


def test_moments_upcoming_notes_and_clocks(run):  # noqa: F811
    got = run(
        "sync.js",
        """
        const tracks = [
          {prompts: [{at: 6.02}],
           episodes: [{onset: 3, repairs: [{at: 5.5}]}, {onset: 14, repairs: []}]},
          {prompts: [{at: 0.52}, {at: 6.02}], episodes: []},
        ];
        const notes = [{cue: "a", start: 4, end: 8}, {cue: "b", start: 9, end: null}];
        const up = (t) => m.upcoming(tracks, t).map((u) => [u.kind, u.at]);
        return {
          moments: m.momentTimes(tracks),
          up1: up(1), up7: up(7), up20: up(20),
          notes5: m.notesAt(notes, 5), notes8: m.notesAt(notes, 8.5), notes10: m.notesAt(notes, 10),
          cd: [m.countdown(65), m.countdown(65, 2), m.countdown(-3)],
          session: [m.sessionText(125000, 60), m.sessionText(3725000, 60)],
        };
        """,
    )
    assert got["moments"] == [0.52, 3, 5.5, 6.02, 14]
    assert got["up1"] == [["prompt", 6.02], ["rupture", 3]]
    assert got["up7"] == [["rupture", 14]] and got["up20"] == []
    assert [n["cue"] for n in got["notes5"]["now"]] == ["a"] and got["notes5"]["next"]["cue"] == "b"
    assert got["notes8"]["now"] == [] and got["notes8"]["next"]["cue"] == "b"
    assert [n["cue"] for n in got["notes10"]["now"]] == ["b"] and got["notes10"]["next"] is None
    assert got["cd"] == ["in 1:05", "in 0:33", "in 0:00"]
    assert got["session"] == [
        {"elapsed": "2:05", "left": "57:55", "over": False},
        {"elapsed": "1:02:05", "left": "2:05", "over": True},
    ]


def test_points_are_normalised_to_the_picture_not_the_box(run):  # noqa: F811
    got = run(
        "sync.js",
        """
        // a 4:3 picture in a 16:9 box (1600x900): bars of 200 px left and right
        const box = {left: 0, top: 0, width: 1600, height: 900};
        const n = (x, y) => m.normalisedPoint(box, 640, 480, x, y);
        const small = {width: 800, height: 450};
        return {
          centre: n(800, 450), corner: n(200, 0), bar: n(100, 450),
          back: m.placePoint(small, 640, 480, n(1400, 900)),
        };
        """,
    )
    assert got["centre"] == {"x": 0.5, "y": 0.5}
    assert got["corner"] == {"x": 0, "y": 0}
    assert got["bar"] is None  # outside the picture: no dot
    assert got["back"] == {"x": 700, "y": 450}  # the same spot in a smaller window
