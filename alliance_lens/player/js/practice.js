// Practice mode (issue 12): the learner marks "a rupture starts here" blind, at the frame on
// screen, may name its type and markers, and sends all marks to Python once, at the end
// (trigger "practice"): nothing reaches Python while the video plays. A track with
// `feedback: chapter` also pauses at each chapter's end (`stops`) and sends the marks so far,
// so the page can show that chapter's feedback; the attempt goes on from there.

import { el } from "./dom.js";
import { pct } from "./layout.js";
import { fmt } from "./model.js";
import { shownTime } from "./author.js";

export const NUDGE_STEP = 0.5; // seconds a nudge moves the last mark

const btn = (cls, label, onclick, text, extra = {}) =>
  el(
    "button",
    { class: `al-btn ${cls}`.trim(), type: "button", "aria-label": label, onclick, ...extra },
    text,
  );

/** Build the practice bar once (hidden outside practice mode). */
export function build(p) {
  const s = { marks: [], finished: false, src: null, typeBtns: {}, stopped: new Set() };
  p.practice = s;
  s.markBtn = btn("al-practice-mark", "Mark: a rupture starts here (M)", () => mark(p), "", {
    "aria-keyshortcuts": "M",
  });
  s.markBtn.append(el("span", {}, "A rupture starts here"), el("kbd", {}, "M"));
  s.undoBtn = btn("al-practice-undo", "Undo the last mark (U)", () => undo(p), "Undo (U)", {
    "aria-keyshortcuts": "U",
  });
  s.finishBtn = btn(
    "al-practice-finish",
    "Finish and see your feedback",
    () => finish(p, "finish"),
    "Finish",
  );
  s.status = el("p", { class: "al-practice-status", "aria-live": "polite" });
  s.earlier = btn(
    "al-practice-nudge",
    "Move the last mark half a second earlier (,)",
    () => nudge(p, -NUDGE_STEP),
    "◂ 0.5 s",
  );
  s.later = btn(
    "al-practice-nudge",
    "Move the last mark half a second later (.)",
    () => nudge(p, NUDGE_STEP),
    "0.5 s ▸",
  );
  s.types = el("div", {
    class: "al-practice-types",
    role: "group",
    "aria-label": "Type of the last mark",
  });
  s.markers = el("div", {
    class: "al-practice-markers",
    role: "group",
    "aria-label": "Markers of the last mark (optional)",
  });
  s.choice = el(
    "div",
    { class: "al-practice-choice", hidden: true },
    s.types,
    s.earlier,
    s.later,
    s.markers,
  );
  s.list = el("ol", { class: "al-practice-list", "aria-label": "Your marks" });
  s.bar = el(
    "section",
    { class: "al-practice", "aria-label": "Practice: mark the ruptures you notice", hidden: true },
    el("div", { class: "al-practice-row" }, s.markBtn, s.undoBtn, s.finishBtn),
    s.status,
    s.choice,
    s.list,
  );
  // beside the picture, where the commentary panel would be: the Mark button stays in view
  // at 1280×720 without scrolling (below the controls it fell under the fold)
  p.side.after(s.bar);
  p.video.addEventListener("ended", () => {
    if (p.mode === "practice") finish(p, "ended");
  });
}

/** Show or hide the bar for the mode; a new video starts a fresh attempt. */
export function render(p) {
  const s = p.practice;
  s.bar.hidden = p.mode !== "practice";
  if (p.mode !== "practice") return;
  if (s.src !== p.src) {
    s.src = p.src;
    s.marks = [];
    s.finished = false;
    s.stopped = new Set();
  }
  draw(p);
}

function last(p) {
  const m = p.practice.marks;
  return m.length ? m[m.length - 1] : null;
}

// The frame on screen: while playing, the frame callback's mediaTime; paused, as for authors.
function frameNow(p) {
  if (!p.video.paused && p.frameTime != null) return p.frameTime;
  return shownTime(p) || 0;
}

export function mark(p) {
  const s = p.practice;
  if (s.finished) return;
  s.marks.push({ at: frameNow(p), type: null, markers: [] });
  s.marks.sort((a, b) => a.at - b.at);
  draw(p, `Marked at ${fmt(last(p).at)}. Its type and markers are optional (1 / 2).`);
}

export function undo(p) {
  const s = p.practice;
  if (s.finished || !s.marks.length) return;
  const gone = s.marks.pop();
  draw(p, `Removed the mark at ${fmt(gone.at)}.`);
}

export function nudge(p, by) {
  const m = last(p);
  if (p.practice.finished || !m) return;
  m.at = Math.max(0, Math.min(p.duration(), m.at + by));
  draw(p, `Last mark moved to ${fmt(m.at)}.`);
}

export function setType(p, type) {
  const m = last(p);
  if (p.practice.finished || !m) return;
  if (m.type !== type) m.markers = []; // markers belong to a type
  m.type = m.type === type ? null : type;
  draw(p);
}

