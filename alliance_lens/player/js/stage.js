// The stage window's entry (served at /stage-assets/js/stage.js by alliance_lens/stage_route.py):
// the player in presenter mode without controls, following the console over a BroadcastChannel.
// Its data (/stage-data/...) holds no notes and no answers; a reveal's text arrives from the
// console only when the presenter reveals.

import { el } from "./dom.js";
import { promptList } from "./model.js";
import { Overlay } from "./overlay.js";
import { Player } from "./player.js";
import { RoomShow } from "./room_show.js";
import { showPageAt } from "./prompt_fit.js";
import { StageSound } from "./stage_sound.js";
import * as sync from "./sync.js";

// The stage's only keys: the room's window needs no others (the console has the key table).
const STAGE_KEYS = [
  { keys: "F", help: "Full screen", modes: ["presenter"], bindings: [["f", "fullscreen"]] },
];

class Stage {
  constructor(p, data, doc) {
    this.p = p;
    this.doc = doc;
    this.id = sync.newId();
    this.owner = null;
    this.prompts = promptList(p.data.tracks);
    this.overlay = new Overlay(p);
    this.blank = el("div", { class: "al-blank", hidden: true, "aria-label": "Stage blanked" });
    // issue 15 hook: room tallies shown over the stage ("room-display" messages, text only)
    this.roomDisplay = el("div", { class: "al-room-display", hidden: true, "aria-live": "polite" });
    p.root.append(this.blank, this.roomDisplay);
    // the browser may refuse sound here until a click: muted then, and the console is told
    this.sound = new StageSound(p.root, p.video, () => this.post("sound"));
    this.room = new RoomShow(p); // the room's chosen display, as the console sends it
    this.room.onPages = (info) => this.post("room-pages", info); // the console's pager line
    this.channel = new BroadcastChannel("alliance-lens-stage:" + data.slug);
    this.channel.onmessage = (e) => this.receive(e.data || {});
    window.addEventListener("pagehide", () => this.post("bye"));
    // a long reveal's page count goes to the console, whose PageDown turns the pages here
    // (only once revealed: a reloaded stage asks first, and its one page must not reset them)
    p.onPaged = (pg) => {
      const a = p.clock.active;
      if (a && a.state === "revealed") this.post("pages", { key: a.key, n: pg ? pg.n : 1 });
    };
    this.post("status"); // a console answers with its state: a late or reloaded stage catches up
  }

  post(type, extra = {}) {
    const soundOff = this.sound ? this.sound.off : false;
    const msg = { from: sync.STAGE, stage: this.id, type, owner: this.owner, soundOff, ...extra };
    this.channel.postMessage(msg);
  }

  receive(msg) {
    if (!msg.from || msg.from === sync.STAGE) return;
    const d = sync.ownerDecision(this.owner, msg);
    this.owner = d.owner;
    if (d.reply) this.post(d.reply);
    if (d.reply === "status") this.room.tell(); // a console that drives now learns the pages
    if (!d.accept) return;
    if (msg.type === "state" && msg.state) this.apply(msg.state);
    else if (msg.type === "room-display" && "view" in msg) this.room.render(msg.view);
    else if (msg.type === "room-display") this.showRoom(msg.text);
    else if (msg.type === "room-turn") this.room.turn(Number(msg.dir) < 0 ? -1 : 1);
    else if (msg.type === "navigate" && /^\/stage\/[^/]+(\?|$)/.test(String(msg.url)))
      window.location.assign(msg.url); // the console chose another video or other tracks
  }

  apply(s) {
    const p = this.p;
    const v = p.video;
    this.doc.body.dataset.following = "true";
    this.blank.hidden = !s.blank;
    p.root.dataset.blank = s.blank ? "true" : "false";
    if (Number.isFinite(s.rate) && s.rate > 0 && v.playbackRate !== s.rate) v.playbackRate = s.rate;
    if (typeof s.captions === "boolean" && s.captions !== !!p.captionsOn) p.setCaptions(s.captions);
    const plan = sync.followPlan({ t: v.currentTime || 0, playing: !v.paused }, s, p.fps);
    if (plan.seek != null && Number.isFinite(plan.seek)) {
      v.currentTime = Math.max(0, plan.seek);
    }
    if (plan.play === true) this.sound.play();
    else if (plan.play === false) v.pause();
    this.applyPrompt(s.prompt);
    this.overlay.set(s.pointer, s.ink);
  }

  applyPrompt(sp) {
    const p = this.p;
    const a = p.clock.active;
    if (!sp) {
      if (a) p.closePrompt();
      return;
    }
    if (!a || a.key !== sp.key) {
      const found = this.prompts.find((x) => x.key === sp.key);
      if (!found) return;
      p.clock.close();
      p.openPrompt(found);
    }
    const open = p.clock.active;
    open.page = sp.page || 0; // the reveal's page the console shows the room (fitPrompt keeps it)
    if (sp.state === "revealed" && open.state === "ask" && sp.answer) {
      const { reveal_html, expected, correct } = sp.answer; // richtext HTML from our own console
      Object.assign(open.prompt, { reveal_html, expected, correct: correct || [] });
      p.revealPrompt();
    } else if (open.state === "revealed") showPageAt(p, open.page);
  }

  showRoom(text) {
    this.roomDisplay.hidden = !text;
    this.roomDisplay.textContent = text || "";
  }
}

async function main() {
  const host = document.getElementById("al-stage-host");
  const wait = document.querySelector(".al-stage-wait-msg");
  const shadow = host.attachShadow({ mode: "open" });
  for (const href of host.dataset.css.split(" "))
    shadow.append(el("link", { rel: "stylesheet", href }));
  const res = await fetch(host.dataset.src, { credentials: "same-origin" });
  if (!res.ok) {
    wait.textContent = "This stage cannot be shown: " + (await res.text());
    return;
  }
  const data = await res.json();
  document.querySelector(".al-stage-wait-title").textContent = data.title || "Alliance Lens";
  const p = new Player(shadow);
  p.root.classList.add("is-stage");
  // the room's window only follows: no local play, seek or prompt of its own
  p.togglePlay = () => {};
  p.seek = () => {};
  p.update({ ...data, mode: "presenter", keys: STAGE_KEYS });
  p.clock.enabled = false; // prompts open and close when the console says so, only then
  p.clock.armed.clear();
  p.clock.seeking = () => false; // a seek here is always the console's: it keeps the prompt
  p.root.dataset.stage = "true";
  // an empty commentary column says what will come, when the tracks have commentary at all
  p.root.classList.toggle(
    "has-cues",
    data.tracks.some((t) => (t.cues || []).length),
  );
  const stage = new Stage(p, data, document);
  window.allianceLensStage = stage; // for tests and debugging
}

main();
