// Author mode in the player: frame steps, marks at the frame on screen, nudges, selection info.

import { scrollToSelected } from "./commentary.js";
import {
  KIND_NAME,
  clampFrame,
  fmt,
  frameAtMediaTime,
  frameMiddle,
  frameOf,
  frameStart,
  selectedItem,
} from "./model.js";
import { drawPlayhead } from "./timeline.js";
import { sendEdit } from "./edits.js";

const NUDGE_WAIT_MS = 300; // nudge keys pressed within this add up into one trigger

// The frame on screen: after a pause, currentTime can lag the picture, so judge by the frame
// callback's mediaTime; a frame step in flight counts as already there.
export function shownFrame(p) {
  if (p.stepFrame != null) return p.stepFrame;
  if (p.video.paused && p.frameTime != null) return frameAtMediaTime(p.frameTime, p.fps);
  return frameOf(p.video.currentTime || 0, p.fps);
}

export function shownTime(p) {
  if (p.stepFrame != null) return frameStart(p.stepFrame, p.fps);
  return p.video.paused && p.frameTime != null ? p.frameTime : p.video.currentTime;
}

export function goToFrame(p, f) {
  const target = clampFrame(f, p.duration(), p.fps);
  p.stepFrame = target;
  // the middle of the frame: a paused seek shows exactly the frame covering that time
  p.video.currentTime = frameMiddle(target, p.fps);
  drawPlayhead(p);
}

export function stepFrames(p, n) {
  p.video.pause();
  goToFrame(p, shownFrame(p) + n);
}

export function stepMs(p, ms) {
  p.video.pause();
  goToFrame(p, frameOf(Math.max(0, shownTime(p) + ms / 1000), p.fps));
}

export function mark(p, kind) {
  if ((kind === "in" || kind === "out") && p.markBtns[kind].disabled) {
    say(
      p,
      p.selected
        ? `A ${KIND_NAME[p.selected.kind]} has no out point.`
        : "Select an item first (Selected item, below the player), then set its in or out point.",
    );
    return;
  }
  sendEdit(p, "mark", { kind, at_ms: Math.round(shownTime(p) * 1000) });
}

export function nudge(p, unit, amount) {
  if (!p.selected) {
    say(p, "Select an item first, then nudge it.");
    return;
  }
  if (p.pendingNudge && p.pendingNudge.unit !== unit) flushNudge(p);
  p.pendingNudge = p.pendingNudge || { unit, amount: 0, selected: p.selected };
  p.pendingNudge.amount += amount;
  const n = p.pendingNudge.amount;
  const size = Math.abs(n);
  const what = unit === "by_frames" ? `${size} frame${size === 1 ? "" : "s"}` : `${size} ms`;
  // not sticky: the page's answer (the item at its new time) replaces it
  const way = n < 0 ? "earlier" : "later";
  p.selInfo.textContent = `Moving the selected ${KIND_NAME[p.selected.kind]} ${what} ${way}…`;
  clearTimeout(p.nudgeTimer);
  p.nudgeTimer = setTimeout(() => flushNudge(p), NUDGE_WAIT_MS);
}

export function flushNudge(p) {
  clearTimeout(p.nudgeTimer);
  const pending = p.pendingNudge;
  p.pendingNudge = null;
  if (pending && pending.amount)
    sendEdit(p, "nudge", { [pending.unit]: pending.amount, selected: pending.selected });
}

function say(p, text) {
  p.selInfo.textContent = text;
  p.saying = true;
}

export function renderSelection(p, changed) {
  if (p.mode !== "author") return;
  const s = p.selected;
  const item = selectedItem(p.data, s);
  p.markBtns.in.disabled = !s;
  p.markBtns.out.disabled = !s || s.kind === "prompt" || s.kind === "chapter";
  if (changed || !p.saying) {
    const what = s && item ? `${KIND_NAME[s.kind]} at ${fmt(item.at)}` : "";
    const text = item && item.text ? " · " + item.text : "";
    p.selInfo.textContent = what
      ? `Selected: ${what}${text}. I / U set its in / out here; Alt+, / Alt+. nudge it.`
      : "Nothing selected: mark a moment or choose an item below to set in / out points " +
        "and nudge.";
  }
  p.saying = false;
  if (changed) scrollToSelected(p);
}
