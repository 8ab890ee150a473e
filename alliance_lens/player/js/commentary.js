// The commentary panel: track legend, cue list (with prompts in review/author), the active
// cue (from a hidden metadata track's cuechange) and the spoiler-free reveal by time.

import { el } from "./dom.js";
import { cueElements } from "./episode_card.js";
import { revealedWidth } from "./layout.js";
import { commentaryRows, fmt, isExpertOption, isSelected } from "./model.js";
import { countUpTo, prefixSums, rowAt, scrollTarget, visibleWindow } from "./vlist.js";

export function renderTrackBar(p) {
  // a legend: which colour is which track (the page's track picker chooses them)
  p.trackBar.replaceChildren();
  if (p.data.tracks.length < 2) return;
  for (const t of p.data.tracks) {
    p.trackBar.append(
      el(
        "span",
        { class: "al-chip", style: `--track:${t.colour}` },
        el("span", { class: "al-swatch", "aria-hidden": "true" }),
        t.name,
      ),
    );
  }
}

// The list is virtual: only the rows in view (plus OVERSCAN each side) are in the DOM, so a
// 10,000-cue track mounts and follows the playhead without long tasks. Row heights start as
// an estimate and are measured once rendered; aria-setsize/posinset give the true size.
const OVERSCAN = 8;
const EST_ROW_PX = 90;
const SEP = "\u241f";

export function renderCues(p) {
  // tracks from the route keep their identity across reruns: then the list stays as it is
  const tracks = p.data.tracks;
  if (p.rows && p.rowsOf === tracks && p.rowsMode === p.mode && p.rowsSel === p.selKey) {
    reveal(p);
    onCueChange(p);
    return;
  }
  p.rowsOf = tracks;
  p.rowsSel = p.selKey;
  const rows = commentaryRows(tracks, p.mode);
  const n = rows.length;
  const changed = syncCues(p, rows);
  const sameRows = p.rows && p.rows.length === n && p.rowsMode === p.mode && !changed;
  p.rowsMode = p.mode;
  p.rows = rows;
  p.rowTimes = Float64Array.from(rows, (r) => r.time);
  if (!sameRows) {
    p.heights = new Float64Array(n).fill(EST_ROW_PX);
    p.measured = new Uint8Array(n);
    p.estimated = false;
  }
  p.shown = null; // reveal() sets it and renders the window
  p.offsets = null;
  p.rendered = new Map(); // row index -> <li> in the DOM
  // spacers stand for the rows not rendered (padding would grow the box past its max-height)
  const spacer = () => el("li", { class: "al-cue-pad", "aria-hidden": "true" });
  p.topPad = spacer();
  p.bottomPad = spacer();
  p.cueList.replaceChildren(p.topPad, p.bottomPad);
  reveal(p);
  onCueChange(p);
}

/**
 * Make the metadata track hold one cue per cue row; true if the cues changed. A rerun sends
 * the same track again: then nothing is done (a comparison, no strings). Otherwise only the
 * difference is applied, and new cues are added in slices of a few ms, those from the playhead
 * on first: 10,000 VTTCues take ~200 ms to make on a busy machine. The cue rows themselves are
 * the specs (no copies: a 10,000-cue track is allocated once).
 */
