// Playback and the frame clock of the Player: play, pause, seek, step between moments,
// captions, full screen, and the per-frame check that opens a prompt on its exact frame.
// Mixed into Player.prototype (player.js), so `this` is the player.

import { checkCallout } from "./callout.js";
import { frameAtMediaTime, stepTarget } from "./model.js";
import * as practice from "./practice.js";
import { mayJump } from "./skip_guard.js";
import { drawPlayhead } from "./timeline.js";

export const playback = {
  onPlayState() {
    const playing = !this.video.paused;
    this.playBtn.textContent = playing ? "Pause" : "Play";
    this.playBtn.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
    cancelAnimationFrame(this.raf);
    const tick = () => {
      drawPlayhead(this);
      if (!this.video.paused) this.raf = requestAnimationFrame(tick);
    };
    tick();
  },

  // ---------------------------------------------------------------- prompts (frame-exact)
  watchFrames() {
    const v = this.video;
    if (!("requestVideoFrameCallback" in HTMLVideoElement.prototype)) return this.pollFrames();
    const onFrame = (_now, meta) => {
      this.frameTime = meta.mediaTime;
      if (this.stepFrame != null && frameAtMediaTime(meta.mediaTime, this.fps) === this.stepFrame)
        this.stepFrame = null;
      this.checkPrompts(meta.mediaTime);
      this.raise(meta.mediaTime);
      checkCallout(this, meta.mediaTime);
      practice.onFrame(this, meta.mediaTime); // a chapter's end in practice mode
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  },

  pollFrames() {
    // no rVFC (older browsers): best effort from the rendering loop
    const loop = () => {
      if (!this.video.paused) {
        this.checkPrompts(this.video.currentTime);
        this.raise(this.video.currentTime);
        checkCallout(this, this.video.currentTime);
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  },

  checkPrompts(mediaTime) {
    const due = this.clock.check(mediaTime, !this.video.paused);
    if (!due) return;
    this.video.pause(); // the async "pause" event sees the prompt open below
    this.video.currentTime = due.snapTo; // a seek while paused shows exactly that frame
    this.openPrompt(due.prompt);
  },

  // ---------------------------------------------------------------- actions
  play() {
    const p = this.video.play();
    if (p && p.catch) p.catch(() => {}); // autoplay refusal: the Play button stays
  },

  togglePlay() {
    const a = this.clock.active;
    if (a) {
      if (a.state === "revealed") this.continuePlay();
      return;
    }
    if (this.video.paused) this.play();
    else this.video.pause();
  },

  /** Seek to `t`; in learner mode a jump past unanswered questions asks first (`force`: no). */
  seek(t, force = false) {
    if (!force && !mayJump(this, t, () => this.seek(t, true))) return;
    this.stepFrame = null;
    const to = Math.max(0, Math.min(t, this.duration() - 0.001));
    // re-arm now, not only in the "seeking" event: under load Chromium can present the new
    // frame (our frame callback) before that event's task runs, and a prompt jumped over
    // would still be armed and fire there
    if (this.clock.seeking(to)) this.closePrompt();
    this.video.currentTime = to;
    drawPlayhead(this);
  },

  seekBy(dt) {
    this.seek((this.video.currentTime || 0) + dt);
  },

  jumpTo(times, dir) {
    const t = stepTarget(times, this.video.currentTime || 0, dir);
    if (t !== undefined) this.seek(t);
  },

  captionTrack() {
    return Array.from(this.video.textTracks).find(
      (t) => t.kind === "captions" || t.kind === "subtitles",
    );
  },

  setCaptions(on) {
    const t = this.captionTrack();
    if (t) t.mode = on ? "showing" : "hidden";
    this.captionsOn = on;
    this.ccBtn.setAttribute("aria-pressed", String(on));
  },

  toggleCaptions() {
    this.setCaptions(!this.captionsOn);
  },

  toggleFullscreen() {
    const doc = this.root.ownerDocument;
    if (doc.fullscreenElement) doc.exitFullscreen().catch(() => {});
    else if (this.root.requestFullscreen) this.root.requestFullscreen().catch(() => {});
  },
};
