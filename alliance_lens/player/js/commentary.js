// The commentary panel: track legend, the virtual cue list (rows drawn by cue_rows.js), the
// active cue (cuechange of the metadata track cue_track.js keeps) and the spoiler-free reveal.

import { el } from "./dom.js";
import { markActive, rowItem } from "./cue_rows.js";
import { rowOfCue, syncCues } from "./cue_track.js";
import { revealedWidth } from "./layout.js";
import { commentaryRows, isSelected } from "./model.js";
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
