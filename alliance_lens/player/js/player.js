// The Player: owns the <video> and wires the pure parts (model, prompts, keyboard, layout)
// to the views. Sync stays in the browser: Python hears from us only at deliberate moments
// (answer, prompt reached, pause, page hidden, mark), never while the video plays.

import { runAction } from "./actions.js";
import * as author from "./author.js";
import * as presenterConsole from "./console.js";
import { listenScroll, onCueChange, renderCues, renderTrackBar, reveal } from "./commentary.js";
import { build, renderHelp, renderMarkBar } from "./controls.js";
import { buildCallout, configureCallout, hideCallout } from "./callout.js";
import { watchFit } from "./prompt_fit.js";
import { el } from "./dom.js";
import { actionFor, rowsFor } from "./keyboard.js";
import * as practice from "./practice.js";
import { MODES_REVEALING_ALL, normalise, promptList } from "./model.js";
import { playback } from "./playback.js";
import { PromptClock } from "./prompts.js";
import { promptFlow } from "./prompt_flow.js";
import { renderPrompt } from "./prompt_view.js";
import { drawPlayhead, renderJump, renderTimeline } from "./timeline.js";
import { drawInParts, isBig, withTracks } from "./trackload.js";
import { refreshCard } from "./episode_card.js";
import * as roomLink from "./room_link.js";

export class Player {
  constructor(host) {
    this.host = host;
    this.data = null;
    this.src = null;
    this.trigger = () => {};
    this.fps = 25;
    this.reached = 0; // furthest time played: learner mode reveals up to here
    this.clock = new PromptClock();
    this.frameTime = null; // mediaTime of the frame on screen (rVFC)
    this.lastNonce = null;
    this.captionsDefault = null;
    this.rows = null; // the commentary list's rows (commentary.js renders those in view)
    this.selected = null; // author mode: {kind, id, track} chosen on the page
    this.stepFrame = null; // the frame a frame step asked for, until it is on screen
    this.pendingNudge = null; // {unit, amount} not yet sent
    this.onBeforeUnload = null;
    build(this);
    buildCallout(this);
    this.unwatchFit = watchFit(this);
    practice.build(this);
    this.listen();
  }

  listen() {
    const v = this.video;
    v.addEventListener("play", () => {
      this.stepFrame = null;
      this.onPlayState();
      roomLink.playback(this, true);
    });
    v.addEventListener("pause", () => {
      this.onPlayState();
      roomLink.playback(this, false);
      if (!this.clock.active) this.sendPosition("pause"); // a prompt sends its own
    });
    v.addEventListener("seeking", () => {
      if (this.clock.seeking(v.currentTime)) this.closePrompt();
    });
    v.addEventListener("seeked", () => {
      this.clock.seeked();
      this.raise(v.currentTime);
      drawPlayhead(this);
    });
    v.addEventListener("loadedmetadata", () => renderTimeline(this));
    v.addEventListener("ratechange", () => {
      this.rate.value = String(v.playbackRate);
    });
    v.addEventListener("error", () => this.onVideoError());
    v.addEventListener("click", () => this.togglePlay());
    this.cueTrack.addEventListener("cuechange", () => onCueChange(this));
    listenScroll(this);
    this.watchFrames();
    this.onKey = (e) => this.key(e);
    this.onVisibility = () => {
      if (document.visibilityState === "hidden") this.sendPosition("hidden");
    };
    this.onPageHide = () => this.sendPosition("pagehide");
    document.addEventListener("keydown", this.onKey);
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("pagehide", this.onPageHide);
    this.timeline.addEventListener("click", (e) => {
      if (e.target.closest("button")) return; // markers seek themselves
      const box = this.timeline.getBoundingClientRect();
      this.seek(((e.clientX - box.left) / box.width) * this.duration());
    });
  }

  destroy() {
    document.removeEventListener("keydown", this.onKey);
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("pagehide", this.onPageHide);
    this.setDirty(false);
    presenterConsole.detach(this);
    author.flushNudge(this);
    cancelAnimationFrame(this.raf);
    hideCallout(this);
    this.unwatchFit();
    this.cueJob = (this.cueJob || 0) + 1; // stops adding metadata cues in slices
    this.destroyed = true; // a track load still under way does not update us
    this.video.pause();
    this.video.removeAttribute("src");
    this.video.load();
    this.root.remove();
  }

