"""The player's pure ES modules (model, prompts, layout, keyboard) in Debian's Chromium.

The player folder is served on 127.0.0.1 and imported into a blank page: no Streamlit, no
video. Each test runs a script with ``m`` (the imported module) and returns what it saw.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_lens.player.keys import key_table

pytestmark = pytest.mark.e2e

PLAYER_DIR = Path(__file__).resolve().parents[2] / "alliance_lens" / "player"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def js_url() -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(PLAYER_DIR))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def run(browser, js_url):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(js_url + "/")  # a page of this origin: module imports need one

    def run_js(module: str, body: str, arg: object = None):
        script = f"async (arg) => {{ const m = await import('/js/{module}'); {body} }}"
        return page.evaluate(script, arg)

    yield run_js
    assert not errors, errors
    context.close()


# ---------------------------------------------------------------- model: frames and times


def test_frame_snapping(run):
    got = run(
        "model.js",
        """return {
          at052: m.frameOf(0.52, 25),            // 13.000000000000002 * ... -> frame 13
          below: m.frameOf(0.29, 100),           // 28.999999999999996 -> frame 29, not 28
          start: m.frameOf(0, 25),
          justBefore: m.frameOf(0.5199, 25),
          middle: m.frameMiddle(13, 25),
          shown: m.frameAtMediaTime(0.52, 25),
          last: m.lastFrame(10, 25),
          lastOdd: m.lastFrame(10.01, 25),
          clampHigh: m.clampFrame(400, 10, 25),
          clampLow: m.clampFrame(-3, 10, 25),
        }""",
    )
    assert got == {
        "at052": 13,
        "below": 29,
        "start": 0,
        "justBefore": 12,
        "middle": 0.54,
        "shown": 13,
        "last": 249,
        "lastOdd": 250,
        "clampHigh": 249,
        "clampLow": 0,
    }


def test_time_text_and_spoiler_free_jumps(run):
    got = run(
        "model.js",
        """const tracks = [
             {cues: [{start: 1}, {start: 4}, {start: 9}], episodes: [{onset: 3}, {onset: 14}]},
             {cues: [{start: 4}], episodes: []}];
           return {
             fmt: [m.fmt(0), m.fmt(65.9), m.fmt(3725), m.fmt(-1), m.fmt(NaN)],
             learner: m.cueTimes(tracks, 5),
             review: m.cueTimes(tracks, Infinity),
             onsets: m.onsetTimes(tracks, 3),
             next: m.stepTarget([1, 4, 9], 4, 1),
             prevNear: m.stepTarget([1, 4, 9], 4.2, -1),
             none: m.stepTarget([1, 4, 9], 9, 1) === undefined,
           }""",
    )
    assert got["fmt"] == ["0:00", "1:05", "1:02:05", "0:00", "0:00"]
    assert got["learner"] == [1, 4]  # 9 s has not played yet
    assert got["review"] == [1, 4, 9]
    assert got["onsets"] == [3]
    assert got["next"] == 9
    assert got["prevNear"] == 1  # within half a second of a cue: the one before it
    assert got["none"] is True


# ---------------------------------------------------------------- prompts: the state machine

PROMPTS_JS = """
const t1 = {id: "a", prompts: [
  {id: "p1", at: 0.52}, {id: "p2", at: 6.02, rewind_to: 3.0}, {id: "p3", at: 15.5}]};
