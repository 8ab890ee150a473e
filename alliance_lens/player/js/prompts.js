// The prompt state machine: which prompts may still fire, when one is due, the open prompt.
// Pure (no DOM, no <video>): the player feeds it times and acts on what it returns.

import { MODES_WITH_PROMPTS, frameAtMediaTime, frameMiddle, frameOf } from "./model.js";

export class PromptClock {
  constructor() {
    this.prompts = []; // [{track, prompt, key}] in time order (model.promptList)
    this.fps = 25;
    this.enabled = false; // prompts pause the video in learner and presenter modes only
    this.armed = new Set(); // keys of prompts that may still fire in this pass
    this.active = null; // the open prompt: {track, prompt, key, state: "ask" | "revealed", answer}
    this.internalSeek = false; // our own frame correction: it must not re-arm prompts
  }

  configure({ prompts, fps, mode }) {
    this.prompts = prompts;
    this.fps = fps;
    this.enabled = MODES_WITH_PROMPTS.has(mode);
  }

  /** Arm every prompt at or after `t` (a new pass from there); none outside prompt modes. */
  rearm(t) {
    this.armed.clear();
    if (!this.enabled) return;
    for (const p of this.prompts) if (p.prompt.at >= t - 0.0005) this.armed.add(p.key);
  }

  /** The viewer (not us) seeks to `t`: re-arm from there. True when the open prompt must close. */
  seeking(t) {
    if (this.internalSeek) return false;
    this.rearm(t);
    return !!this.active;
  }

  seeked() {
    this.internalSeek = false;
  }

  /**
   * A frame is on screen (its mediaTime); if a prompt is due, disarm it and return
   * {prompt, snapTo}: pause, seek to snapTo (the middle of the prompt's covering frame), open.
   * Due means the frame shown has reached the prompt's frame: the next frame would pass it.
   */
  check(mediaTime, playing) {
    if (!playing || this.active || !this.armed.size) return null;
    const shown = frameAtMediaTime(mediaTime, this.fps);
    for (const p of this.prompts) {
      if (!this.armed.has(p.key)) continue;
      const target = frameOf(p.prompt.at, this.fps);
      if (shown < target) return null; // prompts are sorted: later ones are not due either
      this.armed.delete(p.key);
      // Snap to the covering frame: pause() from the frame callback is right nearly always,
      // but a skipped frame (rate 2) or one already queued can leave the next one on screen.
      this.internalSeek = true;
      return { prompt: p, snapTo: frameMiddle(target, this.fps) };
    }
    return null;
  }

  /** Open `p` with the viewer's earlier answer (from the data), if any. */
  open(p, earlier) {
    this.active = {
      ...p,
      state: "ask",
      answer: earlier ? { ...earlier } : null,
      justChanged: true, // the first render moves focus into the prompt
    };
    return this.active;
  }

  /** Ask -> revealed; false if there is nothing to reveal. */
  reveal() {
    if (!this.active || this.active.state !== "ask") return false;
    this.active.state = "revealed";
    this.active.justChanged = true;
    return true;
  }

  close() {
    this.active = null;
  }

  /** Continue: another armed prompt on the frame on screen (a second track) opens next. */
  nextOnFrame(frameTime) {
    if (frameTime == null) return null;
    const shown = frameAtMediaTime(frameTime, this.fps);
    const next = this.prompts.find(
      (p) => this.armed.has(p.key) && frameOf(p.prompt.at, this.fps) <= shown,
    );
    if (next) this.armed.delete(next.key);
    return next || null;
  }

  /** Stop and rewind: close the open prompt and return where to play from, or null. */
  rewind() {
    const a = this.active;
    if (!a || a.prompt.rewind_to == null) return null;
    this.close();
    return a.prompt.rewind_to;
  }
}
