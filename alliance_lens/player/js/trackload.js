// Big tracks come from the app's route (alliance_lens/trackdata.py), not in the component
// data: fetched once per URL (the URL names its content, so the browser may cache it),
// parsed line by line in slices of a few ms, and drawn in parts a frame apart, so no task
// runs long (bench/player_big_track.py). `assembler` is pure.

const SLICE_MS = 8;
const KEEP = 4; // URLs kept parsed (a mode switch and back needs no new fetch)
const loads = new Map(); // url -> Promise of tracks

/** Collects the body's lines: the head (tracks with cue_count) first, then every cue. */
export function assembler() {
  let tracks = null;
  let t = 0; // the track whose cues come next
  const next = () => {
    while (t < tracks.length && tracks[t].cues.length >= tracks[t].cueCount) t++;
  };
  return {
    line(text) {
      if (!text) return;
      const value = JSON.parse(text);
      if (!tracks) {
        tracks = value.tracks.map(({ cue_count, ...rest }) => ({
          ...rest,
          cues: [],
          cueCount: cue_count,
        }));
        next();
        return;
      }
      if (t >= tracks.length) throw new Error("track data: more cues than announced");
      tracks[t].cues.push(value);
      next();
    },
    result() {
      if (!tracks || t < tracks.length) throw new Error("track data: cut short");
      return tracks.map(({ cueCount: _count, ...rest }) => rest);
    },
  };
}

// a new task, so the page can paint and handle input between slices
const nextTask = () =>
  globalThis.scheduler && scheduler.yield
    ? scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0));

async function fetchTracks(url) {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`track data: HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const out = assembler();
  let rest = "";
  let until = performance.now() + SLICE_MS;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const lines = (rest + value).split("\n");
    rest = lines.pop();
    for (const line of lines) {
      out.line(line);
      if (performance.now() > until) {
        await nextTask();
        until = performance.now() + SLICE_MS;
      }
    }
  }
  out.line(rest);
  return out.result();
}

/** The tracks at `url` (a promise; the same one for every caller of the same URL). */
export function loadTracks(url) {
  let got = loads.get(url);
  if (!got) {
    got = fetchTracks(url);
    loads.set(url, got);
    got.catch(() => loads.delete(url)); // a failure may be retried
    while (loads.size > KEEP) loads.delete(loads.keys().next().value);
  }
  return got;
}

/**
 * Resolves in a new task after the next frame: work split this way lets the browser lay out
 * and paint what the previous part built, instead of forcing that layout into the next part.
 */
export function afterFrame() {
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      setTimeout(resolve, 0);
    };
    requestAnimationFrame(go);
    setTimeout(go, 100); // a hidden page draws no frames
  });
}

const BIG = 1000; // cues: about what the route's INLINE_LIMIT holds

/** Whether drawing these tracks at once could make a long task. */
export const isBig = (tracks) => tracks.reduce((n, t) => n + t.cues.length, 0) > BIG;

/** Run each `part(p)` in a task of its own after a frame; a newer call cancels the rest. */
export function drawInParts(p, parts) {
  const job = (p.drawJob = (p.drawJob || 0) + 1);
  p.drawPending = true;
  (async () => {
    for (const part of parts) {
      await afterFrame();
      if (job !== p.drawJob || p.destroyed) return;
      part(p);
    }
    p.drawPending = false;
  })();
}

/**
 * The data for `p.update`: with `tracks_src`, the loaded tracks, or, while they load, the
 * tracks shown now (same video and mode) or none; once loaded and parsed, `p.update` runs
 * again with the latest data. Failed loads are retried twice, then named in `p.tracksProblem`.
 */
export function withTracks(p, raw) {
  const url = raw && raw.tracks_src;
  if (!url) return raw;
  p.latestRaw = raw;
  if (p.loaded && p.loaded.url === url) return { ...raw, tracks: p.loaded.tracks };
  if (p.loadingUrl !== url && p.failedUrl !== url) {
    p.loadingUrl = url;
    const stale = () => p.destroyed || p.loadingUrl !== url;
    const load = (tries) =>
      loadTracks(url)
        .then(async (tracks) => {
          await afterFrame();
          if (stale()) return;
          p.loaded = { url, tracks };
          p.loadingUrl = null;
          p.tracksProblem = "";
          p.update(p.latestRaw);
        })
        .catch(() => {
          if (stale()) return;
          if (tries > 0) return setTimeout(() => load(tries - 1), 1000);
          p.loadingUrl = null;
          p.failedUrl = url; // not asked again until a rerun names other tracks
          p.tracksProblem = "The commentary could not be loaded. Reload the page to try again.";
          p.update(p.latestRaw);
        });
    load(2);
  }
  const prev = p.data;
  const same = prev && prev.mode === raw.mode && prev.video.src === (raw.video || {}).src;
  return { ...raw, tracks: same ? prev.tracks : [] };
}
