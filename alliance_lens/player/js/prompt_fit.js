// The open prompt on a shared screen: in presenter mode it sits beside the video (in the
// commentary column; on the stage window in its own grid cell) and fits the window; a reveal
// too long for the space left is shown in pages ("1/3"), turned with PageDown/PageUp or the
// pager's buttons, so nobody scrolls. A console also turns its stage's pages (pl.farPages).

import { el } from "./dom.js";

// modes whose prompt sits beside the video (the stage window may add its own)
export const BESIDE_MODES = new Set(["presenter"]);
const NARROW_PX = 760; // below this the layout is one column (player.css): prompt under video
// tried in turn before the reveal is paged: smaller type, then (revealed) only the expert's
// option among the choices (the verdict names it too)
const STEPS = [
  { font: 1, compact: false },
  { font: 0.92, compact: false },
  { font: 0.85, compact: false },
  { font: 0.85, compact: true },
];
const GAP_PX = 40; // between pages (CSS columns)
const MARGIN_PX = 12; // kept free under the prompt
const MIN_FONT_PX = 16; // smaller type stops here: below it a room cannot read the reveal

/** How many pages `total` px of columns make for pages `width` px wide with `gap` between. */
export function pageCount(total, width, gap) {
  if (!(width > 0)) return 1;
  return Math.max(1, Math.round((total + gap) / (width + gap)));
}

/** The page shown after turning `dir` (+1/-1) from `i` of `n`, or null if there is none. */
export function turnTo(i, n, dir) {
  const j = i + dir;
  return j >= 0 && j < n ? j : null;
}

/** Put the prompt box where it belongs: beside the video (room modes, wide) or under it. */
export function placePrompt(pl) {
  // the stage window (stage.css) lays its prompt out itself, under the main column's grid
  const own = pl.root.classList.contains("is-stage");
  const beside = !own && BESIDE_MODES.has(pl.mode) && pl.root.clientWidth > NARROW_PX;
  const box = pl.promptBox;
  if (beside && box.parentNode !== pl.side) pl.side.prepend(box);
  else if (!beside && box.previousSibling !== pl.stage) pl.stage.after(box);
  pl.root.classList.toggle("is-prompt-beside", beside);
}

/** The pager's controls (in the prompt's action row), hidden until a reveal needs pages. */
export function pagerControls(pl) {
  const btn = (cls, label, dir, text) =>
    el(
      "button",
      {
        type: "button",
        class: `al-btn ${cls}`,
        "aria-label": label,
        onclick: () => turnPage(pl, dir),
      },
      text,
    );
  return el(
    "div",
    { class: "al-pager", role: "group", "aria-label": "Pages of the commentary", hidden: true },
    btn("al-page-prev", "Previous page (Page Up)", -1, "◂"),
    el("span", { class: "al-page-no", "aria-live": "polite" }, "1/1"),
    btn("al-page-next", "Next page (Page Down)", 1, "▸"),
  );
}

/** Make the open prompt fit the window: smaller type first, then pages for the reveal. */
export function fitPrompt(pl) {
  fit(pl);
  if (pl.onPaged) pl.onPaged(pl.revealPages); // the stage tells its console how many pages
}