const t2 = {id: "b", prompts: [{id: "q1", at: 6.02}]};
const model = await import('/js/model.js');
const c = new m.PromptClock();
c.configure({prompts: model.promptList([t1, t2]), fps: 25, mode: arg || "learner"});
c.rearm(0);
const keys = () => [...c.armed].sort();
const due = (t) => { const d = c.check(t, true); return d && [d.prompt.key, d.snapTo]; };
"""


def test_prompt_fires_on_the_covering_frame_and_snaps_there(run):
    got = run(
        "prompts.js",
        PROMPTS_JS
        + """const out = {};
        out.early = due(0.48);                       // frame 12: not yet
        out.paused = c.check(0.6, false);            // paused: never fires
        out.first = due(0.52);                       // frame 13 covers 0.52 s
        out.armedAfter = keys();
        out.ownSeek = c.seeking(0.54);               // our snap: no re-arm, nothing to close
        out.armedAfterOwnSeek = keys();
        c.seeked();
        c.open(c.prompts[0], null);
        out.whileOpen = due(7);                      // an open prompt blocks the next
        return out;""",
    )
    assert got["early"] is None and got["paused"] is None
    assert got["first"] == ["a/p1", 0.54]
    assert got["armedAfter"] == ["a/p2", "a/p3", "b/q1"]
    assert got["ownSeek"] is False
    assert got["armedAfterOwnSeek"] == ["a/p2", "a/p3", "b/q1"]
    assert got["whileOpen"] is None


def test_seeks_rearm_from_the_new_time(run):
    got = run(
        "prompts.js",
        PROMPTS_JS
        + """const out = {};
        due(0.52); c.seeked();
        out.forward = c.seeking(7.0); c.seeked();    // past p2 and q1: they do not fire
        out.afterForward = keys();
        out.at8 = due(8.0);
        out.back = c.seeking(0.0); c.seeked();       // back to the start: all again
        out.afterBack = keys();
        out.exact = (c.seeking(6.02), keys());       // a seek onto a prompt's time arms it
        c.open(c.prompts[1], null);
        out.closesOpen = c.seeking(1.0);             // a viewer's seek closes the open prompt
        return out;""",
    )
    assert got["forward"] is False
    assert got["afterForward"] == ["a/p3"]
    assert got["at8"] is None
    assert got["afterBack"] == ["a/p1", "a/p2", "a/p3", "b/q1"]
    assert got["exact"] == ["a/p2", "a/p3", "b/q1"]
    assert got["closesOpen"] is True


def test_skipped_frames_at_a_higher_rate_still_stop_on_the_prompt_frame(run):
    # At rate 2 the frame callback may never report frame 387 (15.5 s): the next one
    # reported fires the prompt, and the snap goes back to the covering frame.
    got = run(
        "prompts.js",
        PROMPTS_JS
        + """c.rearm(14.0);
        return [due(15.44), due(15.60)];""",
    )
    assert got[0] is None
    assert got[1] == ["a/p3", 387.5 / 25]


def test_two_prompts_on_one_frame_open_one_after_the_other(run):
    got = run(
        "prompts.js",
        PROMPTS_JS
        + """c.rearm(5.0);
        const first = c.check(6.04, true);
        c.open(first.prompt, null);
        c.reveal(); c.close();
        const second = c.nextOnFrame(6.0);           // the frame on screen: frame 150
        const third = c.nextOnFrame(6.0);
        return [first.prompt.key, second && second.key, third];""",
    )
    assert got == ["a/p2", "b/q1", None]


def test_reveal_and_stop_and_rewind(run):
    got = run(
        "prompts.js",
        PROMPTS_JS
        + """const out = {};
        c.rearm(5.0);
        const d = c.check(6.02, true);
        c.seeked();                                  // the snap's own seek has finished
        const a = c.open(d.prompt, {choice: "Withdrawal"});
        out.state = a.state; out.answer = a.answer;
        out.reveal = c.reveal(); out.again = c.reveal(); out.revealed = c.active.state;
        out.to = c.rewind();
        out.open = c.active;
        out.closes = c.seeking(out.to); c.seeked();  // the player seeks there: re-armed
        out.armed = keys();
        c.open(c.prompts[0], null);
        out.noRewind = c.rewind();                   // p1 has no rewind point
        return out;""",
    )
    assert got["state"] == "ask" and got["answer"] == {"choice": "Withdrawal"}
    assert got["reveal"] is True and got["again"] is False and got["revealed"] == "revealed"
    assert got["to"] == 3.0 and got["open"] is None and got["closes"] is False
    assert got["armed"] == ["a/p2", "a/p3", "b/q1"]
    assert got["noRewind"] is None


@pytest.mark.parametrize("mode", ["review", "author"])
def test_prompts_never_arm_outside_learner_and_presenter(run, mode):
    assert run("prompts.js", PROMPTS_JS + "return [keys(), due(0.6)];", mode) == [[], None]


def test_presenter_mode_arms_prompts(run):
    assert run("prompts.js", PROMPTS_JS + "return due(0.6);", "presenter") == ["a/p1", 0.54]


# ---------------------------------------------------------------- timeline layout


def test_overlapping_episodes_get_lanes(run):
    got = run(
        "layout.js",
        """const eps = [
             {id: "late", onset: 20, resolved: null},
             {id: "a", onset: 0, resolved: 5},
             {id: "b", onset: 3, resolved: 8},
             {id: "c", onset: 5, resolved: 9},     // starts as a ends: a's lane is free
             {id: "d", onset: 4, resolved: 6}];    // a and b both running: a third lane
           const {spans, lanes} = m.layoutEpisodes(eps, 21);
           return {lanes, spans: spans.map((s) => [s.ep.id, s.lane, s.start, s.end]),
                   one: m.laneStyle(0, 1), second: m.laneStyle(1, 2),
                   pct: [m.pct(5, 20), m.pct(-1, 20), m.pct(30, 20)]};""",
    )
    assert got["lanes"] == 3
    assert got["spans"] == [  # the given order, each with its lane
        ["late", 0, 20, 21],  # unresolved: a short span, cut at the end of the video
        ["a", 0, 0, 5],
        ["b", 1, 3, 8],
        ["c", 0, 5, 9],
        ["d", 2, 4, 6],
    ]
    assert got["one"] == ""  # one lane: the stylesheet's own layout, as before
    assert got["second"] == "top:calc(50% + 1px);bottom:auto;height:calc(50% - 2px);"
    assert got["pct"] == ["25%", "0%", "100%"]


def test_no_overlap_means_one_lane(run):
    got = run(
        "layout.js",
        """const eps = [
             {onset: 1, resolved: 2}, {onset: 2, resolved: 3}, {onset: 10, resolved: null}];
           const r = m.layoutEpisodes(eps, 60);
           return [r.lanes, r.spans.map((s) => s.lane), m.layoutEpisodes([], 60).lanes];""",
    )
    assert got == [1, [0, 0, 0], 1]


# ---------------------------------------------------------------- keyboard


def test_keys_map_to_actions_from_the_python_table(run):
    got = run(
        "keyboard.js",
        """const t = arg;
        const act = (mode, e, target = {tagName: "DIV"}, helpOpen = false) =>
          m.actionFor({key: "", code: "", ...e}, {mode, table: t, target, helpOpen});
        return {
          onset: act("review", {key: "]"}),
          upper: act("review", {key: "N"}),
          space: act("learner", {key: " "}),
          spaceOnButton: act("learner", {key: " "}, {tagName: "BUTTON"}),
          typing: act("learner", {key: "n"}, {tagName: "TEXTAREA"}),
          textInput: act("learner", {key: "n"}, {tagName: "INPUT", type: "text"}),
          radio: act("learner", {key: "r"}, {tagName: "INPUT", type: "radio"}),
          ctrl: act("review", {key: "c", ctrlKey: true}),
          escClosed: act("review", {key: "Escape"}),
          escOpen: act("review", {key: "Escape"}, {tagName: "DIV"}, true),
          markInReview: act("review", {key: "o"}),
          markInAuthor: act("author", {key: "o"}),
          frame: act("author", {key: ",", code: "Comma"}),
          shiftFrame: act("author", {key: "<", code: "Comma", shiftKey: true}),
          altNudge: act("author", {key: "≥", code: "Period", altKey: true}),
          altShift: act("author", {key: "¯", code: "Period", altKey: true, shiftKey: true}),
          commaInLearner: act("learner", {key: ",", code: "Comma"}),
          altLetter: act("author", {key: "ø", code: "KeyO", altKey: true}),
          undo: act("author", {key: "z", ctrlKey: true}),
          redo: act("author", {key: "Z", ctrlKey: true, shiftKey: true}),
          redoY: act("author", {key: "y", metaKey: true}),
          undoInReview: act("review", {key: "z", ctrlKey: true}),
          undoTyping: act("author", {key: "z", ctrlKey: true}, {tagName: "TEXTAREA"}),
          ctrlComma: act("author", {key: ",", code: "Comma", ctrlKey: true}),
          help: m.rowsFor(t, "learner").map((r) => r.keys),
        };""",
        key_table(),
    )
    assert got["onset"] == "onset_forward" and got["upper"] == "cue_forward"
    assert got["space"] == "play" and got["spaceOnButton"] is None
    assert got["typing"] is None and got["textInput"] is None and got["radio"] == "reveal"
    assert got["ctrl"] is None
    assert got["escClosed"] is None and got["escOpen"] == "close_help"
    assert got["markInReview"] is None and got["markInAuthor"] == "mark:onset"
    assert got["frame"] == "frame_back" and got["shiftFrame"] == "ms_back"
    assert got["altNudge"] == "nudge_frame_forward" and got["altShift"] == "nudge_ms_forward"
    assert got["commaInLearner"] is None and got["altLetter"] is None
    assert got["undo"] == "undo" and got["redo"] == "redo" and got["redoY"] == "redo"
    assert got["undoInReview"] is None and got["undoTyping"] is None  # the browser's own undo
    assert got["ctrlComma"] is None
    assert got["help"] == ["Space", "← / →", "[ / ]", "P / N", "C", "R", "F", "?", "Esc"]


def test_every_action_in_the_table_is_one_the_player_runs(run):
    known = run("actions.js", "return Object.keys(m.ACTIONS);")
    actions = {a for row in key_table() for _, a in row["bindings"]}
    missing = [a for a in actions if not a.startswith("mark:") and a not in known]
    assert not missing, missing
    marks = {a[5:] for a in actions if a.startswith("mark:")}
    assert marks == {"cue", "onset", "resolution", "prompt", "chapter", "in", "out"}
    assert json.dumps(key_table(), ensure_ascii=False)  # JSON-ready for the component data


VIEW_JS = """
const host = document.createElement("div");
document.body.append(host);
const shadow = host.attachShadow({mode: "open"});
const style = document.createElement("style");
style.textContent = await (await fetch("/player.css")).text();
shadow.append(style);
const ep = (id, onset, resolved) => ({id, onset, resolved, title: id, type: "withdrawal",
  type_label: "Withdrawal", markers: [], repairs: [], resolution: null});