function toggleMarker(p, id) {
  const m = last(p);
  if (p.practice.finished || !m) return;
  m.markers = m.markers.includes(id) ? m.markers.filter((x) => x !== id) : [...m.markers, id];
  draw(p);
}

const sent = (s) =>
  s.marks.map((m) => ({ at_ms: Math.round(m.at * 1000), type: m.type, markers: m.markers }));

/** Send every mark to Python, once: the video ended or the learner pressed Finish. */
export function finish(p, reason) {
  const s = p.practice;
  if (s.finished) return;
  s.finished = true;
  p.video.pause();
  draw(p, "Finished: your feedback is below the player.");
  p.trigger("practice", { marks: sent(s), reason });
}

/**
 * Each frame on screen (the player's frame callback): playing across a chapter's end (a
 * stop) pauses there, once per stop and attempt, and sends the marks so far. Like a prompt,
 * it stops when the *next* frame would cross the point; a seek across it does not count.
 */
export function onFrame(p, mediaTime) {
  const s = p.practice;
  const before = s.lastFrame;
  s.lastFrame = mediaTime;
  if (p.mode !== "practice" || s.finished || p.video.paused || before == null) return;
  if (mediaTime < before || mediaTime - before > 1) return; // a seek, not play
  const next = mediaTime + 1 / (p.fps || 25);
  const stops = (p.data.practice && p.data.practice.stops) || [];
  const stop = stops.find((t) => !s.stopped.has(t) && before < t && next > t);
  if (stop === undefined) return;
  s.stopped.add(stop);
  p.video.pause();
  draw(p, "End of a chapter: its feedback is below the player. Press Space to go on.");
  p.trigger("practice", { marks: sent(s), reason: "chapter", until_ms: Math.round(stop * 1000) });
}

/** Retry (a command from the page): forget the marks and start from the beginning. */
export function reset(p) {
  const s = p.practice;
  s.marks = [];
  s.finished = false;
  s.stopped = new Set();
  p.seek(0);
  draw(p, "A fresh attempt: press M whenever you notice a rupture begin.");
}

function label(p, type) {
  const t = ((p.data.practice || {}).types || []).find((x) => x.id === type);
  return t ? t.label : type;
}

function draw(p, say) {
  const s = p.practice;
  const m = last(p);
  s.markBtn.disabled = s.finished;
  s.undoBtn.disabled = s.finished || !m;
  s.finishBtn.disabled = s.finished;
  s.choice.hidden = s.finished || !m;
  s.bar.dataset.finished = String(s.finished);
  s.bar.dataset.marks = String(s.marks.length);
  const choices = p.data.practice || { types: [], markers: {} };
  s.types.replaceChildren(
    el("span", { class: "al-practice-label" }, m ? `Mark at ${fmt(m.at)}:` : ""),
    ...choices.types.map((t, i) =>
      btn(
        "al-practice-type",
        `${t.label} (${i + 1})`,
        () => setType(p, t.id),
        `${t.label} (${i + 1})`,
        {
          "aria-pressed": String(!!m && m.type === t.id),
          "data-type": t.id,
        },
      ),
    ),
  );
  const offered = m && m.type ? choices.markers[m.type] || [] : [];
  s.markers.replaceChildren(
    ...offered.map((k) =>
      btn("al-chip", k.label, () => toggleMarker(p, k.id), k.label, {
        "aria-pressed": String(m.markers.includes(k.id)),
      }),
    ),
  );
  s.list.replaceChildren(
    ...s.marks.map((x) => el("li", {}, fmt(x.at) + (x.type ? ` · ${label(p, x.type)}` : ""))),
  );
  drawOnTimeline(p);
  if (say !== undefined) s.status.textContent = say;
  else if (!s.marks.length && !s.finished)
    s.status.textContent = "Press M (or the button) the moment you notice a rupture begin.";
}

// The marks as ticks on the timeline (the list above names them for screen readers).
function drawOnTimeline(p) {
  const old = p.timeline.querySelector(".al-practice-ticks");
  if (old) old.remove();
  if (p.mode !== "practice") return;
  const d = p.duration();
  const row = el("div", { class: "al-row al-practice-ticks", "aria-hidden": "true" });
  for (const m of p.practice.marks)
    row.append(el("span", { class: "al-practice-tick", style: `left:${pct(m.at, d)}` }));
  p.timeline.append(row);
}

// The key table's practice actions (bound in practice mode only; see keys.py).
export const PRACTICE_ACTIONS = {
  practice_mark: mark,
  practice_undo: undo,
  practice_nudge_back: (p) => nudge(p, -NUDGE_STEP),
  practice_nudge_forward: (p) => nudge(p, NUDGE_STEP),
  "practice_type:withdrawal": (p) => setType(p, "withdrawal"),
  "practice_type:confrontation": (p) => setType(p, "confrontation"),
};
