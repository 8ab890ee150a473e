// Pure: the console <-> stage protocol over a BroadcastChannel (who drives, how the stage
// follows) and the console's clock figures (moments, countdowns, session time). No DOM here,
// so tests/e2e/test_player_modules.py can load it in a blank page.
//
// Messages (plain objects): the console sends {from: <console id>, type, ...}:
//   "hello"    a console has started (a stage answers with "status")
//   "state"    the whole state to follow: {t, playing, rate, captions, blank,
//              prompt: null | {key, state: "ask" | "revealed", answer?, page?}, pointer, ink}
//              (page: which page of a long reveal the stage shows, from 0)
//   "takeover" drive this stage from now on;  "bye"  the console is closing
//   "room-display" {view: object | null} the room's chosen display as plain data (built by
//              room_stage.js, drawn by room_show.js), or {text: string | null} plain text
//   "room-turn" {dir: 1 | -1}: turn the room's answers a page (then only by hand: room_show.js)
//   "navigate" {url}: the console chose another video or other tracks; the stage loads them
// The stage sends {from: "stage", stage: <stage id>, type, owner}:
//   "status"   who drives it (owner: a console id or null); "bye" the stage is closing.
//   "pages"    {key, n}: the open reveal needs n pages on the stage (the console turns them)
//   "room-pages" {n, page, text, byHand}: the room's answers in n pages (0: none shown), the
//              page shown and the stage's line for it ("4–6 of 14 answers · 8 more next")
//   "sound"    the stage's sound changed; every stage message carries soundOff: true while
//              the browser blocks its sound (stage_sound.js: the console plays it meanwhile)

export const STAGE = "stage";
export const DRIFT_PLAYING = 0.3; // seconds apart while both play before the stage seeks

export function newId() {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

/**
 * The stage's reply to a console message: {accept, owner, reply} where accept says whether
 * to follow it, owner is who drives afterwards and reply is a status to send (or null).
 */
export function ownerDecision(owner, msg) {
  const from = msg.from;
  if (msg.type === "bye")
    return owner === from
      ? { accept: false, owner: null, reply: "status" } // free: another console may drive
      : { accept: false, owner, reply: null };
  if (msg.type === "takeover") return { accept: false, owner: from, reply: "status" };
  if (msg.type === "hello") return { accept: false, owner, reply: "status" };
  if (owner === null || owner === undefined) return { accept: true, owner: from, reply: "status" };
  if (owner === from) return { accept: true, owner, reply: null };
  return { accept: false, owner, reply: "status" }; // a second console: told who drives
}

/**
 * How the stage follows a state: {seek: t | null, play: bool | null}. A paused console is
 * matched to the frame (half a frame apart is too far); a playing one within DRIFT_PLAYING.
 */
export function followPlan(local, remote, fps) {
  const apart = Math.abs((local.t || 0) - (remote.t || 0));
  const frame = 1 / (fps > 0 ? fps : 25);
  const tooFar = remote.playing ? apart > DRIFT_PLAYING : apart > frame / 2;
  const play = remote.playing === local.playing ? null : !!remote.playing;
  return { seek: tooFar || remote.seeked ? remote.t : null, play };
}

/** Moments a presenter steps through: prompts, rupture onsets and repairs, in time order. */
export function momentTimes(tracks) {
  const times = new Set();
  for (const t of tracks || []) {
    for (const p of t.prompts || []) times.add(p.at);
    for (const e of t.episodes || []) {
      times.add(e.onset);
      for (const r of e.repairs || []) times.add(r.at);
    }
  }
  return [...times].filter(Number.isFinite).sort((a, b) => a - b);
}

/** The first item with `at(item) > now` (items sorted by time), or null. */
export function nextAfter(items, now, at = (x) => x) {
  return items.find((x) => at(x) > now + 0.001) || null;
}

/** Noted cues showing at `now` and the next one after it: {now: [...], next}. */
export function notesAt(notes, now) {
  const current = (notes || []).filter(
    (n) => n.start <= now + 0.001 && (n.end == null || now < n.end),
  );
  return { now: current, next: nextAfter(notes || [], now, (n) => n.start) };
}

/** The next prompt and next rupture after `now`: [{kind, at, track, item}]. */
export function upcoming(tracks, now) {
  const prompts = [];
  const onsets = [];
  for (const t of tracks || []) {
    for (const p of t.prompts || []) prompts.push({ kind: "prompt", at: p.at, track: t, item: p });
    for (const e of t.episodes || [])
      onsets.push({ kind: "rupture", at: e.onset, track: t, item: e });
  }
  const byTime = (a, b) => a.at - b.at;
  return [
    nextAfter(prompts.sort(byTime), now, (x) => x.at),
    nextAfter(onsets.sort(byTime), now, (x) => x.at),
  ].filter(Boolean);
}

/** "in 1:05" for a countdown of `seconds` of video at `rate` (whole seconds, never negative). */
export function countdown(seconds, rate = 1) {
  const s = Math.max(0, Math.ceil(seconds / (rate > 0 ? rate : 1)));
  return `in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Session time: {elapsed, left, over} in whole minutes:seconds text, from ms figures. */
export function sessionText(elapsedMs, plannedMin) {
  const mmss = (ms) => {
    const s = Math.floor(Math.abs(ms) / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s % 60).padStart(2, "0");
  };
  const leftMs = plannedMin * 60000 - elapsedMs;
  return { elapsed: mmss(elapsedMs), left: mmss(leftMs), over: leftMs < 0 };
}

/** A point in the video frame, normalised to 0..1 (null when outside the picture). */
export function normalisedPoint(box, videoW, videoH, clientX, clientY) {
  if (!(box.width > 0 && box.height > 0)) return null;
  const scale = videoW > 0 && videoH > 0 ? Math.min(box.width / videoW, box.height / videoH) : 0;
  const w = scale ? videoW * scale : box.width;
  const h = scale ? videoH * scale : box.height;
  const x = (clientX - box.left - (box.width - w) / 2) / w;
  const y = (clientY - box.top - (box.height - h) / 2) / h;
  if (x < 0 || x > 1 || y < 0 || y > 1) return null;
  return { x: Math.round(x * 1e4) / 1e4, y: Math.round(y * 1e4) / 1e4 };
}

/** Where a normalised point lands in a box showing a videoW x videoH picture (contain). */
export function placePoint(box, videoW, videoH, pt) {
  const scale = videoW > 0 && videoH > 0 ? Math.min(box.width / videoW, box.height / videoH) : 0;
  const w = scale ? videoW * scale : box.width;
  const h = scale ? videoH * scale : box.height;
  return { x: (box.width - w) / 2 + pt.x * w, y: (box.height - h) / 2 + pt.y * h };
}
