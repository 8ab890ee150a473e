// One row of the commentary list as an element: a cue (time, lens, text, its alliance chips,
// presenter notes) or, in review and author modes, a prompt with its options and commentary.

import { el } from "./dom.js";
import { cueElements } from "./episode_card.js";
import { fmt, isExpertOption, isSelected } from "./model.js";
import { SEP } from "./cue_track.js";

export function rowItem(p, row) {
  const li = row.c ? cueItem(p, row.t, row.c) : promptItem(p, row.t, row.p);
  if (row.c) {
    li.alKey = row.t.id + SEP + row.c.id;
    markActive(li, p.activeIds && p.activeIds.has(li.alKey));
  }
  return li;
}

export function markActive(li, on) {
  li.classList.toggle("is-active", on);
  if (on) li.setAttribute("aria-current", "true");
  else li.removeAttribute("aria-current");
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
