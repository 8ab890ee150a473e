// The prompt flow of the Player: open a prompt, keep an answer, reveal, continue or rewind.
// Mixed into Player.prototype (player.js), so `this` is the player.

import { plainText } from "./dom.js";
import { openCardAfterReveal } from "./episode_card.js";
import { hidePrompt, renderPrompt } from "./prompt_view.js";
import * as roomLink from "./room_link.js";

export const promptFlow = {
  openPrompt(p) {
    const a = this.clock.open(p, (this.data.answers || {})[p.key] || null);
    renderPrompt(this, a);
    this.sendPosition("prompt", { track: p.track.id, prompt: p.prompt.id });
    roomLink.promptOpened(this, p);
    this.live.textContent = "";
    setTimeout(() => {
      this.live.textContent = `Pause and reflect: ${plainText(p.prompt.question_html)}`;
    }, 50);
  },

  answer(value) {
    const a = this.clock.active;
    if (!a) return;
    a.answer = value;
    this.trigger("answer", {
      track: a.track.id,
      prompt: a.prompt.id,
      ...value,
      at_ms: Math.round(a.prompt.at * 1000),
    });
  },

  revealPrompt() {
    const a = this.clock.active;
    if (!a || a.state !== "ask") return;
    if (a.prompt.kind === "text" && this.mode !== "presenter") {
      const ta = this.promptBox.querySelector("textarea");
      const text = ta ? ta.value.trim() : "";
      if (text && (!a.answer || a.answer.text !== text)) this.answer({ text });
    } else if (a.ticked !== undefined && this.mode !== "presenter") {
      const before = (a.answer && a.answer.choices) || null;
      const changed = before ? before.join("\n") !== a.ticked.join("\n") : a.ticked.length > 0;
      if (changed) this.answer({ choices: a.ticked });
    }
    this.clock.reveal();
    renderPrompt(this, a);
    openCardAfterReveal(this, a);
    const plain = this.promptBox.querySelector(".al-revealed");
    this.live.textContent = plain ? plain.textContent : "";
  },

  closePrompt() {
    if (this.clock.active) roomLink.promptClosed(this);
    this.clock.close();
    hidePrompt(this);
  },

  continuePlay() {
    this.closePrompt();
    // another prompt on this very frame (a second track) comes next, without playing
    const next = this.clock.nextOnFrame(this.frameTime);
    if (next) return this.openPrompt(next);
    this.root.focus({ preventScroll: true });
    this.play();
  },

  stopAndRewind() {
    const to = this.clock.rewind();
    if (to == null) return;
    hidePrompt(this);
    this.root.focus({ preventScroll: true });
    this.seek(to, true);
    this.play();
  },
};