const data = {mode: "review", keys: arg, chapters: [], answers: {},
  video: {src: null, duration: 60, fps: 25},
  rupture_types: {withdrawal: {colour: "#1f77b4", letter: "W", pattern: "dots"}},
  tracks: [
    {id: "t", name: "T", colour: "#333", cues: [], prompts: [],
     episodes: [ep("a", 10, 30), ep("b", 20, 40), ep("c", 35, 50)]},
    {id: "u", name: "U", colour: "#666", cues: [], prompts: [], episodes: [ep("d", 10, 30)]}]};
const cleanup = m.default({data, parentElement: shadow, setTriggerValue: () => {}});
const box = (id) => shadow.querySelector(`.al-episode[data-id=${id}]`).getBoundingClientRect();
const rows = [...shadow.querySelectorAll(".al-row:not(.al-row-chapters)")];
const out = {
  lanes: rows.map((r) => r.dataset.lanes),
  heights: rows.map((r) => r.getBoundingClientRect().height),
  a: box("a"), b: box("b"), c: box("c"), d: box("d"),
  help: [...shadow.querySelectorAll(".al-helpbox kbd")].map((k) => k.textContent),
};
cleanup();
out.cleaned = shadow.querySelector(".al-player") === null;
return out;
"""


def test_timeline_view_stacks_overlapping_episodes(run):
    got = run("index.js", VIEW_JS, key_table())
    assert got["lanes"] == ["2", "1"]
    assert got["heights"][0] > got["heights"][1]  # two lanes need a taller row
    a, b, c, d = got["a"], got["b"], got["c"], got["d"]
    assert b["top"] >= a["bottom"]  # b overlaps a in time: below it, not over it
    assert abs(c["top"] - a["top"]) < 0.5  # c starts after a ends: back in the first lane
    assert b["x"] > a["x"] and abs(a["width"] - d["width"]) < 0.5
    assert d["height"] > a["height"]  # a lone episode keeps the full row height
    assert got["help"] == ["Space", "← / →", "[ / ]", "P / N", "C", "R", "F", "?", "Esc"]
    assert got["cleaned"]


# ---------------------------------------------------------------- the virtual commentary list


def test_virtual_list_window(run):
    got = run(
        "vlist.js",
        """const h = [10, 20, 30, 40, 50];
        const o = m.prefixSums(h, 5);
        return {
          offsets: Array.from(o),
          part: Array.from(m.prefixSums(h, 2)),
          rows: [-5, 0, 9.9, 10, 29, 30, 149, 150, 999].map((y) => m.rowAt(o, 5, y)),
          empty: m.rowAt(new Float64Array(1), 0, 10),
          top: m.visibleWindow(o, 5, 0, 25, 0),       // rows 0 and 1 (0..24 px)
          mid: m.visibleWindow(o, 5, 30, 30, 0),      // row 2 only (30..59 px)
          over: m.visibleWindow(o, 5, 30, 30, 1),
          clamp: m.visibleWindow(o, 5, 100, 1000, 8),
          none: m.visibleWindow(new Float64Array(1), 0, 0, 500, 8),
        };""",
    )
    assert got["offsets"] == [0, 10, 30, 60, 100, 150]
    assert got["part"] == [0, 10, 30]
    assert got["rows"] == [0, 0, 0, 1, 1, 2, 4, 4, 4]
    assert got["empty"] == 0
    assert got["top"] == {"start": 0, "end": 2}
    assert got["mid"] == {"start": 2, "end": 3}
    assert got["over"] == {"start": 1, "end": 4}
    assert got["clamp"] == {"start": 0, "end": 5}
    assert got["none"] == {"start": 0, "end": 0}


def test_virtual_list_reveal_count_and_scroll_target(run):
    got = run(
        "vlist.js",
        """const t = [1, 2, 2, 5, 9];
        return {
          counts: [0, 1, 1.999, 2, 4.9, 5, 100].map((x) => m.countUpTo(t, x)),
          none: m.countUpTo([], 3),
          inView: m.scrollTarget(100, 50, 80, 200),       // 100..150 inside 80..280
          below: m.scrollTarget(400, 50, 80, 300),        // a third down the view
          above: m.scrollTarget(20, 50, 80, 300),
          atTop: m.scrollTarget(10, 50, 300, 90),
        };""",
    )
    assert got["counts"] == [0, 1, 1, 3, 3, 4, 5]
    assert got["none"] == 0
    assert got["inView"] is None
    assert got["below"] == 300 and got["above"] == 0 and got["atTop"] == 0


BIG_LIST_JS = """
const host = document.createElement("div");
host.style.width = "1200px";
document.body.append(host);
const shadow = host.attachShadow({mode: "open"});
const style = document.createElement("style");
style.textContent = await (await fetch("/player.css")).text();
shadow.append(style);
const n = arg.n;
const cues = Array.from({length: n}, (_, i) => ({id: `c${i}`, start: 1 + i * 0.5,
  end: 1.5 + i * 0.5, lens: "x", lens_label: "Lens", lens_colour: "#333",
  html: `<p>Cue number ${i}</p>`}));
