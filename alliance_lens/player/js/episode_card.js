// The episode card (issue 11 §1): what the commentary says about one rupture, in the
// commentary panel. Spoiler-free in learner and presenter modes: the card opens once its
// moment has played or a prompt about it has been answered. File text: textContent, or *_html.

import { el } from "./dom.js";
import { MODES_REVEALING_ALL, fmt } from "./model.js";

const OUTCOME = { helped: "Helped", partly: "Partly helped", did_not_help: "Did not help" };

/** Words for a repair's outcome ("" when not coded). */
export function outcomeLabel(outcome) {
  return OUTCOME[outcome] || "";
}

/** Whether the card of episode `ep` (of track `t`) may show everything now. */
export function cardUnlocked(p, t, ep) {
  if (MODES_REVEALING_ALL.has(p.mode)) return true;
  const end = ep.resolved != null ? ep.resolved : ep.onset;
  if (p.reached + 0.001 >= end) return true;
  if (p.answeredEpisodes && p.answeredEpisodes.has(`${p.src}|${t.id}/${ep.id}`)) return true;
  const answers = (p.data && p.data.answers) || {};
  return t.prompts.some((q) => q.episode === ep.id && answers[`${t.id}/${q.id}`]);
}

/**
 * Learner mode: a reveal about an episode opens its card beside it, once the learner has
 * answered (or the moment has played): the reveal names the moment, the card gives the whole
 * rupture. Not in presenter mode, where the room's discussion sets the pace.
 */
export function openCardAfterReveal(p, a) {
  if (p.mode !== "learner" || !a || !a.prompt.episode) return;
  const t = a.track;
  const ep = t.episodes.find((e) => e.id === a.prompt.episode);
  if (!ep) return;
  if (a.answer) {
    // unlocked now, not only when the answer's rerun brings it back in the data
    if (!p.answeredEpisodes) p.answeredEpisodes = new Set();
    p.answeredEpisodes.add(`${p.src}|${t.id}/${ep.id}`);
  }
  if (cardUnlocked(p, t, ep)) showEpisodeCard(p, t.id, ep.id);
}

function box(p) {
  if (!p.card) {
    p.card = el("section", { class: "al-card", "aria-label": "Rupture card", hidden: true });
    p.side.prepend(p.card);
  }
  return p.card;
}

function chip(p, element, n) {
  const info = ((p.data && p.data.alliance_elements) || {})[element] || {};
  const id = `al-element-def-${element}-${n}`.replace(/[^\w-]/g, "_");
  return el(
    "span",
    { class: "al-element", tabindex: "0", "aria-describedby": id, "data-element": element },
    info.label || element,
    el("span", { class: "al-element-def", role: "tooltip", id }, info.definition || ""),
  );
}

function row(label, ...content) {
  return el(
    "div",
    { class: "al-card-row" },
    el("span", { class: "al-card-label" }, label),
    ...content,
  );
}

function repairItem(r) {
  const how = [r.depth, r.directness].filter(Boolean).join(", ");
  const outcome = outcomeLabel(r.outcome);
  return el(
    "li",
    { class: "al-card-repair" + (r.outcome === "did_not_help" ? " is-unhelpful" : "") },
    el("strong", {}, `Repair at ${fmt(r.at)}: `),
    r.strategies.map((s) => s.label).join("; ") || "no strategy coded",
    how ? el("span", { class: "al-card-how" }, ` (${how})`) : null,
    outcome ? el("span", { class: "al-card-outcome", "data-outcome": r.outcome }, outcome) : null,
    r.note_html ? el("div", { class: "al-card-note", html: r.note_html }) : null,
  );
}

