// The rupture timeline (chapters, episode spans in lanes, repairs, prompts), its tooltips,
// the jump list and the playhead. Positions come from layout.js.

import { el, plainText } from "./dom.js";
import { episodeLines, laneStyle, layoutEpisodes, pct, repairLines } from "./layout.js";
import { fmt, isSelected } from "./model.js";
import { reveal } from "./commentary.js";
import { draggable } from "./drag.js";
import { outcomeLabel, showEpisodeCard } from "./episode_card.js";
import { newUsage, renderLegend } from "./legend.js";

const THUMB_PREFIX = "data:image/jpeg;base64,";
const LANE_PX = 24; // row height per lane when episodes overlap

export function renderTimeline(p) {
  if (!p.data) return;
  const d = p.duration();
  const at = (t) => pct(t, d);
  p.timeline.replaceChildren();
  p.revealNodes = null; // reveal() collects the new nodes once
  const used = newUsage(); // what the legend names
  const chapters = el("div", { class: "al-row al-row-chapters" });
  used.chapter = p.data.chapters.length > 0;
  for (const ch of p.data.chapters) {
    const m = marker(p, "al-chapter", ch.start, `Chapter: ${ch.title}`, [ch.title], "§");
    m.dataset.id = ch.id;
    if (titleWaits(p, ch)) m.dataset.revealAt = ch.start;
    if (markSelected(m, isSelected(p.selected, "chapter", null, ch.id)) && p.mode === "author")
      draggable(p, m, ch.start, null);
    chapters.append(m);
  }
  p.timeline.append(chapters);
  for (const t of p.data.tracks) {
    const { spans, lanes } = layoutEpisodes(t.episodes, d);
    const lane = `max(${LANE_PX}px * var(--scale), var(--sym) * 1.5)`; // the letter fits
    const height = lanes > 1 ? `;height:calc(${lanes} * ${lane})` : "";
    const row = el("div", {
      class: "al-row",
      style: `--track:${t.colour}${height}`,
      "aria-label": t.name,
      role: "group",
    });
    row.dataset.lanes = lanes;
    for (const { ep, end, lane } of spans) {
      const style = p.data.rupture_types[ep.type] || {};
      used.types.add(ep.type);
      const lines = episodeLines(ep);
      const span = el(
        "button",
        {
          class: `al-episode al-${style.pattern || "plain"}`,
          type: "button",
          "data-id": ep.id,
          "data-type": ep.type,
          "data-onset": ep.onset,
          "data-end": end,
          "data-lane": lane,
          "data-reveal-at": ep.onset,
          style:
            `left:${at(ep.onset)};width:${at(end - ep.onset)};` +
            `--rupture:${style.colour || "#666"};${laneStyle(lane, lanes)}`,
          "aria-label": lines.join(". "),
          "aria-describedby": "al-tip",
          onclick: () => {
            p.seek(ep.onset);
            showEpisodeCard(p, t.id, ep.id);
          },
        },
        el("span", { class: "al-letter", "aria-hidden": "true" }, style.letter || "?"),
      );
      tipOn(p, span, lines, ep.thumb);
      if (markSelected(span, isSelected(p.selected, "episode", t.id, ep.id)) && p.mode === "author")
        draggable(p, span, ep.onset, ep.resolved ?? null);
      row.append(span);
      for (const r of ep.repairs) {
        // a move that did not help is not drawn like a repair that worked (issue 11 §2)
        const unhelpful = r.outcome === "did_not_help";
        if (unhelpful) used.unhelpful = true;
        else used.repair = true;
        const rl = [...repairLines(r), outcomeLabel(r.outcome), plainText(r.note_html || "")];
        const lines = rl.filter(Boolean);
        const cls = unhelpful ? "al-repair al-repair-unhelpful" : "al-repair";
        const m = marker(p, cls, r.at, lines.join(". "), lines, unhelpful ? "✕" : "◆");
        m.dataset.revealAt = r.at;
        if (r.outcome) m.dataset.outcome = r.outcome;
        row.append(m);
      }
    }
    for (const q of t.prompts) row.append(promptMarker(p, t, q, used));
    p.timeline.append(row);
  }
  p.timeline.append(p.playhead);
  renderLegend(p, used);
  reveal(p);
  drawPlayhead(p);
}

function promptMarker(p, t, q, used) {
  // a prompt this learner has answered shows a tick, so they can see what is done
  const done = p.mode === "learner" && !!(p.data.answers || {})[`${t.id}/${q.id}`];
  if (done) used.done = true;
  else used.prompt = true;
  const label = `${done ? "Answered: p" : "P"}ause and reflect at ${fmt(q.at)}`;
  const spoilerFree = p.mode === "learner" || p.mode === "presenter";
  const lines = spoilerFree ? [label] : [label, plainText(q.question_html)];
  const m = marker(
    p,
    "al-promptmark" + (done ? " is-done" : ""),
    q.at,
    label,
    lines,
    done ? "\u2713" : "?",
  );
  m.dataset.id = q.id;
  if (markSelected(m, isSelected(p.selected, "prompt", t.id, q.id)) && p.mode === "author")
    draggable(p, m, q.at, null);
  return m;
}

