// Pure helpers over the player's data: time text, frames, prompt order, jump targets, selection.
// No DOM here, so tests/e2e/test_player_modules.py can load it in a blank page.

export const KIND_NAME = { episode: "rupture", cue: "cue", prompt: "prompt", chapter: "chapter" };
export const MODES_REVEALING_ALL = new Set(["review", "author"]);
export const MODES_WITH_PROMPTS = new Set(["learner", "presenter"]);
const EMPTY = { tracks: [], chapters: [], rupture_types: {}, video: {}, keys: [] };

export function fmt(t) {
  if (!Number.isFinite(t) || t < 0) t = 0;
  const s = Math.floor(t);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
}

// Snapping a time to a frame lives here only. Frame n covers [n/fps, (n+1)/fps); the tiny
// epsilon absorbs float error in t*fps (0.52 s at 25 fps is frame 13, not 12).
export const frameOf = (t, fps) => Math.floor(t * fps + 1e-6);

// The frame whose picture a frame callback reports: mediaTime is that frame's start time.
export const frameAtMediaTime = (mediaTime, fps) => Math.round(mediaTime * fps);

// The middle of frame f: a paused seek there shows exactly that frame.
export const frameMiddle = (f, fps) => (f + 0.5) / fps;

export const frameStart = (f, fps) => f / fps;

export function lastFrame(duration, fps) {
  return Math.max(0, Math.ceil(duration * fps - 1e-6) - 1);
}

export function clampFrame(f, duration, fps) {
  return Math.min(lastFrame(duration, fps), Math.max(0, f));
}

/** The data with defaults filled in, plus what the player derives from it. */
export function normalise(raw) {
  const data = { ...EMPTY, ...(raw || {}) };
  const mode = data.mode || "learner";
  const fps = data.video && data.video.fps > 0 ? data.video.fps : 25;
  const s = data.selected;
  const selected = mode === "author" && s && s.id ? s : null;
  const selKey = selected ? `${selected.kind}\u241f${selected.track}\u241f${selected.id}` : null;
  return { data, mode, fps, selected, selKey };
}

/** Every prompt of every track as {track, prompt, key}, in time order. */
export function promptList(tracks) {
  const out = [];
  for (const t of tracks)
    for (const p of t.prompts) out.push({ track: t, prompt: p, key: t.id + "/" + p.id });
  return out.sort((a, b) => a.prompt.at - b.prompt.at);
}

// Only moments already played: jumping ahead would tell a learner where the next rupture is
// before they have noticed it (in review and author modes, reached is infinite).
function playedTimes(values, reached) {
  const s = new Set(values.filter((t) => t <= reached + 0.001));
  return [...s].sort((a, b) => a - b);
}

export function cueTimes(tracks, reached) {
  return playedTimes(
    tracks.flatMap((t) => t.cues.map((c) => c.start)),
    reached,
  );
}

export function onsetTimes(tracks, reached) {
  return playedTimes(
    tracks.flatMap((t) => t.episodes.map((e) => e.onset)),
    reached,
  );
}

/** The next (dir > 0) or previous time to jump to from `now`, or undefined. */
export function stepTarget(times, now, dir) {
  if (dir > 0) return times.find((x) => x > now + 0.05);
  return [...times].reverse().find((x) => x < now - 0.5);
}

export function isSelected(sel, kind, track, id) {
  return !!sel && sel.kind === kind && sel.id === id && (kind === "chapter" || sel.track === track);
}

/** The selected item's start time and a short description, or null. */
export function selectedItem(data, sel) {
  if (!sel) return null;
  if (sel.kind === "chapter") {
    const ch = data.chapters.find((c) => c.id === sel.id);
    return ch ? { at: ch.start, text: ch.title } : null;
  }
  const t = data.tracks.find((x) => x.id === sel.track);
  if (!t) return null;
  if (sel.kind === "episode") {
    const e = t.episodes.find((x) => x.id === sel.id);
    return e ? { at: e.onset, text: `${e.title} (${e.type_label.toLowerCase()})` } : null;
  }
  if (sel.kind === "prompt") {
    const p = t.prompts.find((x) => x.id === sel.id);
    return p ? { at: p.at, text: p.id } : null;
  }
  const c = t.cues.find((x) => x.id === sel.id);
  return c ? { at: c.start, text: "" } : null;
}

/** Cue and (in review/author) prompt rows of the commentary panel, in time order. */
export function commentaryRows(tracks, mode) {
  const rows = [];
  for (const t of tracks) {
    for (const c of t.cues) rows.push({ time: c.start, t, c });
    if (MODES_REVEALING_ALL.has(mode)) for (const p of t.prompts) rows.push({ time: p.at, t, p });
  }
  return rows.sort((a, b) => a.time - b.time);
}

/**
 * The time (s) a pointer at `x` points to on a timeline spanning [left, left + width] px of a
 * `duration`-second video, snapped to the start of the frame there (as marks are).
 */
export function timeAtX(x, left, width, duration, fps) {
  const share = width > 0 ? Math.min(1, Math.max(0, (x - left) / width)) : 0;
  return frameStart(clampFrame(frameOf(share * duration, fps), duration, fps), fps);
}

/**
 * Which time a drag that starts at `x` on an item drawn over [left, right] px moves: its end
 * ("out") when grabbed within `grip` px of the right edge of an item that has one, else its
 * start ("in"), the names of the player's in/out marks.
 */
export function dragEdge(x, left, right, hasEnd, grip = 8) {
  return hasEnd && right - left > 2 * grip && x >= right - grip ? "out" : "in";
}

/** Multi and marker prompts name several options (as labels); choice prompts one. */
export const severalKinds = new Set(["multi", "marker"]);

/** Whether prompt `q` takes ticked options, and whether only one may be ticked. */
export function optionMode(q) {
  if (q.kind === "choice") return "one";
  if (!severalKinds.has(q.kind)) return null;
  // a marker prompt with one expert answer asks for one marker; otherwise tick every one
  return q.kind === "marker" && (q.correct || []).length === 1 ? "one-of-several" : "several";
}

/** Whether `o` is an option the expert picked (choice: expected; multi/marker: correct). */
export function isExpertOption(q, o) {
  return q.kind === "choice" ? o === q.expected : (q.correct || []).includes(o);
}

/** How ticked options compare with the expert's, in words; "" without an expert answer. */
export function severalVerdict(chosen, correct, presenter) {
  if (!correct.length) return "";
  const names = (xs) => xs.map((x) => `"${x}"`).join(", ");
  if (presenter || !chosen) return `The expert's answer: ${names(correct)}`;
  const missed = correct.filter((c) => !chosen.includes(c));
  const extra = chosen.filter((c) => !correct.includes(c));
  if (!missed.length && !extra.length) return `You chose ${names(chosen)}: the same as the expert.`;
  const parts = [`You chose ${chosen.length ? names(chosen) : "nothing"}.`];
  if (missed.length) parts.push(`The expert also chose ${names(missed)}.`);
  if (extra.length) parts.push(`The expert did not choose ${names(extra)}.`);
  return parts.join(" ");
}