function content(p, t, ep) {
  const parts = [
    el("h3", { class: "al-card-title" }, ep.title),
    el("p", { class: "al-card-type" }, `${ep.type_label} rupture · ${fmt(ep.onset)}`),
  ];
  if (!cardUnlocked(p, t, ep)) {
    parts.push(
      el(
        "p",
        { class: "al-card-locked" },
        "What the commentary says about this rupture appears once its moment has played, " +
          "or once you answer the question about it.",
      ),
    );
    return parts;
  }
  if (ep.markers.length) parts.push(row("Markers", ep.markers.map((m) => m.label).join("; ")));
  if (ep.alliance.length) {
    const chips = el("span", { class: "al-elements" }, ...ep.alliance.map((a, i) => chip(p, a, i)));
    parts.push(row("Alliance strained", chips));
  }
  if (ep.significance != null) parts.push(row("Significance", `${ep.significance} of 5`));
  if (ep.resolution || ep.resolution_rating != null) {
    const rating = ep.resolution_rating != null ? `${ep.resolution_rating} of 5` : "";
    parts.push(row("Resolution", [ep.resolution, rating].filter(Boolean).join(", ")));
  }
  if (ep.commentary_html)
    parts.push(el("div", { class: "al-card-text", html: ep.commentary_html }));
  if (ep.repairs.length)
    parts.push(el("ul", { class: "al-card-repairs" }, ...ep.repairs.map(repairItem)));
  return parts;
}

/**
 * A cue that belongs to an episode shows the alliance elements that episode strains (chips
 * with their definitions) and a button to its card. Spoiler-free like the card: while the
 * card is locked the row stays empty, and play unlocks it (see refreshCard).
 */
export function cueElements(p, t, c) {
  const ep = c.episode ? t.episodes.find((e) => e.id === c.episode) : null;
  if (!ep || !ep.alliance.length) return null;
  const chips = ep.alliance.map((a) => chip(p, a, `${t.id}-${c.id}-${a}`));
  const open = el(
    "button",
    {
      type: "button",
      class: "al-btn al-cue-card",
      "aria-label": `Open the rupture card: ${ep.title}`,
      onclick: () => showEpisodeCard(p, t.id, ep.id),
    },
    "Rupture card",
  );
  const row = el(
    "div",
    { class: "al-cue-elements", "data-episode": ep.id },
    el("span", { class: "al-card-label" }, "Alliance strained"),
    el("span", { class: "al-elements" }, ...chips),
    open,
  );
  if (!cardUnlocked(p, t, ep)) {
    row.hidden = true;
    if (!p.lockedCueElements) p.lockedCueElements = new Set();
    p.lockedCueElements.add({ row, t, ep });
  }
  return row;
}

// Show the cue rows' alliance elements that play has unlocked (rows no longer in the list
// are dropped too: the virtual list makes new ones, which check for themselves).
function unlockCueElements(p) {
  const locked = p.lockedCueElements;
  if (!locked || !locked.size) return;
  for (const item of locked) {
    if (!item.row.isConnected) locked.delete(item);
    else if (cardUnlocked(p, item.t, item.ep)) {
      item.row.hidden = false;
      locked.delete(item);
    }
  }
}

/** Open the card of episode `epId` of track `trackId` (or redraw the open one). */
export function showEpisodeCard(p, trackId, epId) {
  const t = ((p.data && p.data.tracks) || []).find((x) => x.id === trackId);
  const ep = t && t.episodes.find((e) => e.id === epId);
  const card = box(p);
  if (!ep) {
    p.cardOpen = null;
    card.hidden = true;
    card.replaceChildren();
    return;
  }
  p.cardOpen = { track: trackId, id: epId, unlocked: cardUnlocked(p, t, ep) };
  const close = el(
    "button",
    { type: "button", class: "al-btn al-card-close", "aria-label": "Close the rupture card" },
    "×",
  );
  close.addEventListener("click", () => showEpisodeCard(p, null, null));
  card.dataset.episode = epId;
  card.replaceChildren(close, ...content(p, t, ep));
  card.hidden = false;
}

/** Redraw the open card: on new data (`force`), or when play unlocks a locked card. */
export function refreshCard(p, force = false) {
  unlockCueElements(p);
  const open = p.cardOpen;
  if (!open) return;
  const t = ((p.data && p.data.tracks) || []).find((x) => x.id === open.track);
  const ep = t && t.episodes.find((e) => e.id === open.id);
  if (force || !ep || cardUnlocked(p, t, ep) !== open.unlocked) {
    showEpisodeCard(p, open.track, open.id);
  }
}
