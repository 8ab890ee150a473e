// Rupture call-outs for a room: at each rupture onset (and repair) in review and presenter
// modes, a large calm note over the video that fades after a few seconds of playing (it stays
// while the video is paused on it) and is announced politely to screen readers, without
// taking focus. Timed by the frame on screen (rVFC).

import { el } from "./dom.js";
import { frameAtMediaTime, frameOf } from "./model.js";

// learner and practice modes never get one: a call-out would give the rupture away
export const CALLOUT_MODES = new Set(["review", "presenter"]);
export const CALLOUT_MS = 5000; // on screen this long while playing, then it fades
const FADE_MS = 800; // keep in step with .al-callout's transition in player.css

/**
 * The moments that get a call-out, sorted by frame: each rupture onset and each repair.
 * Returns [{key, frame, kind: "onset"|"repair", head, detail, type}].
 */
export function calloutMoments(tracks, fps) {
  const out = [];
  for (const t of tracks) {
    for (const ep of t.episodes) {
      const typed = ep.type !== "untyped" && ep.type_label;
      out.push({
        key: `${t.id}/${ep.id}`,
        frame: frameOf(ep.onset, fps),
        kind: "onset",
        type: ep.type,
        head: typed ? `Rupture begins: ${ep.type_label.toLowerCase()}` : "Rupture begins",
        detail: ep.title || "",
      });
      ep.repairs.forEach((r, i) => {
        const unhelpful = r.outcome === "did_not_help";
        out.push({
          key: `${t.id}/${ep.id}/r${i}`,
          frame: frameOf(r.at, fps),
          kind: "repair",
          type: ep.type,
          head: unhelpful ? "Repair attempt (did not help)" : "Repair begins",
          detail: r.strategies.map((s) => s.label).join("; "),
        });
      });
    }
  }
  return out.sort((a, b) => a.frame - b.frame);
}

/**
 * The moments due when the frame on screen goes from `prev` to `now`: those crossed while
 * playing forward (prev < frame <= now) or, after a seek (`prev` null), landed on exactly.
 */
export function dueMoments(moments, prev, now) {
  if (prev == null) return moments.filter((m) => m.frame === now);
  if (now <= prev) return [];
  return moments.filter((m) => m.frame > prev && m.frame <= now);
}

/** Build the call-out (over the video) and its polite live region into Player `p`. */
export function buildCallout(p) {
  p.callout = el("div", { class: "al-callout", "aria-hidden": "true", hidden: true });
  p.politeLive = el("div", {
    class: "al-sr al-callout-live",
    "aria-live": "polite",
    role: "status",
  });
  p.stage.append(p.callout);
  p.root.append(p.politeLive);
  p.calloutFrame = null; // the frame last seen (null after a seek)
  p.video.addEventListener("seeking", () => {
    p.calloutFrame = null;
  });
  // a presenter paused on the onset is still talking about it: the clock runs only in play
  p.video.addEventListener("play", () => runFade(p));
  p.video.addEventListener("pause", () => holdFade(p));
}

/** Start (or go on with) the call-out's time on screen, if one is shown and the video plays. */
function runFade(p) {
  if (!p.calloutKey || p.calloutFading || p.video.paused || p.calloutSince != null) return;
  p.calloutSince = performance.now();
  p.calloutTimer = setTimeout(() => {
    p.calloutFading = true;
    p.callout.classList.remove("is-on");
    p.calloutTimer = setTimeout(() => hideCallout(p), FADE_MS);
  }, p.calloutLeft);
}

/** Paused: keep the call-out, with the time it has left. */
function holdFade(p) {
  if (!p.calloutKey || p.calloutFading || p.calloutSince == null) return;
  clearTimeout(p.calloutTimer);
  p.calloutLeft = Math.max(0, p.calloutLeft - (performance.now() - p.calloutSince));
  p.calloutSince = null;
}

/** New data: which moments this mode calls out (none outside review and presenter). */
export function configureCallout(p) {
  p.calloutMoments = CALLOUT_MODES.has(p.mode) ? calloutMoments(p.data.tracks, p.fps) : [];
  if (!p.calloutMoments.length) hideCallout(p);
}

/** A frame is on screen (its mediaTime): show a call-out for a moment it reaches. */
export function checkCallout(p, mediaTime) {
  if (!p.calloutMoments || !p.calloutMoments.length) return;
  const now = frameAtMediaTime(mediaTime, p.fps);
  const due = dueMoments(p.calloutMoments, p.calloutFrame, now);
  p.calloutFrame = now;
  // two at once (an onset and a repair on one frame, or two tracks): the onset reads first
  const m = due.find((x) => x.kind === "onset") || due[0];
  if (m && m.key !== p.calloutKey) showCallout(p, m, now);
}

function showCallout(p, m, frame) {
  const style = (p.data.rupture_types || {})[m.type] || {};
  clearTimeout(p.calloutTimer);
  p.calloutKey = m.key;
  const badge =
    m.kind === "onset"
      ? el("span", { class: "al-callout-badge" }, style.letter || "?")
      : el("span", { class: "al-callout-badge al-callout-repair" }, "◆");
  p.callout.replaceChildren(
    badge,
    el(
      "span",
      { class: "al-callout-text" },
      el("strong", { class: "al-callout-head" }, m.head),
      m.detail ? el("span", { class: "al-callout-detail" }, m.detail) : null,
    ),
  );
  p.callout.dataset.kind = m.kind;
  p.callout.dataset.frame = frame; // the frame on screen when it appeared (tests read it)
  p.callout.style.setProperty("--rupture", style.colour || "#666");
  p.callout.hidden = false;
  void p.callout.offsetWidth; // start the fade-in from transparent
  p.callout.classList.add("is-on");
  p.politeLive.textContent = m.detail ? `${m.head}. ${m.detail}` : m.head;
  p.calloutFading = false;
  p.calloutSince = null;
  p.calloutLeft = CALLOUT_MS;
  runFade(p);
}

export function hideCallout(p) {
  if (!p.callout) return;
  clearTimeout(p.calloutTimer);
  p.callout.classList.remove("is-on");
  p.callout.hidden = true;
  p.calloutKey = null;
  p.calloutSince = null;
  p.calloutFading = false;
}
