// The stage's sound when the browser blocks it: a freshly opened stage window has had no click,
// so Chromium may refuse to play it with sound. The stage then plays muted (sync goes on) and
// says so on every message (`soundOff`); the console, on the same computer and speakers, plays
// the sound meanwhile and tells the presenter; one click or key in the stage window moves the
// sound there. One window plays the sound at a time.

import { el } from "./dom.js";

// ------------------------------------------------------------ the stage window
export class StageSound {
  /** `tell(soundOff)`: let the console know (stage.js posts a "sound" message). */
  constructor(root, video, tell) {
    this.video = video;
    this.tell = tell;
    this.off = false;
    this.button = el(
      "button",
      { type: "button", class: "al-btn al-sound", hidden: true, onclick: () => this.unmute() },
      "Click here for sound",
    );
    // over the picture's bottom right corner, clear of a rupture call-out (top left) and
    // of the captions (centred)
    (root.querySelector(".al-stage") || root).append(this.button);
    // any click or key here is the gesture the browser waits for (on click, not pointerdown:
    // the button must stay where it is until its own click has landed)
    const gesture = () => this.off && this.unmute();
    window.addEventListener("click", gesture, true);
    window.addEventListener("keydown", gesture, true);
  }

  play() {
    const v = this.video;
    const started = v.play();
    if (!started || !started.catch) return;
    started.catch((e) => {
      if (!e || e.name !== "NotAllowedError" || v.muted) return; // a pause or a new source
      v.muted = true; // muted playback is always allowed: the picture keeps in sync
      this.setOff(true);
      const again = v.play();
      if (again && again.catch) again.catch(() => {});
    });
  }

  unmute() {
    this.video.muted = false;
    this.setOff(false);
  }

  setOff(off) {
    this.off = off;
    this.button.hidden = !off;
    this.tell(off);
  }
}

// ------------------------------------------------------------ the console
/** The console's note about the stage's sound, placed under its status line. */
export function buildSoundNote(con) {
  con.soundNote = el(
    "p",
    { class: "al-con-sound", role: "status", hidden: true },
    "The stage window's browser blocked its sound, so this console plays it. " +
      "To play it from the stage instead, click once in the stage window.",
  );
  con.status.after(con.soundNote);
}

/** From a stage's message: is its sound off? Then (while it follows us) we play the sound. */
export function hearStage(con, msg) {
  if ("soundOff" in msg) con.stageSoundOff = msg.type !== "bye" && !!msg.soundOff;
}

/** Mute the console while a connected stage plays the sound; unmute it while the stage can't. */
export function applySound(con) {
  const v = con.p.video;
  const covering = con.connected && !!con.stageSoundOff;
  // without an earlier click here the browser would pause us for unmuting: stay muted then
  const allowed = !navigator.userActivation || navigator.userActivation.hasBeenActive;
  if (con.connected) v.muted = covering && allowed ? !!con.wasMuted : true;
  con.soundNote.hidden = !(covering && allowed);
}
