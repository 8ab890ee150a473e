"""The room view's pure parts, imported into a blank page (as test_player_modules.py does):
which moments get a call-out and when, what the legend names, how a long reveal pages."""

from __future__ import annotations

import pytest

from tests.e2e.test_player_modules import js_url, run  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e

TRACKS = """[{id: 't', episodes: [
  {id: 'a', type: 'withdrawal', type_label: 'Withdrawal', title: 'Goes quiet', onset: 1.0,
   repairs: [{at: 1.6, strategies: [{label: 'Invites feelings'}], outcome: 'helped'},
             {at: 1.8, strategies: [], outcome: 'did_not_help'}]},
  {id: 'b', type: 'untyped', type_label: 'Type not chosen yet', title: '', onset: 0.52,
   repairs: []}]}]"""


def test_call_out_moments_and_when_they_are_due(run):  # noqa: F811
    got = run(
        "callout.js",
        f"""const ms = m.calloutMoments({TRACKS}, 25);
        return {{
          moments: ms.map(x => [x.frame, x.kind, x.head, x.detail]),
          playing: m.dueMoments(ms, 24, 25).map(x => x.key),      // crossed onto the onset
          skipped: m.dueMoments(ms, 23, 27).map(x => x.key),      // a dropped frame
          before: m.dueMoments(ms, 23, 24).map(x => x.key),
          after: m.dueMoments(ms, 25, 26).map(x => x.key),        // once only
          backwards: m.dueMoments(ms, 30, 25).map(x => x.key),
          landed: m.dueMoments(ms, null, 25).map(x => x.key),     // a seek onto the onset
          past: m.dueMoments(ms, null, 26).map(x => x.key),       // a seek past it: nothing
          modes: [...m.CALLOUT_MODES].sort(),
        }}""",
    )
    assert got["moments"] == [
        [13, "onset", "Rupture begins", ""],
        [25, "onset", "Rupture begins: withdrawal", "Goes quiet"],
        [40, "repair", "Repair begins", "Invites feelings"],
        [45, "repair", "Repair attempt (did not help)", ""],
    ]
    assert got["playing"] == got["skipped"] == got["landed"] == ["t/a"]
    assert got["before"] == got["after"] == got["backwards"] == got["past"] == []
    assert got["modes"] == ["presenter", "review"]  # never learner or practice


def test_the_legend_names_what_is_drawn_and_gives_nothing_away(run):  # noqa: F811
    got = run(
        "legend.js",
        """const types = {
          withdrawal: {letter: 'W', label: 'Withdrawal', pattern: 'dots', colour: '#0072B2'},
          confrontation: {letter: 'C', label: 'Confrontation', pattern: 'stripes',
                          colour: '#D55E00'}};
        const used = m.newUsage();
        used.types.add('withdrawal'); used.repair = true; used.prompt = true; used.chapter = true;
        const ids = (mode) => m.legendEntries(used, types, mode).map(e => e.id);
        const empty = m.legendEntries(m.newUsage(), types, 'review').map(e => e.id);
        return {review: ids('review'), learner: ids('learner'), presenter: ids('presenter'),
                empty};""",
    )
    assert got["review"] == ["type:withdrawal", "repair", "prompt", "chapter"]
    # learners and a presenter's room see both standard kinds, whatever this video holds: no
    # hint of what is coming
    assert (
        got["presenter"]
        == got["learner"]
        == [
            "type:withdrawal",
            "type:confrontation",
            "repair",
            "prompt",
            "chapter",
        ]
    )
    assert got["empty"] == []


def test_reveal_pages(run):  # noqa: F811
    got = run(
        "prompt_fit.js",
        """return {
          one: m.pageCount(400, 400, 40), three: m.pageCount(1280, 400, 40),
          blank: m.pageCount(0, 0, 40),
          next: m.turnTo(0, 3, 1), last: m.turnTo(2, 3, 1), prev: m.turnTo(0, 3, -1),
        }""",
    )
    assert got == {"one": 1, "three": 3, "blank": 1, "next": 1, "last": None, "prev": None}
