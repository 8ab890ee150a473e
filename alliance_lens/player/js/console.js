// The presenter's console: presenter mode with a stage window. Drives the stage over a
// BroadcastChannel (protocol in sync.js) and shows what only the presenter may see: notes
// (once a stage is connected, so a shared console never shows them), what comes next with a
// countdown, session time, chapters; pointer and ink over the paused frame.

import { renderChapters, renderClock, renderNotes } from "./console_views.js";
import { el } from "./dom.js";
import { Overlay, listenPointer } from "./overlay.js";
import { RoomFeed, RoomPager } from "./room_stage.js";
import { applySound, buildSoundNote, hearStage } from "./stage_sound.js";
import { turnTo, updatePager } from "./prompt_fit.js";
import * as sync from "./sync.js";

const KEY = Symbol.for("allianceLens.console");
const WRAPPED = ["openPrompt", "revealPrompt", "closePrompt", "setCaptions"];
const PLANNED_KEY = "alliance-lens-planned-minutes";
const TICK_MS = 500;

/** Called on every data update: a console in presenter mode when the data says where its stage is. */
export function attach(p) {
  const info = p.data && p.data.console;
  let c = p[KEY];
  if (p.mode !== "presenter" || !info) return detach(p);
  if (c && c.info.channel !== info.channel) {
    c.send("navigate", { url: info.stage_url }); // another video: its stage window follows
    detach(p);
    c = null;
  }
  if (!c) c = p[KEY] = new Console(p, info);
  c.update(info);
}

export function detach(p) {
  const c = p[KEY];
  if (!c) return;
  c.destroy();
  delete p[KEY];
}

export const consoleOf = (p) => p[KEY] || null;

