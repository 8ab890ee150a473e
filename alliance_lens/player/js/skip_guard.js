// Learner mode: a seek past questions not yet answered asks first (issue 11 §6), so one click
// near the end of the timeline does not skip every prompt without a word.

import { el } from "./dom.js";

/** The prompts a seek from `from` to `to` would jump over: later than both `from` and the
 * furthest point played (`reached`), before `to` (one at `to` still fires), not answered. */
export function skippedPrompts(prompts, answers, from, reached, to) {
  const after = Math.max(from, reached);
  return prompts.filter(
    (p) => p.prompt.at > after + 0.0005 && p.prompt.at < to - 0.0005 && !(answers || {})[p.key],
  );
}

function close(p) {
  if (p.skipAsk) p.skipAsk.remove();
  p.skipAsk = null;
}

/**
 * Whether Player `p` may seek to `t` now; if not, it asks ("You will skip 2 questions") and
 * seeks only when the viewer chooses Skip (`go` does the seek).
 */
export function mayJump(p, t, go) {
  close(p);
  if (p.mode !== "learner") return true;
  const from = p.video.currentTime || 0;
  const skipped = skippedPrompts(p.clock.prompts, p.data && p.data.answers, from, p.reached, t);
  if (!skipped.length) return true;
  const n = skipped.length;
  const text = `You will skip ${n} question${n === 1 ? "" : "s"}.`;
  const skip = el("button", { type: "button", class: "al-btn al-skip-go" }, "Skip");
  const stay = el(
    "button",
    { type: "button", class: "al-btn al-primary al-skip-stay" },
    "Watch from here",
  );
  skip.addEventListener("click", () => {
    close(p);
    go();
  });
  stay.addEventListener("click", () => {
    close(p);
    p.root.focus({ preventScroll: true });
  });
  const box = el(
    "div",
    { class: "al-skipask", role: "alertdialog", "aria-labelledby": "al-skip-text" },
    el("p", { id: "al-skip-text" }, text),
    el("div", { class: "al-actions" }, skip, stay),
  );
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      stay.click();
    }
  });
  p.skipAsk = box;
  p.timeline.after(box);
  stay.focus({ preventScroll: true });
  return false;
}
