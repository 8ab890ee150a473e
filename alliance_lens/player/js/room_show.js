// The stage's side of the room (issue 15 x 13): draws the view the console sends (choice bars,
// approved answers, the tap density strip, the room against the expert onsets, the join card)
// with textContent only: participants' text is untrusted and the stage holds no room key.

import { el } from "./dom.js";
import { turnTo } from "./prompt_fit.js";
import { MIN_TEXT_PX, PAGE_MS, pageBreaks, pagerText } from "./room_pages.js";

const CODE_RE = /^[A-Z0-9]{4,16}$/;
const str = (x) => String(x == null ? "" : x);
const num = (x) => (Number.isFinite(Number(x)) ? Number(x) : 0);
const secs = (ms) => `${ms > 0 ? "+" : ms < 0 ? "−" : ""}${Math.round(Math.abs(ms) / 1000)} s`;

export class RoomShow {
  constructor(p) {
    this.p = p;
    this.key = "";
    // beside the picture, in the commentary's place: the question and the room's answers
    this.panel = el("section", { class: "al-room-panel", hidden: true, "aria-live": "polite" });
    // under the picture, over the timeline: taps and the room against the expert
    this.strip = el("section", { class: "al-room-strip", hidden: true, "aria-live": "polite" });
    this.join = el("section", { class: "al-room-join", hidden: true });
    const layout = p.root.querySelector(".al-layout") || p.root;
    layout.append(this.panel, this.strip);
    p.root.append(this.join);
    this.list = null; // the approved answers' list while shown, paged whole (room_pages.js)
    this.page = 0;
    this.timer = null;
    this.byHand = false; // the presenter turned a page: no timer until another display
    this.question = null;
    this.onPages = null; // (info) => the stage tells its console where the room is
    window.addEventListener("resize", () => this.fitTexts());
  }

  render(view) {
    const key = JSON.stringify(view || null);
    if (key === this.key) return; // the console sends every poll; redraw only on change
    this.key = key;
    const v = view && typeof view === "object" ? view : null;
    const d = v ? str(v.display) : "";
    this.panel.replaceChildren();
    this.strip.replaceChildren();
    this.list = null;
    // answers shown again, or another question's, start from their first page, timed
    const q = d === "approved" ? str(v.question) : null;
    if (q === null || q !== this.question) {
      this.page = 0;
      this.byHand = false;
    }
    this.question = q;
    this.join.replaceChildren();
    if (d === "bars") this.bars(v);
    else if (d === "approved") this.texts(v);
    else if (d === "taps") this.taps(v);
    else if (d === "score") this.score(v);
    else if (d === "join") this.joinCard(v);
    const has = (node) => node.childNodes.length > 0;
    this.panel.hidden = !has(this.panel);
    this.strip.hidden = !has(this.strip);
    this.join.hidden = !has(this.join);
    const root = this.p.root.classList;
    root.toggle("has-room-panel", !this.panel.hidden);
    root.toggle("has-room-strip", !this.strip.hidden);
    this.p.root.dataset.room = d || "nothing";
    this.fitTexts(); // measured once the panel is on screen
  }

  heading(v, fallback) {
    return el("h2", { class: "al-room-q" }, str(v.question) || fallback);
  }

  bars(v) {
    const rows = (Array.isArray(v.bars) ? v.bars : []).map((b) => {
      const fill = el("span", { class: "al-room-fill" });
      fill.style.width = `${Math.min(100, Math.max(0, num(b.pct)))}%`;
      return el(
        "li",
        { class: "al-room-bar" },
        el("span", { class: "al-room-label" }, str(b.label)),
        el("span", { class: "al-room-track" }, fill),
        el("span", { class: "al-room-count" }, `${num(b.count)} · ${num(b.pct)}%`),
      );
    });
    const n = num(v.answered);
    this.panel.append(
      el("p", { class: "al-room-kicker" }, "The room answered"),
      this.heading(v, "The room's answers"),
      el("ul", { class: "al-room-bars" }, ...rows),
      el("p", { class: "al-room-total" }, str(v.note) || `${n} ${n === 1 ? "answer" : "answers"}`),
    );
  }

  texts(v) {
    const all = (Array.isArray(v.texts) ? v.texts : []).map(str);
    this.panel.append(
      el("p", { class: "al-room-kicker" }, "From the room"),
      this.heading(v, "The room's answers"),
    );
    if (!all.length) {
      this.panel.append(el("p", { class: "al-room-total" }, "No answers shown yet."));
      return;
    }
    const items = all.map((t) => el("li", { class: "al-room-text" }, t));
    this.list = el("ul", { class: "al-room-texts" }, ...items);
    this.pager = el("p", { class: "al-room-total al-room-pager" }, pagerText([], 0, all.length));
    this.panel.append(this.list, this.pager);
  }