const prompts = [{id: "q", at: 10.25, kind: "text", question_html: "<p>Q?</p>", options: [],
  reveal_html: "<p>R</p>"}];
const data = {mode: arg.mode, keys: arg.keys, chapters: [], answers: {},
  video: {src: null, duration: n * 0.5 + 2, fps: 25}, rupture_types: {},
  tracks: [{id: "t", name: "T", colour: "#333", cues, prompts, episodes: []}]};
const cleanup = m.default({data, parentElement: shadow, setTriggerValue: () => {}});
// a big track is drawn in parts, a frame apart (trackload.drawInParts): wait for the last
const player = shadow[Symbol.for("allianceLens.player")];
while (player.drawPending) await new Promise((r) => requestAnimationFrame(r));
const list = shadow.querySelector(".al-cues");
const rows = () => [...list.querySelectorAll("li.al-cue")];
const ids = () => rows().map((li) => li.dataset.id || li.dataset.prompt);
const first = {count: rows().length, ids: ids().slice(0, 3),
  setsize: rows()[0] && rows()[0].getAttribute("aria-setsize"),
  pos: rows().map((li) => Number(li.getAttribute("aria-posinset"))),
  height: list.scrollHeight, box: list.clientHeight};
list.scrollTo({top: list.scrollHeight, behavior: "instant"});
await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const last = {count: rows().length, ids: ids().slice(-2), box: list.clientHeight,
  seen: list.scrollTop + list.clientHeight >= list.scrollHeight - 2};
