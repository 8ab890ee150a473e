// The timeline's legend: one compact line naming every symbol the timeline draws (rupture
// kinds with their letter and pattern, repairs, prompts, chapters), so a room can read it.

import { el } from "./dom.js";
import { MODES_REVEALING_ALL } from "./model.js";

// Learners and a presenter's room (their timeline shows only what has played) must not learn
// from the legend what is coming: it names the standard kinds always (the same for every
// video) and a repair always.
const STANDARD_KINDS = ["withdrawal", "confrontation"];

/** What the timeline uses, collected while it is drawn. */
export function newUsage() {
  return {
    types: new Set(),
    repair: false,
    unhelpful: false,
    prompt: false,
    done: false,
    chapter: false,
  };
}

/** The legend's entries, in reading order: [{id, glyph, text, cls, style}]. Pure. */
export function legendEntries(used, ruptureTypes, mode) {
  const spoilerFree = !MODES_REVEALING_ALL.has(mode);
  const types = spoilerFree ? new Set([...STANDARD_KINDS, ...used.types]) : used.types;
  const out = [];
  const order = [...STANDARD_KINDS, ...[...types].filter((t) => !STANDARD_KINDS.includes(t))];
  for (const type of order) {
    if (!types.has(type)) continue;
    const s = ruptureTypes[type] || {};
    const text = type === "untyped" ? "Rupture, type not chosen yet" : `${s.label || type} rupture`;
    out.push({
      id: `type:${type}`,
      glyph: s.letter || "?",
      text,
      cls: `al-legend-span al-${s.pattern || "plain"}`,
      style: `--rupture:${s.colour || "#666"}`,
    });
  }
  if (used.repair || (spoilerFree && types.size))
    out.push({ id: "repair", glyph: "◆", text: "Repair", cls: "al-glyph-helped" });
  if (used.unhelpful)
    out.push({
      id: "unhelpful",
      glyph: "✕",
      text: "Repair move that did not help",
      cls: "al-glyph-unhelpful",
    });
  if (used.prompt)
    out.push({ id: "prompt", glyph: "?", text: "Pause and reflect", cls: "al-glyph-prompt" });
  if (used.done) out.push({ id: "done", glyph: "\u2713", text: "Answered", cls: "al-glyph-done" });
  if (used.chapter)
    out.push({ id: "chapter", glyph: "§", text: "Chapter", cls: "al-glyph-chapter" });
  return out;
}

/** Draw the legend under the timeline (not in it: a click in the timeline seeks). */
export function renderLegend(p, used) {
  if (p.legend) p.legend.remove();
  p.legend = null;
  if (p.mode === "practice") return;
  const entries = legendEntries(used, p.data.rupture_types || {}, p.mode);
  if (!entries.length) return;
  const items = entries.map((e) =>
    el(
      "li",
      { "data-symbol": e.id },
      el(
        "span",
        { class: `al-legend-glyph ${e.cls}`, style: e.style || null, "aria-hidden": "true" },
        // a rupture kind looks as on the timeline: its letter on a patterned span
        e.id.startsWith("type:") ? el("span", { class: "al-legend-letter" }, e.glyph) : e.glyph,
      ),
      el("span", {}, e.text),
    ),
  );
  p.legend = el("ul", { class: "al-legend", "aria-label": "Timeline legend" }, ...items);
  p.timeline.after(p.legend);
}