class Console {
  constructor(p, info) {
    this.p = p;
    this.info = info;
    this.id = sync.newId();
    this.owner = undefined; // who drives the stage, as the stage last said (undefined: no stage)
    this.connected = false;
    this.blank = false;
    this.sessionStart = Number(sessionStorage.getItem(this.storeKey())) || null;
    this.overlay = new Overlay(p);
    this.stagePages = null; // {key, n}: how many pages the stage's open reveal has
    // PageDown/PageUp and the pager's buttons turn the stage's pages too (prompt_fit.js)
    p.farPages = { can: (dir) => this.stageTurn(dir) !== null, turn: (dir) => this.turnStage(dir) };
    this.roomPager = new RoomPager((dir) => this.send("room-turn", { dir }));
    this.build();
    this.wrap();
    this.listen();
    this.channel = new BroadcastChannel(info.channel);
    this.channel.onmessage = (e) => this.receive(e.data || {});
    this.send("hello");
    // the room's chosen display, fetched here (with the key) and sent on as plain data
    this.roomFeed = new RoomFeed(
      p,
      (view) => this.send("room-display", { view }),
      () => this.connected,
    );
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  storeKey() {
    return `alliance-lens-session-start:${this.info.channel}`;
  }

  // ------------------------------------------------------------ channel
  send(type, extra = {}) {
    this.channel.postMessage({ from: this.id, type, ...extra });
  }

  state(seeked = false) {
    const p = this.p;
    const v = p.video;
    const a = p.clock.active;
    let prompt = null;
    if (a) {
      prompt = { key: a.key, state: a.state };
      // the answer crosses to the stage only once the presenter reveals it
      if (a.state === "revealed") {
        const { reveal_html, expected, correct } = a.prompt;
        prompt.answer = { reveal_html, expected, correct };
        prompt.page = a.stagePage || 0; // the stage's page: a reloaded stage shows it again
      }
    }
    return {
      t: v.currentTime || 0,
      playing: !v.paused,
      seeked,
      rate: v.playbackRate,
      captions: !!p.captionsOn,
      blank: this.blank,
      prompt,
      pointer: this.overlay.pointer,
      ink: this.overlay.ink,
    };
  }

  push(seeked = false) {
    if (this.owner && this.owner !== this.id) return; // another console drives the stage
    this.send("state", { state: this.state(seeked) });
  }

  receive(msg) {
    if (msg.from !== sync.STAGE) return;
    hearStage(this, msg);
    if (msg.type === "bye") this.owner = undefined;
    else if (msg.type === "room-pages" && msg.owner === this.id) this.roomPager.set(msg);
    else if (msg.type === "pages" && msg.owner === this.id) this.setStagePages(msg);
    else if (msg.type === "status") {
      this.owner = msg.owner;
      if (msg.owner === null) this.push(true); // a new or freed stage: claim it, it catches up
    }
    const mine = this.owner === this.id;
    if (mine && !this.connected) this.push(true); // taken over: the stage catches up with us
    this.setConnected(mine);
  }

  setConnected(on) {
    const was = this.connected;
    this.connected = on;
    // one window plays the sound: the stage, once it is there (stage_sound.js: unless the
    // stage's browser blocks it)
    if (on && !was) this.wasMuted = this.p.video.muted;
    else if (!on && was) this.p.video.muted = !!this.wasMuted;
    applySound(this);
    this.p.root.classList.toggle("has-stage", on);
    if (!on) this.roomPager.set(null); // no stage of ours: no answers to turn
    if (on !== was) this.p.trigger("stage", { open: on }); // the page sends notes only now
    this.renderStatus();
    this.renderNotes();
  }

  // ------------------------------------------------------------ the stage's reveal pages
  setStagePages(msg) {
    this.stagePages = { key: msg.key, n: Math.max(1, Number(msg.n) || 1) };
    const a = this.p.clock.active;
    if (a && a.key === msg.key && (a.stagePage || 0) >= this.stagePages.n) {
      a.stagePage = this.stagePages.n - 1; // the stage grew: its last page is shown
      this.push();
    }
    updatePager(this.p);
  }

  /** The stage's page after turning `dir`, or null (no stage, not revealed, no page there). */
  stageTurn(dir) {
    const a = this.p.clock.active;
    const sp = this.stagePages;
    if (!this.connected || !a || a.state !== "revealed" || !sp || sp.key !== a.key) return null;
    return turnTo(a.stagePage || 0, sp.n, dir);
  }

  turnStage(dir) {
    const j = this.stageTurn(dir);
    if (j === null) return false;
    this.p.clock.active.stagePage = j;
    this.push();
    return true;
  }

  /** Plain text over the stage's picture (null hides it); the room's views use RoomFeed. */
  roomDisplay(text) {
    this.send("room-display", { text: text == null ? null : String(text) });
  }

  takeOver() {
    this.send("takeover");
  }

  // ------------------------------------------------------------ hooks into the player
  wrap() {
    const p = this.p;
    for (const name of WRAPPED) {
      const original = Object.getPrototypeOf(p)[name];
      p[name] = (...args) => {
        const out = original.apply(p, args);
        this.push();
        return out;
      };
    }
  }

  listen() {
    const v = this.p.video;
    this.onPlay = () => {
      if (!this.sessionStart) this.startClock();
      this.overlay.set(null, []); // ink clears on play
      this.setDrawable();
      this.push();
    };
    this.onPause = () => {
      this.setDrawable();
      this.push();
    };
    this.onSeeked = () => this.push(true);
    this.onRate = () => this.push();
    this.onHide = () => this.send("bye");
    v.addEventListener("play", this.onPlay);
    v.addEventListener("pause", this.onPause);
    v.addEventListener("seeked", this.onSeeked);
    v.addEventListener("ratechange", this.onRate);
    window.addEventListener("pagehide", this.onHide);
    listenPointer(this.overlay, this.p, () => this.push());
  }

  setDrawable() {
    this.overlay.canvas.classList.toggle("is-drawable", this.p.video.paused);
  }

  toggleBlank() {
    this.blank = !this.blank;
    this.renderStatus();
    this.push();
  }

  clearInk() {
    this.overlay.set(null, []);
    this.push();
  }

  startClock() {
    this.sessionStart = Date.now();
    sessionStorage.setItem(this.storeKey(), String(this.sessionStart));
  }

  // ------------------------------------------------------------ the panel
  build() {
    const p = this.p;
    const b = (cls, text, onclick, extra = {}) =>
      el("button", { type: "button", class: `al-btn ${cls}`, onclick, ...extra }, text);
    this.openBtn = b("al-primary al-open-stage", "Open stage window", () => this.openStage());
    this.status = el("p", { class: "al-con-status", role: "status" });
    this.takeBtn = b("al-take-over", "Drive the stage from here", () => this.takeOver(), {
      hidden: true,
    });
    this.blankBtn = b("al-blank-btn", "Blank the stage (B)", () => this.toggleBlank(), {
      "aria-pressed": "false",
    });
    this.notes = el("div", { class: "al-con-notes", "aria-live": "off" });
    this.next = el("ul", { class: "al-con-next" });
    this.clock = el("p", { class: "al-con-clock" });
    const planned = Number(localStorage.getItem(PLANNED_KEY)) || 60;
    this.planned = el("input", {
      type: "number",
      min: "1",
      max: "600",
      value: String(planned),
      class: "al-con-planned",
      "aria-label": "Planned session length in minutes",
    });
    this.planned.addEventListener("change", () => {
      localStorage.setItem(PLANNED_KEY, String(Number(this.planned.value) || 60));
      this.tick();
    });
    const restart = b("al-con-restart", "Restart clock", () => {
      this.startClock();
      this.tick();
    });
    this.chapters = el("nav", { class: "al-con-chapters", "aria-label": "Chapters" });
    this.panel = el(
      "section",
      { class: "al-console", "aria-label": "Presenter console" },
      el("div", { class: "al-con-row" }, this.openBtn, this.blankBtn),
      this.status,
      this.takeBtn,
      this.roomPager.box,
      el("h3", {}, "Presenter notes"),
      this.notes,
      el("h3", {}, "Coming up"),
      this.next,
      el("h3", {}, "Session"),
      this.clock,
      el("label", { class: "al-con-plan" }, "Planned (min) ", this.planned, restart),
      el("h3", {}, "Chapters"),
      this.chapters,
    );
    buildSoundNote(this);
    p.root.classList.add("is-console");
    p.root.append(this.panel);
  }

  openStage() {
    // pressing again brings the open stage forward (opening the name again would reload it)
    if (this.stageWin && !this.stageWin.closed) return this.stageWin.focus();
    const features = "popup,width=1280,height=720";
    this.stageWin = window.open(this.info.stage_url, "alliance-lens-stage", features);
    if (!this.stageWin) {
      this.status.textContent =
        "The browser blocked the stage window: allow pop-ups for this site, then press again.";
      this.status.dataset.state = "busy";
    }
  }

  update(info) {
    // other tracks chosen: the stage loads them (a new page, which asks for the state again)
    if (info.stage_url !== this.info.stage_url) this.send("navigate", { url: info.stage_url });
    this.info = info;
    this.notesKey = null;
    this.p.rate.hidden = false; // the console has every control
    this.renderChapters();
    this.renderStatus();
    this.tick();
    this.setDrawable();
  }

  renderStatus() {
    const busy = this.owner && this.owner !== this.id;
    this.status.textContent = this.connected
      ? "Stage connected: it follows this console." +
        (this.stageSoundOff ? "" : " Sound plays on the stage.") +
        (this.blank ? " The stage is blank." : "")
      : busy
        ? "Another console drives the stage. Press the button below to drive it from here."
        : this.owner === undefined
          ? "No stage window open. Share the stage window with the room, not this one."
          : "Connecting to the stage…";
    this.status.dataset.state = this.connected ? "connected" : busy ? "busy" : "none";
    this.takeBtn.hidden = !busy;
    this.blankBtn.setAttribute("aria-pressed", String(this.blank));
    this.blankBtn.textContent = this.blank ? "Show the stage (B)" : "Blank the stage (B)";
  }

  renderChapters() {
    renderChapters(this);
  }

  renderNotes() {
    renderNotes(this);
  }

  tick() {
    const v = this.p.video;
    renderClock(this);
    this.renderNotes();
    if (!v.paused && this.connected && Date.now() - (this.lastBeat || 0) > 1000) {
      this.lastBeat = Date.now();
      this.push(); // a heartbeat while playing: the stage corrects any drift
    }
  }

  destroy() {
    clearInterval(this.timer);
    this.roomFeed.destroy();
    this.send("bye");
    this.channel.close();
    const v = this.p.video;
    v.removeEventListener("play", this.onPlay);
    v.removeEventListener("pause", this.onPause);
    v.removeEventListener("seeked", this.onSeeked);
    v.removeEventListener("ratechange", this.onRate);
    window.removeEventListener("pagehide", this.onHide);
    for (const name of WRAPPED) delete this.p[name];
    delete this.p.farPages;
    if (this.connected) this.p.video.muted = !!this.wasMuted;
    this.overlay.destroy();
    this.panel.remove();
    this.p.root.classList.remove("is-console", "has-stage");
  }
}

// ------------------------------------------------------------ key actions (actions.js)
export function momentForward(p) {
  const a = p.clock.active;
  if (a && a.state === "ask") return p.revealPrompt();
  if (a) return p.continuePlay();
  p.jumpTo(sync.momentTimes(p.data.tracks), 1);
}

export function momentBack(p) {
  if (p.clock.active) p.closePrompt();
  p.jumpTo(sync.momentTimes(p.data.tracks), -1);
}

/** PageDown/PageUp turn the room's answers on the stage while they have a page that way. */
export function turnAnswers(p, dir) {
  const c = consoleOf(p);
  return !!c && c.connected && c.roomPager.turn(dir);
}

export function toggleBlank(p) {
  const c = consoleOf(p);
  if (c) c.toggleBlank();
}

export function clearInk(p) {
  const c = consoleOf(p);
  if (c) c.clearInk();
}
