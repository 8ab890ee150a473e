// The console panel's views: chapters to jump to, the presenter notes of now and next, and
// what comes next with the session clock. Functions of the console (console.js) they draw for.

import { el, plainText } from "./dom.js";
import { fmt } from "./model.js";
import * as sync from "./sync.js";

export function renderChapters(c) {
  const list = (c.p.data && c.p.data.chapters) || [];
  const key = list.map((c) => c.id + c.start).join("|");
  if (key === c.chapterKey) return;
  c.chapterKey = key;
  c.chapters.replaceChildren(
    ...list.map((c) =>
      el(
        "button",
        {
          type: "button",
          class: "al-btn al-con-chapter",
          onclick: () => c.p.seek(c.start, true),
        },
        `${fmt(c.start)} ${c.title}`,
      ),
    ),
  );
}

export function renderNotes(c) {
  const notes = c.info.notes || [];
  const held = c.info.notes_held || 0;
  if (!c.connected || held) {
    const hint = !held
      ? "No presenter notes in these tracks."
      : c.connected
        ? "Your notes are on their way…"
        : `${held} note(s): they are sent here once the stage window is open, so a shared console never shows them.`;
    c.notes.replaceChildren(el("p", { class: "al-hint" }, hint));
    c.notesKey = null;
    return;
  }
  const t = c.p.video.currentTime || 0;
  const { now, next } = sync.notesAt(notes, t);
  const key = now.map((n) => n.track + n.cue).join("|") + "/" + (next ? next.cue : "");
  if (key === c.notesKey) return;
  c.notesKey = key;
  const item = (n, label) =>
    el(
      "div",
      { class: "al-con-note", "data-cue": n.cue },
      el("p", { class: "al-con-label" }, `${label} · ${fmt(n.start)}`),
      el("div", { html: n.notes_html }),
    );
  c.notes.replaceChildren(
    ...now.map((n) => item(n, "Now")),
    ...(next ? [item(next, "Next")] : []),
    ...(now.length || next ? [] : [el("p", { class: "al-hint" }, "No more notes.")]),
  );
}

/** The upcoming prompts and ruptures with countdowns, and the session clock. */
export function renderClock(c) {
  const v = c.p.video;
  const t = v.currentTime || 0;
  const rate = v.playbackRate || 1;
  c.next.replaceChildren(
    ...sync
      .upcoming(c.p.data.tracks, t)
      .map((u) =>
        el(
          "li",
          { class: `al-con-${u.kind}` },
          el("strong", {}, u.kind === "prompt" ? "Prompt " : "Rupture "),
          `${sync.countdown(u.at - t, rate)} (${fmt(u.at)}): `,
          u.kind === "prompt"
            ? plainText(u.item.question_html)
            : `${u.item.type_label}, ${u.item.title}`,
        ),
      ),
  );
  const planned = Number(c.planned.value) || 60;
  const s = sync.sessionText(c.sessionStart ? Date.now() - c.sessionStart : 0, planned);
  const left = c.p.duration() - t;
  c.clock.textContent =
    `Elapsed ${s.elapsed} · ${s.over ? "over by " + s.left : s.left + " left"} of ${planned} min` +
    ` · video ${fmt(t)} / ${fmt(c.p.duration())} (${fmt(left)} to go)`;
  c.clock.classList.toggle("is-over", s.over);
}
