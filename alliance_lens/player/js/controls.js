// The DOM skeleton built once per mount: video stage, control bar, author mark bar, panels.

import { el } from "./dom.js";

export const SEEK_STEP = 5;
const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];
// Button text for the author's marks; their keys and descriptions come from the key table.
export const MARK_BUTTON = {
  cue: "Mark cue",
  onset: "Mark onset",
  resolution: "Mark resolution",
  prompt: "Mark prompt",
  chapter: "Mark chapter",
  in: "In",
  out: "Out",
};

const btn = (cls, label, onclick, text, extra = {}) =>
  el(
    "button",
    { class: `al-btn ${cls}`.trim(), type: "button", "aria-label": label, onclick, ...extra },
    text,
  );

/** Build the player's DOM into `p` (the Player) and append it to p.host. */
export function build(p) {
  const video = el("video", { class: "al-video", playsinline: true, preload: "auto" });
  p.video = video;
  p.problem = el("div", { class: "al-problem", role: "alert", hidden: true });
  p.promptBox = el("section", {
    class: "al-prompt",
    hidden: true,
    "aria-labelledby": "al-prompt-title",
  });
  p.stage = el("div", { class: "al-stage" }, video, p.problem);

  p.playBtn = btn("al-play", "Play (Space)", () => p.togglePlay(), "Play");
  const back = btn("", "Back 5 seconds (Left arrow)", () => p.seekBy(-SEEK_STEP), "−5 s");
  const fwd = btn("", "Forward 5 seconds (Right arrow)", () => p.seekBy(SEEK_STEP), "+5 s");
  p.timeText = el("span", { class: "al-time", "aria-live": "off" }, "0:00");
  p.rate = el("select", { class: "al-rate", "aria-label": "Playback speed" });
  for (const r of RATES) p.rate.append(el("option", { value: r, selected: r === 1 }, r + "×"));
  p.rate.addEventListener("change", () => {
    p.video.playbackRate = Number(p.rate.value);
  });
  p.ccBtn = btn("al-cc", "Captions (C)", () => p.toggleCaptions(), "CC", {
    "aria-pressed": "false",
  });
  const full = btn("", "Full screen (F)", () => p.toggleFullscreen(), "Full screen");
  const help = btn("al-help-btn", "Keyboard shortcuts (?)", () => p.toggleHelp(), "?");
  p.markBar = el("div", {
    class: "al-marks",
    role: "group",
    "aria-label": "Mark the current frame",
    hidden: true,
  });
  p.markBtns = {};
  p.selInfo = el("p", { class: "al-selinfo", "aria-live": "polite" });
  p.controls = el(
    "div",
    { class: "al-controls", role: "group", "aria-label": "Player controls" },
    p.playBtn,
    back,
    fwd,
    p.timeText,
    el("span", { class: "al-spacer" }),
    p.rate,
    p.ccBtn,
    full,
    help,
  );

  p.timeline = el("div", { class: "al-timeline", role: "group", "aria-label": "Rupture timeline" });
  p.playhead = el("div", { class: "al-playhead", "aria-hidden": "true" });
  p.tip = el("div", { class: "al-tip", role: "tooltip", id: "al-tip", hidden: true });
  p.jump = el("nav", { class: "al-jump", "aria-label": "Jump list" });
  p.live = el("div", { class: "al-sr", "aria-live": "assertive", role: "status" });

  p.trackBar = el("div", {
    class: "al-trackbar",
    role: "group",
    "aria-label": "Commentary tracks",
  });
  p.cueList = el("ol", { class: "al-cues", "aria-label": "Running commentary" });
  p.empty = el("p", { class: "al-empty" });
  p.side = el(
    "aside",
    { class: "al-side", "aria-label": "Commentary" },
    p.trackBar,
    p.cueList,
    p.empty,
  );

  p.helpBox = el("div", {
    class: "al-helpbox",
    role: "dialog",
    "aria-label": "Keyboard shortcuts",
    hidden: true,
  });
  // the prompt sits under the picture: the paused frame is what the viewer reflects on
  const main = el(
    "div",
    { class: "al-main" },
    p.stage,
    p.promptBox,
    p.controls,
    p.markBar,
    p.selInfo,
    p.timeline,
    p.jump,
  );
  p.root = el(
    "div",
    { class: "al-player", tabindex: "-1" },
    el("div", { class: "al-layout" }, main, p.side),
    p.tip,
    p.helpBox,
    p.live,
  );
  p.host.append(p.root);
  p.cueTrack = video.addTextTrack("metadata", "alliance-lens-cues");
  p.cueTrack.mode = "hidden"; // hidden still fires cuechange; nothing is drawn
}

/** The author's mark bar, from the key table's mark rows (built once: the table is fixed). */
export function renderMarkBar(p, table) {
  if (p.markBar.childElementCount) return;
  for (const row of table) {
    for (const [, action] of row.bindings) {
      if (!action.startsWith("mark:")) continue;
      const kind = action.slice(5);
      const K = row.keys;
      if (kind === "in") p.markBar.append(el("span", { class: "al-sep", "aria-hidden": "true" }));
      const label = row.help.replace(" (O is onset)", "");
      const b = btn(
        "al-mark",
        `${label} (${K})`,
        () => p.mark(kind),
        `${MARK_BUTTON[kind]} (${K})`,
        {
          "data-kind": kind,
          "aria-keyshortcuts": K,
        },
      );
      p.markBtns[kind] = b;
      p.markBar.append(b);
    }
  }
  p.markBar.append(
    el("span", { class: "al-sep", "aria-hidden": "true" }),
    btn(
      "al-step",
      "Back one frame (comma; Shift: 100 ms)",
      () => p.stepFrames(-1),
      "◂ 1 frame (,)",
      {
        "data-step": "-1",
        "aria-keyshortcuts": ",",
      },
    ),
    btn(
      "al-step",
      "Forward one frame (period; Shift: 100 ms)",
      () => p.stepFrames(1),
      "1 frame ▸ (.)",
      {
        "data-step": "1",
        "aria-keyshortcuts": ".",
      },
    ),
  );
}

/** The `?` overlay: the key table's rows for this mode. */
export function renderHelp(p, rows) {
  const dl = el("dl", {});
  for (const row of rows) dl.append(el("dt", {}, el("kbd", {}, row.keys)), el("dd", {}, row.help));
  const close = el(
    "button",
    { type: "button", class: "al-btn", onclick: () => p.toggleHelp(false) },
    "Close",
  );
  p.helpBox.replaceChildren(el("h2", {}, "Keyboard shortcuts"), dl, close);
}