function marker(p, cls, at, label, lines, glyph) {
  const attrs = {
    class: `al-marker ${cls}`,
    type: "button",
    style: `left:${pct(at, p.duration())}`,
    "aria-label": label,
    "aria-describedby": "al-tip",
    onclick: () => p.seek(at),
  };
  const b = el("button", attrs, el("span", { "aria-hidden": "true" }, glyph));
  tipOn(p, b, lines);
  return b;
}

function markSelected(node, on) {
  if (!on) return false;
  node.classList.add("is-selected");
  node.dataset.selected = "true";
  node.setAttribute("aria-label", `Selected. ${node.getAttribute("aria-label") || ""}`);
  return true;
}

function tipOn(p, node, lines, thumb) {
  const show = () => {
    const parts = [];
    // a picture of the onset frame: a data: URI from Python, never markup (no innerHTML)
    if (typeof thumb === "string" && thumb.startsWith(THUMB_PREFIX)) {
      const img = document.createElement("img");
      img.className = "al-tip-thumb";
      img.alt = "";
      img.width = 160;
      img.src = thumb;
      parts.push(img);
    }
    p.tip.replaceChildren(...parts, ...lines.map((l, i) => el(i ? "div" : "strong", {}, l)));
    p.tip.hidden = false;
    const r = node.getBoundingClientRect();
    const host = p.root.getBoundingClientRect();
    p.tip.style.left = `${Math.max(0, Math.min(r.left - host.left, host.width - 320))}px`;
    p.tip.style.top = `${r.bottom - host.top + 6}px`;
  };
  const hide = () => {
    p.tip.hidden = true;
    p.tip.replaceChildren();
  };
  node.addEventListener("mouseenter", show);
  node.addEventListener("focus", show);
  node.addEventListener("mouseleave", hide);
  node.addEventListener("blur", hide);
}

/** Learner mode: a chapter's title waits until its start is reached (issue 11 §6). */
function titleWaits(p, ch) {
  return p.mode === "learner" && !ch.safe_to_show_early;
}

/** A group (heading and list) shown from its first item's moment: never an empty heading. */
function jumpGroup(title, items, times) {
  const attrs = { class: "al-jumpgroup" };
  if (times.length) attrs["data-reveal-at"] = Math.min(...times);
  return el("div", attrs, el("h3", {}, title), el("ol", {}, ...items));
}

export function renderJump(p) {
  p.jump.replaceChildren();
  p.revealNodes = null;
  const chapterTimes = p.data.chapters.map((ch) => (titleWaits(p, ch) ? ch.start : 0));
  const chapters = p.data.chapters.map((ch) =>
    el(
      "li",
      titleWaits(p, ch) ? { "data-reveal-at": ch.start } : {},
      el(
        "button",
        { type: "button", class: "al-jumpbtn", onclick: () => p.seek(ch.start) },
        el("span", { class: "al-jt" }, fmt(ch.start)),
        ch.title,
      ),
    ),
  );
  const eps = [];
  for (const t of p.data.tracks) {
    for (const ep of t.episodes) {
      const style = p.data.rupture_types[ep.type] || {};
      const on = isSelected(p.selected, "episode", t.id, ep.id);
      const badge = el(
        "span",
        {
          class: `al-badge al-${style.pattern}`,
          style: `--rupture:${style.colour}`,
          "aria-hidden": "true",
        },
        style.letter,
      );
      const attrs = {
        type: "button",
        class: "al-jumpbtn" + (on ? " is-selected" : ""),
        "aria-current": on ? "true" : null,
        onclick: () => {
          p.seek(ep.onset);
          showEpisodeCard(p, t.id, ep.id);
        },
      };
      const b = el(
        "button",
        attrs,
        badge,
        el("span", { class: "al-jt" }, fmt(ep.onset)),
        `${ep.title} (${ep.type_label.toLowerCase()})`,
      );
      eps.push(el("li", { "data-reveal-at": ep.onset }, b));
    }
  }
  if (chapters.length) p.jump.append(jumpGroup("Chapters", chapters, chapterTimes));
  const onsets = p.data.tracks.flatMap((t) => t.episodes.map((ep) => ep.onset));
  if (eps.length) p.jump.append(jumpGroup("Ruptures", eps, onsets));
}

export function drawPlayhead(p) {
  const t = p.video.currentTime || 0;
  p.playhead.style.left = `${Math.min(100, (t / p.duration()) * 100)}%`;
  p.timeText.textContent = `${fmt(t)} / ${fmt(p.duration())}`;
}