  /** Pages of whole answers that fit the panel: a half-cut answer is never shown. An answer
   * too long for the panel alone gets smaller type first (its own; down to MIN_TEXT_PX). */
  fitTexts() {
    clearInterval(this.timer);
    this.timer = null;
    const list = this.list;
    if (!list || !list.isConnected || this.panel.hidden) return this.tell();
    const items = [...list.children];
    for (const li of items) li.hidden = false;
    this.pager.textContent = pagerText(
      [
        [0, 1],
        [1, 2],
      ],
      0,
      items.length,
    ); // its one line, held
    const box = list.clientHeight;
    const height = (li) => li.getBoundingClientRect().height;
    for (const li of items) {
      li.style.fontSize = "";
      for (let step = 0; step < 12 && height(li) > box + 0.5; step += 1) {
        const px = parseFloat(getComputedStyle(li).fontSize);
        if (px <= MIN_TEXT_PX) break;
        li.style.fontSize = `${Math.max(MIN_TEXT_PX, px * 0.9)}px`;
      }
    }
    const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    const pages = pageBreaks(items.map(height), box, gap);
    this.pages = pages;
    this.page = Math.min(this.page, pages.length - 1);
    this.showPage();
    if (pages.length > 1 && !this.byHand) {
      this.timer = setInterval(() => {
        this.page = (this.page + 1) % this.pages.length;
        this.showPage();
      }, PAGE_MS);
    }
  }

  showPage() {
    const [start, end] = this.pages[this.page] || [0, 0];
    [...this.list.children].forEach((li, i) => {
      li.hidden = i < start || i >= end;
    });
    this.list.dataset.page = String(this.page);
    this.list.dataset.byHand = String(this.byHand);
    const total = this.list.children.length;
    this.pager.textContent = pagerText(this.pages, this.page, total, this.byHand);
    this.tell();
  }

  /** The presenter turns the answers' page by `dir` (the console's "room-turn"): at once,
   * and from then on only by hand for this display. */
  turn(dir) {
    if (!this.list || !this.list.isConnected || !this.pages) return;
    this.byHand = true;
    clearInterval(this.timer);
    this.timer = null;
    const j = turnTo(this.page, this.pages.length, dir);
    if (j !== null) this.page = j;
    this.showPage(); // also at an end: the line drops "then from the first"
  }

  /** Where the room is in the answers, for the console: {n: pages (0: no answers shown),
   * page, text: the stage's pager line, byHand}. */
  tell() {
    const on = !!(this.list && this.list.isConnected && this.pages && !this.panel.hidden);
    const n = on ? this.pages.length : 0;
    const text = on ? this.pager.textContent : "";
    if (this.onPages) this.onPages({ n, page: on ? this.page : 0, text, byHand: this.byHand });
  }

  taps(v) {
    const bins = (Array.isArray(v.bins) ? v.bins : []).map(num);
    const top = Math.max(1, ...bins);
    const bars = bins.map((n) => {
      const bar = el("span", { class: "al-room-bin" });
      bar.style.height = `${Math.round((100 * n) / top)}%`;
      return bar;
    });
    const total = num(v.total);
    this.strip.append(
      el("p", { class: "al-room-caption" }, `The room's rupture taps: ${total}`),
      el("div", { class: "al-room-density", "aria-hidden": "true" }, ...bars),
    );
  }

  score(v) {
    if (v.pending || v.unscored) {
      const say = v.unscored
        ? "The tracks shown mark no ruptures: nothing to score the room's taps against."
        : "Scoring the room's taps…";
      this.strip.append(el("p", { class: "al-room-caption" }, say));
      return;
    }
    const outside = num(v.outside);
    const marks = (Array.isArray(v.ruptures) ? v.ruptures : []).map((r) => {
      const mark = el(
        "span",
        { class: `al-room-onset ${r.hit ? "is-hit" : "is-miss"}` },
        el("span", { class: "al-room-sym", "aria-hidden": "true" }, r.hit ? "✓" : "✗"),
        el("span", { class: "al-room-name" }, str(r.label)),
        el(
          "span",
          { class: "al-room-detail" },
          r.hit
            ? `${num(r.taps)} ${num(r.taps) === 1 ? "tap" : "taps"}, first ${secs(num(r.latency_ms))}`
            : "missed",
        ),
      );
      const at = Math.min(1, Math.max(0, num(r.at)));
      mark.style.left = `${at * 100}%`;
      // near an end the label grows inward, so it never leaves the strip
      if (at < 0.12) mark.classList.add("is-start");
      else if (at > 0.88) mark.classList.add("is-end");
      return mark;
    });
    this.strip.append(
      el(
        "p",
        { class: "al-room-caption" },
        `The room noticed ${num(v.noticed)} of ${num(v.of)} ${num(v.of) === 1 ? "rupture" : "ruptures"}` +
          (outside ? ` · ${outside} ${outside === 1 ? "tap" : "taps"} outside any rupture` : ""),
      ),
      el("div", { class: "al-room-onsets" }, ...marks),
    );
  }

  joinCard(v) {
    const code = str(v.code);
    if (!CODE_RE.test(code)) return;
    // the QR is the app's own public route for this code: the stage needs no key for it
    const qr = el("img", {
      class: "al-room-qr",
      alt: "QR code to join the room",
      src: `/room-api/${encodeURIComponent(code)}/qr.svg`,
    });
    this.join.append(
      el(
        "div",
        { class: "al-room-card" },
        qr,
        el(
          "div",
          { class: "al-room-how" },
          el("p", { class: "al-room-kicker" }, "Join the room on your phone"),
          el("p", { class: "al-room-url" }, str(v.url)),
          el("p", { class: "al-room-kicker" }, "Room code"),
          el("p", { class: "al-room-code" }, code),
        ),
      ),
    );
  }
}