  // ---------------------------------------------------------------- data from Python
  update(raw) {
    raw = withTracks(this, raw); // big tracks come by URL
    const prev = this.data;
    const { data, mode, fps, selected, selKey } = normalise(raw);
    this.data = data;
    this.mode = mode;
    this.fps = fps;
    this.root.dataset.mode = mode;
    this.markBar.hidden = mode !== "author";
    this.selInfo.hidden = mode !== "author";
    const newSelection = selKey !== this.selKey;
    this.selected = selected;
    this.selKey = selKey;
    this.setDirty(!!data.dirty);
    this.rate.hidden = mode === "presenter";
    this.clock.configure({ prompts: promptList(data.tracks), fps, mode });
    configureCallout(this);

    const src = data.video ? data.video.src : null;
    if (src !== this.src) this.load(src, data);
    // tracks loaded by URL arrive after the mount: their prompts are armed from the playhead
    else if (!prev || prev.mode !== mode || (raw.tracks_src && data.tracks !== prev.tracks))
      this.clock.rearm(this.video.currentTime);
    const problem = (data.video && data.video.problem) || this.tracksProblem || "";
    this.problem.hidden = !problem;
    this.problem.textContent = problem;
    if (data.captions && data.captions.on !== this.captionsDefault) {
      this.captionsDefault = data.captions.on;
      this.setCaptions(data.captions.on);
    }
    this.ccBtn.hidden = !data.captions;
    if (MODES_REVEALING_ALL.has(mode)) this.reached = Infinity;
    else if (this.reached === Infinity) this.reached = this.video.currentTime || 0;

    if (mode === "author") renderMarkBar(this, data.keys);
    renderTrackBar(this);
    // new big tracks: the list and the timeline are drawn in tasks of their own (no long task)
    if (this.drawPending || (data.tracks !== (prev && prev.tracks) && isBig(data.tracks)))
      drawInParts(this, [renderCues, renderTimeline]);
    else {
      renderCues(this);
      renderTimeline(this);
    }
    renderJump(this);
    renderHelp(this, rowsFor(data.keys, mode));
    practice.render(this);
    presenterConsole.attach(this); // presenter mode with a stage (issue 13)
    author.renderSelection(this, newSelection);
    reveal(this);
    refreshCard(this, true);
    if (this.clock.active) renderPrompt(this, this.clock.active);
    const cmd = data.command;
    if (cmd && cmd.nonce && cmd.nonce !== this.lastNonce) {
      this.lastNonce = cmd.nonce;
      this.command(cmd);
    }
  }

  load(src, data) {
    this.src = src;
    this.closePrompt();
    this.reached = 0;
    this.frameTime = null;
    this.calloutFrame = null;
    this.video.querySelectorAll("track").forEach((t) => t.remove());
    const cc = data.captions;
    if (cc && cc.src) {
      this.video.append(
        el("track", {
          kind: "captions",
          src: cc.src,
          srclang: cc.lang || "en",
          label: "Captions",
          default: cc.on,
        }),
      );
    }
    this.captionsDefault = null;
    if (src) this.video.src = src;
    else {
      this.video.removeAttribute("src");
      this.video.load();
    }
    this.clock.rearm(0);
  }

  command(cmd) {
    if (cmd.action === "seek" && Number.isFinite(cmd.at)) this.seek(cmd.at, true);
    else if (cmd.action === "play") this.play();
    else if (cmd.action === "pause") this.video.pause();
    else if (cmd.action === "practice_reset") practice.reset(this);
  }

  duration() {
    const d = this.video.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return (this.data && this.data.video && this.data.video.duration) || 1;
  }

  raise(t) {
    if (this.reached !== Infinity && t > this.reached) {
      this.reached = t;
      reveal(this);
      refreshCard(this);
    }
  }

  toggleHelp(force) {
    const open = force === undefined ? this.helpBox.hidden : force;
    this.helpBox.hidden = !open;
    if (open) this.helpBox.querySelector("button").focus({ preventScroll: true });
    else this.root.focus({ preventScroll: true });
  }

  mark(kind) {
    author.mark(this, kind);
  }

  stepFrames(n) {
    author.stepFrames(this, n);
  }

  sendPosition(reason, extra = {}) {
    if (!this.src || this.mode === "practice") return; // practice talks once, at the end
    this.trigger("position", {
      at_ms: Math.round((author.shownTime(this) || 0) * 1000),
      reason,
      ...extra,
    });
  }

  setDirty(on) {
    // unsaved work is also kept in the page's draft file; this is the browser's second net
    if (on && !this.onBeforeUnload) {
      this.onBeforeUnload = (e) => {
        e.preventDefault();
        e.returnValue = "";
      };
      window.addEventListener("beforeunload", this.onBeforeUnload);
    } else if (!on && this.onBeforeUnload) {
      window.removeEventListener("beforeunload", this.onBeforeUnload);
      this.onBeforeUnload = null;
    }
    this.root.dataset.dirty = on ? "true" : "false";
  }

  onVideoError() {
    const err = this.video.error;
    if (!err || !this.src) return;
    const why =
      err.code === 4
        ? "This browser cannot play this video file (format or codec not supported)."
        : err.code === 2
          ? "The video could not be loaded (network error)."
          : "The video could not be played.";
    this.problem.textContent = why;
    this.problem.hidden = false;
    this.trigger("event", {
      type: "video_error",
      code: err.code,
      message: why,
    });
  }

  // ---------------------------------------------------------------- keyboard
  key(e) {
    if (!this.root.isConnected) return;
    const target = (e.composedPath && e.composedPath()[0]) || e.target;
    const action = actionFor(e, {
      mode: this.mode,
      table: this.data.keys,
      target,
      helpOpen: !this.helpBox.hidden,
    });
    if (!action || !runAction(this, action)) return;
    e.preventDefault();
  }
}

// The prompt flow (open, answer, reveal, continue, rewind) and playback (play, seek, the
// frame clock) live in modules of their own.
Object.assign(Player.prototype, promptFlow, playback);
