// Timeline layout, pure: where each marker and episode span sits, and lanes for overlaps.

import { fmt } from "./model.js";

export const MIN_SPAN_S = 2; // an unresolved episode shows as a span this long

/** Percent of the timeline for time `t` (clamped), as a CSS length. */
export function pct(t, duration) {
  return `${Math.min(100, Math.max(0, (t / duration) * 100))}%`;
}

/** Where an episode's span ends: its resolution, else a short span from the onset. */
export function episodeEnd(ep, duration) {
  return ep.resolved != null && ep.resolved > ep.onset
    ? ep.resolved
    : Math.min(duration, ep.onset + MIN_SPAN_S);
}

/**
 * Spans of one track's episodes, each in the first lane free at its onset, so overlapping
 * episodes sit one above the other instead of covering each other.
 * Returns {spans: [{ep, start, end, lane}] in the given order, lanes: number of lanes}.
 */
export function layoutEpisodes(episodes, duration) {
  const order = episodes.map((ep, i) => ({
    ep,
    i,
    start: ep.onset,
    end: episodeEnd(ep, duration),
  }));
  order.sort((a, b) => a.start - b.start || a.i - b.i);
  const laneEnds = []; // per lane: when its last span ends
  for (const s of order) {
    let lane = laneEnds.findIndex((end) => end <= s.start);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = s.end;
    s.lane = lane;
  }
  const spans = order
    .sort((a, b) => a.i - b.i)
    .map(({ ep, start, end, lane }) => ({ ep, start, end, lane }));
  return { spans, lanes: Math.max(1, laneEnds.length) };
}

/** CSS for a span in `lane` of `lanes` (one lane: the stylesheet's own top and bottom). */
export function laneStyle(lane, lanes) {
  if (lanes <= 1) return "";
  const h = 100 / lanes;
  return `top:calc(${lane * h}% + 1px);bottom:auto;height:calc(${h}% - 2px);`;
}

/** The lines of an episode's tooltip (the first is its heading). */
export function episodeLines(ep) {
  const head =
    ep.type === "untyped"
      ? `Rupture, type not chosen yet: ${ep.title}`
      : `${ep.type_label} rupture: ${ep.title}`;
  const until = ep.resolved != null ? fmt(ep.resolved) : "unresolved";
  const lines = [head, `${fmt(ep.onset)}–${until}`];
  if (ep.markers.length) lines.push("Markers: " + ep.markers.map((m) => m.label).join("; "));
  if (ep.resolution) lines.push("Resolution: " + ep.resolution);
  return lines;
}

export function repairLines(r) {
  const lines = [`Repair at ${fmt(r.at)}`, ...r.strategies.map((s) => s.label)];
  if (r.depth || r.directness) lines.push([r.depth, r.directness].filter(Boolean).join(", "));
  return lines;
}

/** Learner mode: how wide an episode's span is once play has reached `reached`. */
export function revealedWidth(onset, end, reached, duration) {
  const shownEnd = Math.min(end, Math.max(onset, reached));
  return `${((shownEnd - onset) / duration) * 100}%`;
}
