// The commentary's hidden metadata track: one VTTCue per cue row, kept in step with the rows
// (only the difference applied, in slices), so `cuechange` marks the active cue within ~1 ms.

import { countUpTo } from "./vlist.js";

export const SEP = "\u241f"; // between a track id and a cue id in a VTTCue's id

/**
 * Make the metadata track hold one cue per cue row; true if the cues changed. A rerun sends
 * the same track again: then nothing is done (a comparison, no strings). Otherwise only the
 * difference is applied, and new cues are added in slices of a few ms, those from the playhead
 * on first: 10,000 VTTCues take ~200 ms to make on a busy machine. The cue rows themselves are
 * the specs (no copies: a 10,000-cue track is allocated once).
 */
export function syncCues(p, rows) {
  const end = p.duration() + 3600;
  const specs = rows.filter((r) => r.c);
  if (sameSpecs(p.specs, p.specsEnd, specs, end)) return false;
  p.specs = specs;
  p.specsEnd = end;
  const job = (p.cueJob = (p.cueJob || 0) + 1); // a newer sync stops this one's slices
  if (!p.vtt) p.vtt = new Map(); // key -> VTTCue on the track
  let todo = specs;
  if (p.vtt.size) {
    const want = new Set(specs.map((r) => cueKey(r, end)));
    for (const [key, vc] of p.vtt) {
      if (want.has(key)) continue;
      p.cueTrack.removeCue(vc);
      p.vtt.delete(key);
    }
    todo = specs.filter((r) => !p.vtt.has(cueKey(r, end)));
  }
  const from = Math.max(0, countRowsUpTo(todo, p.video.currentTime || 0) - 1);
  todo = todo.slice(from).concat(todo.slice(0, from).reverse());
  let i = 0;
  const slice = () => {
    if (job !== p.cueJob) return;
    const until = performance.now() + 6;
    while (i < todo.length && (i % 8 || performance.now() < until)) {
      const r = todo[i++];
      const vc = new VTTCue(r.time, stopOf(r.c, end), "");
      vc.id = r.t.id + SEP + r.c.id;
      p.cueTrack.addCue(vc);
      p.vtt.set(cueKey(r, end), vc);
    }
    if (i < todo.length) setTimeout(slice, 0);
  };
  setTimeout(slice, 0); // in tasks of their own, after the list is drawn
  return true;
}

const stopOf = (c, end) => (c.end != null && c.end > c.start ? c.end : end);
const cueKey = (r, end) => `${r.t.id}${SEP}${r.c.id}|${r.time}|${stopOf(r.c, end)}`;

/** How many of the time-sorted rows start at or before t. */
function countRowsUpTo(rows, t) {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].time <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sameSpecs(a, aEnd, b, bEnd) {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.t.id !== y.t.id || x.c.id !== y.c.id || x.time !== y.time) return false;
    if (stopOf(x.c, aEnd) !== stopOf(y.c, bEnd)) return false;
  }
  return true;
}

/** The row of a metadata cue: by its start time (rows are in time order), then its id. */
export function rowOfCue(p, vc) {
  for (let i = countUpTo(p.rowTimes, vc.startTime) - 1; i >= 0; i--) {
    const r = p.rows[i];
    if (r.time < vc.startTime) break;
    if (r.c && r.t.id + SEP + r.c.id === vc.id) return i;
  }
  return -1;
}