function fit(pl) {
  const box = pl.promptBox;
  pl.revealPages = null;
  box.classList.remove("is-paged", "is-compact");
  box.style.removeProperty("height");
  box.style.removeProperty("max-height");
  box.style.removeProperty("font-size");
  const pager = box.querySelector(".al-pager");
  if (pager) pager.hidden = true;
  // a refit (resize, full screen) measures the text as written, not as the last pages cut it
  const laid = box.querySelector(".al-reveal-text");
  if (laid) laid.removeAttribute("style");
  // the stage window (stage.css) gives the prompt its own cell beside the video: fit it too
  const own = pl.root.classList.contains("is-stage");
  if (box.hidden || !(own || pl.root.classList.contains("is-prompt-beside"))) return;
  const top = Math.max(0, box.getBoundingClientRect().top);
  const margin = own ? parseFloat(getComputedStyle(pl.root).paddingBottom) || 0 : MARGIN_PX;
  const avail = Math.max(240, window.innerHeight - top - margin);
  box.style.maxHeight = `${avail}px`;
  const revealed = !!box.querySelector(".al-revealed");
  // steps scale the type the page's CSS gives the box (px: an inline em would replace it)
  const base = parseFloat(getComputedStyle(box).fontSize) || MIN_FONT_PX;
  for (const step of STEPS) {
    if (step.compact && !revealed) break;
    const px = Math.max(Math.min(base, MIN_FONT_PX), base * step.font);
    box.style.fontSize = step.font === 1 ? "" : `${px}px`;
    box.classList.toggle("is-compact", step.compact);
    if (box.scrollHeight <= box.clientHeight + 1) return;
  }
  const view = box.querySelector(".al-reveal-view");
  if (!view || !pager) return; // still asking: the box scrolls as a last resort
  box.classList.add("is-paged");
  box.style.height = `${avail}px`;
  pager.hidden = false; // measured with the page number shown (on the stage it is the row)
  const text = view.firstElementChild;
  const width = view.clientWidth;
  text.style.width = `${width}px`;
  text.style.columnWidth = `${width}px`;
  text.style.columnGap = `${GAP_PX}px`;
  text.style.height = `${view.clientHeight}px`;
  const n = pageCount(view.scrollWidth, width, GAP_PX);
  pl.revealPages = { i: 0, n, step: width + GAP_PX, view, pager };
  pager.hidden = n < 2;
  const a = pl.clock.active;
  showPage(pl, Math.min((a && a.page) || 0, n - 1)); // a rerun keeps the page shown
}

function showPage(pl, i) {
  const pg = pl.revealPages;
  pg.i = i;
  if (pl.clock.active) pl.clock.active.page = i;
  pg.view.scrollLeft = i * pg.step;
  pg.pager.querySelector(".al-page-no").textContent = `${i + 1}/${pg.n}`;
  updatePager(pl);
}

/** Show page `i` of the open reveal (clamped); the stage shows the page its console says. */
export function showPageAt(pl, i) {
  const pg = pl.revealPages;
  if (pg) showPage(pl, Math.max(0, Math.min(i, pg.n - 1)));
}

/** Enable the pager's buttons while this window or its stage (pl.farPages) has a page that way. */
export function updatePager(pl) {
  const pg = pl.revealPages;
  if (!pg) return;
  const can = (dir) => turnTo(pg.i, pg.n, dir) !== null || !!(pl.farPages && pl.farPages.can(dir));
  pg.pager.querySelector(".al-page-prev").disabled = !can(-1);
  pg.pager.querySelector(".al-page-next").disabled = !can(1);
}

/**
 * Turn the open reveal's page by `dir`, here and on a stage window this console drives;
 * false when neither has a page that way (no paged reveal, or at its first/last page): the
 * key then goes to the next/previous moment.
 */
export function turnPage(pl, dir) {
  if (!pl.clock.active || pl.clock.active.state !== "revealed") return false;
  const pg = pl.revealPages;
  const j = pg ? turnTo(pg.i, pg.n, dir) : null;
  // the stage's pages turn even when this (narrow) console has none of its own
  const far = !!(pl.farPages && pl.farPages.turn(dir));
  if (j !== null) showPage(pl, j);
  else updatePager(pl);
  return j !== null || far;
}

/** Refit the open prompt when the window or full screen changes (once per player). */
export function watchFit(pl) {
  pl.onFit = () => {
    if (!pl.clock.active) return;
    placePrompt(pl);
    fitPrompt(pl);
  };
  window.addEventListener("resize", pl.onFit);
  document.addEventListener("fullscreenchange", pl.onFit);
  return () => {
    window.removeEventListener("resize", pl.onFit);
    document.removeEventListener("fullscreenchange", pl.onFit);
  };
}