function syncCues(p, rows) {
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
function rowOfCue(p, vc) {
  for (let i = countUpTo(p.rowTimes, vc.startTime) - 1; i >= 0; i--) {
    const r = p.rows[i];
    if (r.time < vc.startTime) break;
    if (r.c && r.t.id + SEP + r.c.id === vc.id) return i;
  }
  return -1;
}

function offsets(p) {
  if (!p.offsets) p.offsets = prefixSums(p.heights, p.shown);
  return p.offsets;
}

/** Render the rows in view for the list's scroll position; measure them; keep the view still. */
export function renderWindow(p) {
  if (!p.rows) return;
  const list = p.cueList;
  const n = p.shown;
  if (!n && !p.rendered.size) {
    // nothing to show (a learner at the start): no geometry read, so no forced layout
    p.topPad.style.height = p.bottomPad.style.height = "0px";
    return;
  }
  const top = list.scrollTop;
  const height = list.clientHeight || 800; // not laid out yet: a first screenful
  const o = offsets(p);
  const { start, end } = visibleWindow(o, n, top, height, OVERSCAN);
  const anchor = rowAt(o, n, top);
  for (const [i, li] of p.rendered) {
    if (i < start || i >= end) {
      li.remove();
      p.rendered.delete(i);
    }
  }
  // the kept rows are one run in order: insert the new ones around it
  let next = p.topPad.nextElementSibling;
  for (let i = start; i < end; i++) {
    let li = p.rendered.get(i);
    if (li) {
      next = li.nextElementSibling;
      continue;
    }
    li = rowItem(p, p.rows[i]);
    p.rendered.set(i, li);
    list.insertBefore(li, next);
  }
  for (const [i, li] of p.rendered) {
    li.setAttribute("aria-setsize", n);
    li.setAttribute("aria-posinset", i + 1);
  }
  // pads first: measuring lays out, and a layout with stale pads would clamp the scroll
  const pad = (o) => {
    p.topPad.style.height = `${o[start]}px`;
    p.bottomPad.style.height = `${o[n] - o[end]}px`;
  };
  pad(o);
  const total = o[n];
  const shift = measure(p, start, end, anchor);
  if (shift === null) return;
  pad(offsets(p));
  // keep the first row in view where it was; at the end of the list, stay at the end
  if (top > 0 && top + list.clientHeight >= total - 2)
    list.scrollTo({ top: offsets(p)[n], behavior: "instant" });
  else if (shift && top > 0) list.scrollTo({ top: top + shift, behavior: "instant" });
}

/** Measure the rendered rows; null if no height changed, else how far the rows above the
 * anchor (the first row in view) moved. */
function measure(p, start, end, anchor) {
  if (!p.rendered.size || !p.cueList.clientHeight) return null;
  if (p.rowGap == null) {
    const first = p.rendered.values().next().value;
    p.rowGap = parseFloat(getComputedStyle(first).marginBottom) || 0;
  }
  let changed = false;
  let shift = 0;
  for (let i = start; i < end; i++) {
    const h = p.rendered.get(i).offsetHeight + p.rowGap;
    p.measured[i] = 1;
    if (Math.abs(h - p.heights[i]) < 0.5) continue;
    if (i < anchor) shift += h - p.heights[i];
    p.heights[i] = h;
    changed = true;
  }
  if (!p.estimated && end > start) {
    // the first rows measured are the best guess for the others
    p.estimated = true;
    let sum = 0;
    for (let i = start; i < end; i++) sum += p.heights[i];
    const est = sum / (end - start);
    for (let i = 0; i < p.heights.length; i++) if (!p.measured[i]) p.heights[i] = est;
    changed = true;
  }
  if (!changed) return null;
  p.offsets = null;
  return shift;
}

function rowItem(p, row) {
  const li = row.c ? cueItem(p, row.t, row.c) : promptItem(p, row.t, row.p);
  if (row.c) {
    li.alKey = row.t.id + SEP + row.c.id;
    markActive(li, p.activeIds && p.activeIds.has(li.alKey));
  }
  return li;
}

function markActive(li, on) {
  li.classList.toggle("is-active", on);
  if (on) li.setAttribute("aria-current", "true");
  else li.removeAttribute("aria-current");
}

/** Scroll the list (only the list: the presenter's page stays put) so row i is in view. */
export function scrollToRow(p, i) {
  const list = p.cueList;
  const height = list.clientHeight;
  if (!height || i < 0 || i >= p.shown) return;
  const o = offsets(p);
  const target = scrollTarget(o[i], o[i + 1] - o[i], list.scrollTop, height);
  if (target === null) return;
  // far away (a seek): jump and render there now; near: glide as before
  const far = Math.abs(target - list.scrollTop) > 2 * height;
  list.scrollTo({ top: target, behavior: far ? "instant" : "smooth" });
  if (far) renderWindow(p);
}

/** Author mode: bring the selected row into view. */
export function scrollToSelected(p) {
  if (!p.rows || !p.selected) return;
  const s = p.selected;
  const i = p.rows.findIndex((r) =>
    r.c ? isSelected(s, "cue", r.t.id, r.c.id) : isSelected(s, "prompt", r.t.id, r.p.id),
  );
  scrollToRow(p, i);
}

/** Re-render the window when the viewer scrolls (once per frame at most). */
export function listenScroll(p) {
  p.cueList.addEventListener("scroll", () => {
    if (p.scrollPending) return;
    p.scrollPending = requestAnimationFrame(() => {
      p.scrollPending = 0;
      renderWindow(p);
    });
  });
}

function timeButton(p, at) {
  return el(
    "button",
    {
      class: "al-cue-time",
      type: "button",
      "aria-label": `Go to ${fmt(at)}`,
      onclick: () => p.seek(at),
    },
    fmt(at),
  );
}

function cueItem(p, t, c) {
  const lens = el("span", { class: "al-lens", style: `--lens:${c.lens_colour}` }, c.lens_label);
  const trackName = p.data.tracks.length > 1 ? el("span", { class: "al-cue-track" }, t.name) : null;
  const head = el("div", { class: "al-cue-head" }, timeButton(p, c.start), lens, trackName);
  const body = el("div", { class: "al-cue-text", html: c.html });
  const notes = c.notes_html ? el("div", { class: "al-notes", html: c.notes_html }) : null;
  if (notes) notes.prepend(el("strong", {}, "Presenter notes: "));
  const on = isSelected(p.selected, "cue", t.id, c.id);
  const attrs = {
    class: "al-cue" + (on ? " is-selected" : ""),
    style: `--track:${t.colour}`,
    "data-id": c.id,
    "data-track": t.id,
    "data-selected": on ? "true" : null,
  };
  return el("li", attrs, head, body, cueElements(p, t, c), notes);
}

function promptItem(p, t, q) {
  const reveal = q.reveal_html
    ? el(
        "details",
        { class: "al-listed-reveal" },
        el("summary", {}, "Commentary"),
        el("div", { html: q.reveal_html }),
      )
    : null;
  const option = (o) =>
    el(
      "li",
      { class: isExpertOption(q, o) ? "is-expected" : "" },
      o + (isExpertOption(q, o) ? " (expert)" : ""),
    );
  const opts = q.options.length
    ? el("ul", { class: "al-listed-options" }, ...q.options.map(option))
    : null;
  const on = isSelected(p.selected, "prompt", t.id, q.id);
  const attrs = {
    class: "al-cue al-cue-prompt" + (on ? " is-selected" : ""),
    style: `--track:${t.colour}`,
    "data-prompt": q.id,
    "data-track": t.id,
    "data-selected": on ? "true" : null,
  };
  const head = el(
    "div",
    { class: "al-cue-head" },
    timeButton(p, q.at),
    el("span", { class: "al-lens al-lens-prompt" }, "Reflect"),
  );
  return el(
    "li",
    attrs,
    head,
    el("div", { class: "al-cue-text", html: q.question_html }),
    opts,
    reveal,
  );
}

export function onCueChange(p) {
  if (!p.rows) return;
  const active = Array.from(p.cueTrack.activeCues || []);
  const ids = new Set(active.map((c) => c.id));
  p.activeIds = ids;
  let newest = -1;
  for (const vc of active) newest = Math.max(newest, rowOfCue(p, vc));
  for (const li of p.rendered.values()) if (li.alKey) markActive(li, ids.has(li.alKey));
  // through the player's raise: the card and cue chips unlock with what is revealed (a
  // cuechange can come before "seeked", which then found nothing new to raise)
  if (ids.size) p.raise(p.video.currentTime);
  // a keyboard user inside the list keeps their place (and focus: rows far away are removed)
  const focused = p.root.getRootNode().activeElement;
  if (newest >= 0 && !(focused && p.cueList.contains(focused))) scrollToRow(p, newest);
}

// Learner and presenter: show only what has played (spoiler-free), by time. Runs on every
// frame while playing, so it does a binary search and touches the DOM only on a change.
export function reveal(p) {
  if (!p.rows) return;
  const upTo = p.reached + 0.001;
  const shown = p.reached === Infinity ? p.rows.length : countUpTo(p.rowTimes, upTo);
  if (shown !== p.shown) {
    p.shown = shown;
    p.offsets = null;
    renderWindow(p);
  }
  if (!p.revealNodes) {
    p.revealNodes = Array.from(p.root.querySelectorAll("[data-reveal-at]"), (node) => ({
      node,
      at: Number(node.dataset.revealAt),
    }));
    p.spans = Array.from(p.root.querySelectorAll(".al-episode[data-onset]"));
  }
  for (const { node, at } of p.revealNodes) {
    const hide = at > upTo;
    if (node.hidden !== hide) node.hidden = hide;
  }
  for (const span of p.spans) {
    const w = revealedWidth(
      Number(span.dataset.onset),
      Number(span.dataset.end),
      p.reached,
      p.duration(),
    );
    if (span.alWidth !== w) span.style.width = span.alWidth = w;
  }
  p.empty.hidden = shown > 0;
  const text = p.rows.length
    ? "Commentary appears here as the video reaches each moment."
    : "No running commentary in the chosen tracks.";
  if (p.empty.textContent !== text) p.empty.textContent = text;
}
