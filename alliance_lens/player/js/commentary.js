// The commentary panel: track legend, cue list (with prompts in review/author), the active
// cue (from a hidden metadata track's cuechange) and the spoiler-free reveal by time.

import { el } from "./dom.js";
import { revealedWidth } from "./layout.js";
import { commentaryRows, fmt, isExpertOption, isSelected } from "./model.js";

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

export function renderCues(p) {
  p.items = [];
  p.cueNodes = new Map();
  p.cueList.replaceChildren();
  for (const c of Array.from(p.cueTrack.cues || [])) p.cueTrack.removeCue(c);
  const end = p.duration() + 3600;
  for (const row of commentaryRows(p.data.tracks, p.mode)) {
    const li = row.c ? cueItem(p, row.t, row.c) : promptItem(p, row.t, row.p);
    p.cueList.append(li);
    p.items.push({ time: row.time, node: li });
    if (row.c) {
      const id = row.t.id + "\u241f" + row.c.id;
      p.cueNodes.set(id, li);
      const stop = row.c.end != null && row.c.end > row.c.start ? row.c.end : end;
      const vc = new VTTCue(row.c.start, stop, "");
      vc.id = id;
      p.cueTrack.addCue(vc);
    }
  }
  onCueChange(p);
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
  return el("li", attrs, head, body, notes);
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
  if (!p.cueNodes) return;
  const ids = new Set(Array.from(p.cueTrack.activeCues || []).map((c) => c.id));
  let newest = null;
  for (const [id, li] of p.cueNodes) {
    const on = ids.has(id);
    li.classList.toggle("is-active", on);
    if (on) {
      li.setAttribute("aria-current", "true");
      newest = li;
    } else li.removeAttribute("aria-current");
  }
  if (ids.size && p.reached !== Infinity) {
    p.reached = Math.max(p.reached, p.video.currentTime);
    reveal(p);
  }
  if (newest) scrollTo(p, newest);
}

export function scrollTo(p, li) {
  // scroll the panel only: scrollIntoView would also scroll the presenter's page
  const list = p.cueList;
  const top = li.offsetTop - list.offsetTop;
  if (top < list.scrollTop || top + li.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTo({ top: Math.max(0, top - list.clientHeight / 3), behavior: "smooth" });
  }
}

// Learner and presenter: show only what has played (spoiler-free), by time.
export function reveal(p) {
  const upTo = p.reached + 0.001;
  let shown = 0;
  for (const it of p.items) {
    const vis = it.time <= upTo;
    it.node.hidden = !vis;
    shown += vis;
  }
  for (const node of p.root.querySelectorAll("[data-reveal-at]"))
    node.hidden = Number(node.dataset.revealAt) > upTo;
  for (const span of p.root.querySelectorAll(".al-episode[data-onset]")) {
    span.style.width = revealedWidth(
      Number(span.dataset.onset),
      Number(span.dataset.end),
      p.reached,
      p.duration(),
    );
  }
  p.empty.hidden = shown > 0;
  p.empty.textContent = p.items.length
    ? "Commentary appears here as the video reaches each moment."
    : "No running commentary in the chosen tracks.";
}
