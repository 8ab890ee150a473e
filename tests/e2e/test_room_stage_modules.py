"""room_stage.js buildView, in Debian's Chromium (no app): what the console sends the stage is
plain, bounded data of the chosen display only, and nothing for a display it does not know."""

from __future__ import annotations

import pytest

from tests.e2e.test_player_modules import js_url, run  # noqa: F401  (the module fixtures)

pytestmark = pytest.mark.e2e


def test_build_view_sends_only_plain_data_of_the_chosen_display(run):  # noqa: F811
    got = run(
        "room_stage.js",
        """
        const b = m.buildView;
        const long = "x".repeat(2000);
        return [
          b({display: "bars", question: "Q?", answered: 4, counts: {A: 1, B: 3}}),
          b({display: "approved", question: "Q?", texts: [long, {toString: () => "obj"}]}),
          b({display: "taps", density: [0, 2, "1"], taps_ms: [1, 2, 3]}),
          b({display: "join", code: "ABCD2345", join_url: "http://h/join/ABCD2345"}),
          b({display: "join", code: "<img src=x>"}),
          b({display: "score"}, {labels: []}), b({display: "score"}),
          b({display: "score", score: {ruptures: [{label: "X", at: 2, hit: 1, taps: 3,
              latency_ms: -500}], noticed: 1, of: 2, outside: 0}}, {labels: ["L"]}),
          b({display: "nothing"}), b({display: "everything", key: "secret"}), b(null),
        ];
        """,
    )
    assert got[0] == {
        "display": "bars",
        "question": "Q?",
        "answered": 4,
        "bars": [{"label": "A", "count": 1, "pct": 25}, {"label": "B", "count": 3, "pct": 75}],
        "note": "",
    }
    assert got[1]["texts"] == ["x" * 1000, "obj"]  # a whole answer (1,000 at most)
    assert got[2] == {"display": "taps", "bins": [0, 2, 1], "total": 3}
    assert got[3] == {"display": "join", "code": "ABCD2345", "url": "http://h/join/ABCD2345"}
    assert got[4] is None  # not a room code: no join card (it names the QR's address)
    assert got[5] == {"display": "score", "pending": True}  # the first poll's answer to come
    assert got[6] == {"display": "score", "unscored": True}  # no expert onsets in the console
    assert got[7]["ruptures"] == [
        {"label": "L", "at": 1, "hit": True, "taps": 3, "latency_ms": -500}
    ]
    assert got[8:] == [None, None, None]


def test_stage_url_carries_the_expert_onsets_so_the_server_scores_each_poll(run):  # noqa: F811
    got = run(
        "room_stage.js",
        """
        const room = {code: "ABCD2345", key: "k",
                      expert: {labels: ["L"], onsets_ms: [1000, 2000.4], window_ms: [2000, 10000]}};
        return [m.stageUrl(room, 12.5), m.stageUrl({code: "ABCD2345", key: "k"}, NaN)];
        """,
    )
    assert got == [
        "/room-api/ABCD2345/presenter/stage?duration_ms=12500"
        "&onsets=1000%2C2000&window=2000%2C10000",
        "/room-api/ABCD2345/presenter/stage?duration_ms=0",
    ]


def test_answers_page_whole_and_the_pager_says_what_comes_next(run):  # noqa: F811
    got = run(
        "room_pages.js",
        """return {
          fit: m.pageBreaks([100, 100, 100], 320, 10),
          two: m.pageBreaks([100, 100, 100], 300, 10),
          tall: m.pageBreaks([50, 500, 50], 300, 10),
          none: m.pageBreaks([], 300, 10),
          one: m.pagerText([[0, 3]], 0, 3),
          first: m.pagerText([[0, 2], [2, 3]], 0, 3),
          last: m.pagerText([[0, 2], [2, 3]], 1, 3),
          last_by_hand: m.pagerText([[0, 2], [2, 3]], 1, 3, true),
          first_by_hand: m.pagerText([[0, 2], [2, 3]], 0, 3, true),
          min: m.MIN_TEXT_PX,
        }""",
    )
    assert got["fit"] == [[0, 3]]  # 100 + 10 + 100 + 10 + 100 = 320: fits exactly
    assert got["two"] == [[0, 2], [2, 3]]
    assert got["tall"] == [[0, 1], [1, 2], [2, 3]]  # too tall alone: a page of its own
    assert got["none"] == []
    assert got["one"] == "3 answers"
    assert got["first"] == "1–2 of 3 answers · 1 more next"
    assert got["last"] == "3 of 3 answers · then from the first"
    # turned by the presenter: the last page stays, so the line does not promise the first
    assert got["last_by_hand"] == "3 of 3 answers"
    assert got["first_by_hand"] == "1–2 of 3 answers · 1 more next"
    assert got["min"] == 16
