// The console's side of the room on the stage (issue 15 x 13): this console holds the room's
// presenter key, fetches what the presenter chose to show (GET .../presenter/stage) and sends
// the stage plain, already-approved data over the channel ("room-display" {view}). The stage
// never holds the key. buildView is pure, so tests can load it in a blank page. RoomPager:
// the presenter turns the stage's answer pages ("room-turn") and sees the room's pager line.

import { el } from "./dom.js";
import { turnTo } from "./prompt_fit.js";

export const POLL_MS = 1500;
const MAX_TEXTS = 100; // the newest approved answers; the stage pages through them whole
const MAX_CHARS = 1000; // a participant's whole answer (rooms/core.py MAX_TEXT_ANSWER_CHARS)
const CODE_RE = /^[A-Z0-9]{4,16}$/;

const num = (x) => (Number.isFinite(Number(x)) ? Number(x) : 0);
const text = (x, n = MAX_CHARS) => String(x == null ? "" : x).slice(0, n);

/**
 * The stage's view from the presenter route's answer `v` (for "score", `v.score`: the room's
 * taps scored on the server at this poll against the expert onsets the console sent, whose
 * labels are in the console's `expert`): only plain strings and numbers; null when the stage
 * shows nothing of the room.
 */
export function buildView(v, expert = null) {
  if (!v || typeof v !== "object") return null;
  const display = String(v.display || "nothing");
  if (display === "bars") {
    const counts = v.counts && typeof v.counts === "object" ? v.counts : {};
    const answered = num(v.answered) || Object.values(counts).reduce((a, n) => a + num(n), 0);
    const bars = Object.entries(counts).map(([label, n]) => ({
      label: text(label, 200),
      count: num(n),
      pct: answered ? Math.round((100 * num(n)) / answered) : 0,
    }));
    // how to read the shares (several choices each: over 100%), worded by the server
    return { display, question: text(v.question), answered, bars, note: text(v.note, 200) };
  }
  if (display === "approved") {
    const texts = (Array.isArray(v.texts) ? v.texts : []).slice(-MAX_TEXTS).map((t) => text(t));
    return { display, question: text(v.question), texts };
  }
  if (display === "taps") {
    const bins = (Array.isArray(v.density) ? v.density : []).map(num);
    return { display, bins, total: (v.taps_ms || []).length };
  }
  if (display === "join") {
    const code = String(v.code || "");
    return CODE_RE.test(code) ? { display, code, url: text(v.join_url, 300) } : null;
  }
  if (display === "score") {
    const score = v.score;
    if (!expert) return { display, unscored: true }; // the shown tracks mark no rupture
    if (!score || !Array.isArray(score.ruptures)) return { display, pending: true };
    const labels = expert && Array.isArray(expert.labels) ? expert.labels : [];
    const ruptures = score.ruptures.map((r, i) => ({
      label: text(labels[i], 120),
      at: Math.min(1, Math.max(0, num(r.at))),
      hit: !!r.hit,
      taps: num(r.taps),
      latency_ms: r.latency_ms == null ? null : num(r.latency_ms),
    }));
    return {
      display,
      ruptures,
      noticed: num(score.noticed),
      of: num(score.of),
      outside: num(score.outside),
    };
  }
  return null;
}

/** The presenter's stage route for this poll: the video's length for the density strip, and
 * the expert onsets, so the server scores the taps stored now ("Room vs expert", live). */
export function stageUrl(room, durationS) {
  const q = new URLSearchParams({ duration_ms: String(Math.round((durationS || 0) * 1000)) });
  const expert = room.expert;
  if (expert && Array.isArray(expert.onsets_ms) && Array.isArray(expert.window_ms)) {
    q.set("onsets", expert.onsets_ms.map((t) => Math.round(num(t))).join(","));
    q.set("window", expert.window_ms.map((t) => Math.round(num(t))).join(","));
  }
  return `/room-api/${encodeURIComponent(room.code)}/presenter/stage?${q}`;
}

/** Polls the room while a stage follows this console and a room is open; sends each view. */
export class RoomFeed {
  constructor(p, send, connected) {
    this.p = p;
    this.send = send; // (view | null) => posts "room-display" to the stage
    this.connected = connected;
    this.shown = false;
    this.busy = false;
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  async poll() {
    const room = this.p.data && this.p.data.room;
    if (!this.connected() || this.busy) return;
    if (!room) {
      if (this.shown) this.send(null); // the room was closed or deleted: clear the stage
      this.shown = false;
      return;
    }
    this.busy = true;
    try {
      const res = await fetch(stageUrl(room, this.p.duration()), {
        headers: { "X-Room-Key": room.key },
        cache: "no-store",
      });
      if (!res.ok) return; // a lost poll: the stage keeps the last view until the next one
      const view = buildView(await res.json(), room.expert || null);
      this.send(view); // every poll: a stage opened late or reloaded catches up within one
      this.shown = !!view;
    } catch {
      // the room is a bonus: the video goes on
    } finally {
      this.busy = false;
    }
  }

  destroy() {
    clearInterval(this.timer);
  }
}

/** The console's row for the room's answers on the stage, shown while they take more than one
 * page: the stage's own line ("4–6 of 14 answers · 8 more next") and buttons that turn them
 * (PageDown/PageUp too: actions.js). The stage reports its pages ("room-pages"). */
export class RoomPager {
  constructor(send) {
    this.send = send; // (dir) => posts "room-turn" to the stage
    this.info = { n: 0, page: 0, text: "" };
    const btn = (cls, text, keys, dir) =>
      el(
        "button",
        {
          type: "button",
          class: `al-btn ${cls}`,
          "aria-keyshortcuts": keys,
          title: keys.replace("Page", "Page "),
          onclick: () => this.turn(dir),
        },
        text,
      );
    this.prev = btn("al-con-room-prev", "Previous answers", "PageUp", -1);
    this.next = btn("al-con-room-next", "Next answers", "PageDown", 1);
    this.line = el("p", { class: "al-con-room-line", "aria-live": "polite" });
    this.box = el(
      "section",
      { class: "al-con-room", "aria-label": "The room's answers on the stage", hidden: true },
      el("h3", {}, "Answers on the stage"),
      this.line,
      el("div", { class: "al-con-row" }, this.prev, this.next),
    );
  }

  /** The stage's report (null: no stage, so nothing to turn). */
  set(info) {
    const i = info || {};
    this.info = { n: num(i.n), page: num(i.page), text: text(i.text, 200) };
    this.render();
  }

  can(dir) {
    return this.info.n > 1 && turnTo(this.info.page, this.info.n, dir) !== null;
  }

  /** Turn the stage's answers by `dir`; false when there is no page that way (the key then
   * goes on to the next or previous moment). */
  turn(dir) {
    if (!this.can(dir)) return false;
    this.info.page += dir; // at once here: a second press before the stage answers counts too
    this.send(dir);
    this.render();
    return true;
  }

  render() {
    this.box.hidden = this.info.n < 2;
    this.line.textContent = this.info.text;
    this.prev.disabled = !this.can(-1);
    this.next.disabled = !this.can(1);
  }
}