cleanup();
return {first, last};
"""


def test_virtual_list_renders_only_the_rows_in_view(run):
    n = 5000
    got = run("index.js", BIG_LIST_JS, {"n": n, "mode": "review", "keys": key_table()})
    first, last = got["first"], got["last"]
    assert 0 < first["count"] <= 60, first["count"]  # a screenful plus overscan, not 5,001
    assert first["ids"] == ["c0", "c1", "c2"]
    assert first["setsize"] == str(n + 1)  # the prompt is a row in review mode
    assert first["pos"] == list(range(1, first["count"] + 1))
    assert first["height"] > 50 * n  # the scrollbar stands for every row
    assert 0 < last["count"] <= 60, last["count"]
    assert last["ids"] == [f"c{n - 2}", f"c{n - 1}"] and last["seen"]
    assert first["box"] == last["box"] < 1000  # the list keeps its size; its content scrolls


def test_virtual_list_in_learner_mode_holds_nothing_unplayed(run):
    # no video: nothing has played, so no row (not even a hidden one) is in the DOM
    got = run("index.js", BIG_LIST_JS, {"n": 500, "mode": "learner", "keys": key_table()})
    assert got["first"]["count"] == 0 and got["last"]["count"] == 0


def test_track_data_lines_assemble_into_tracks(run):
    got = run(
        "trackload.js",
        """const head = JSON.stringify({version: 1, mode: "learner", tracks: [
          {id: "a", name: "A", prompts: [], cue_count: 2},
          {id: "empty", name: "E", prompts: [], cue_count: 0},
          {id: "b", name: "B", prompts: [], cue_count: 1}]});
        const cue = (id) => JSON.stringify({id, start: 1, html: "<p>x\\ny</p>"});
        const feed = (lines) => { const a = m.assembler(); lines.forEach((l) => a.line(l));
                                  return a.result(); };
        const fails = (lines) => { try { feed(lines); return false; } catch { return true; } };
        return {
          tracks: feed([head, cue("c1"), cue("c2"), "", cue("c3")]),
          short: fails([head, cue("c1"), cue("c2")]),
          long: fails([head, cue("c1"), cue("c2"), cue("c3"), cue("c4")]),
          none: fails([]),
          big: m.isBig([{cues: Array(600)}, {cues: Array(600)}]),
          small: m.isBig([{cues: Array(600)}]),
        };""",
    )
    assert [(t["id"], [c["id"] for c in t["cues"]]) for t in got["tracks"]] == [
        ("a", ["c1", "c2"]),
        ("empty", []),
        ("b", ["c3"]),
    ]
    assert "cue_count" not in got["tracks"][0] and "cueCount" not in got["tracks"][0]
    assert got["tracks"][0]["cues"][0]["html"] == "<p>x\ny</p>"
    assert got["short"] and got["long"] and got["none"]
    assert got["big"] and not got["small"]


def test_a_drag_snaps_to_the_start_of_the_frame_under_the_pointer(run):
    got = run(
        "model.js",
        """const at = (x) => m.timeAtX(x, 100, 1000, 24, 25);  // 1000 px for 24 s at 25 fps
        return {
          start: at(100), middle: at(600), past: at(5000), before: at(0),
          inFrame: at(100 + 9.05 / 24 * 1000), zeroWidth: m.timeAtX(50, 0, 0, 24, 25),
          body: m.dragEdge(150, 100, 300, true), edge: m.dragEdge(296, 100, 300, true),
          noEnd: m.dragEdge(296, 100, 300, false), tiny: m.dragEdge(110, 100, 112, true),
        };""",
    )
    assert got["start"] == 0 and got["middle"] == 12 and got["before"] == 0
    assert got["past"] == 23.96  # the last frame's start, not the end of the video
    assert got["inFrame"] == 9.04  # 9.05 s lies in frame 226, which starts at 9.04 s
    assert got["zeroWidth"] == 0
    assert (got["body"], got["edge"], got["noEnd"], got["tiny"]) == ("in", "out", "in", "in")


# ---------------------------------------------------------------- model: multi and marker prompts


def test_option_modes_expert_options_and_several_verdicts(run):
    got = run(
        "model.js",
        """const multi = {kind: "multi", options: ["A", "B", "C"], correct: ["A", "B"]};
        const one = {kind: "marker", options: ["X", "Y"], correct: ["X"]};
        return {
          modes: [m.optionMode({kind: "choice"}), m.optionMode(multi), m.optionMode(one),
                  m.optionMode({kind: "marker", correct: ["X", "Y"]}),
                  m.optionMode({kind: "text"})],
          expert: multi.options.map((o) => m.isExpertOption(multi, o)),
          choiceExpert: m.isExpertOption({kind: "choice", expected: "Y"}, "Y"),
          same: m.severalVerdict(["B", "A"], multi.correct, false),
          mixed: m.severalVerdict(["A", "C"], multi.correct, false),
          room: m.severalVerdict(null, multi.correct, true),
          none: m.severalVerdict(["A"], [], false),
        }""",
    )
    assert got["modes"] == ["one", "several", "one-of-several", "several", None]
    assert got["expert"] == [True, True, False] and got["choiceExpert"] is True
    assert got["same"] == 'You chose "B", "A": the same as the expert.'
    assert got["mixed"] == (
        'You chose "A", "C". The expert also chose "B". The expert did not choose "C".'
    )
    assert got["room"] == 'The expert\'s answer: "A", "B"' and got["none"] == ""


def test_skipped_prompts_are_the_unanswered_ones_ahead_of_what_was_played(run):
    got = run(
        "skip_guard.js",
        """const ps = [1.5, 10, 15, 30].map((at, i) => ({prompt: {at}, key: `t/p${i}`}));
        const keys = (xs) => xs.map((p) => p.key);
        return {
          all: keys(m.skippedPrompts(ps, {}, 0, 0, 20)),
          answered: keys(m.skippedPrompts(ps, {"t/p1": {text: "x"}}, 0, 0, 20)),
          played: keys(m.skippedPrompts(ps, {}, 0, 12, 20)),
          back: keys(m.skippedPrompts(ps, {}, 20, 20, 5)),
          onIt: keys(m.skippedPrompts(ps, {}, 10, 10, 15)),
        }""",
    )
    assert got == {
        "all": ["t/p0", "t/p1", "t/p2"],
        "answered": ["t/p0", "t/p2"],
        "played": ["t/p2"],
        "back": [],
        "onIt": [],  # a prompt at the very point sought to still fires
    }
