// What each action of the key table (alliance_lens/player/keys.py) does in the player.

import * as author from "./author.js";
import * as presenterConsole from "./console.js";
import { SEEK_STEP } from "./controls.js";
import { sendEdit } from "./edits.js";
import { cueTimes, onsetTimes } from "./model.js";
import * as practice from "./practice.js";
import { turnPage } from "./prompt_fit.js";

const played = (p, times) => times(p.data.tracks, p.reached);

export const ACTIONS = {
  play: (p) => p.togglePlay(),
  seek_back: (p) => p.seekBy(-SEEK_STEP),
  seek_forward: (p) => p.seekBy(SEEK_STEP),
  onset_back: (p) => p.jumpTo(played(p, onsetTimes), -1),
  onset_forward: (p) => p.jumpTo(played(p, onsetTimes), 1),
  cue_back: (p) => p.jumpTo(played(p, cueTimes), -1),
  cue_forward: (p) => p.jumpTo(played(p, cueTimes), 1),
  captions: (p) => p.toggleCaptions(),
  reveal: (p) => p.revealPrompt(),
  fullscreen: (p) => p.toggleFullscreen(),
  help: (p) => p.toggleHelp(),
  close_help: (p) => p.toggleHelp(false),
  frame_back: (p) => author.stepFrames(p, -1),
  frame_forward: (p) => author.stepFrames(p, 1),
  ms_back: (p) => author.stepMs(p, -100),
  ms_forward: (p) => author.stepMs(p, 100),
  nudge_frame_back: (p) => author.nudge(p, "by_frames", -1),
  nudge_frame_forward: (p) => author.nudge(p, "by_frames", 1),
  nudge_ms_back: (p) => author.nudge(p, "by_ms", -100),
  nudge_ms_forward: (p) => author.nudge(p, "by_ms", 100),
  undo: (p) => sendEdit(p, "history", { action: "undo" }),
  redo: (p) => sendEdit(p, "history", { action: "redo" }),
  // a long reveal's pages come first (prompt_fit.js), as a slide's builds do, then the
  // room's answers on the stage (a clicker sends PageDown/PageUp)
  moment_forward: (p) =>
    turnPage(p, 1) || presenterConsole.turnAnswers(p, 1) || presenterConsole.momentForward(p),
  moment_back: (p) =>
    turnPage(p, -1) || presenterConsole.turnAnswers(p, -1) || presenterConsole.momentBack(p),
  blank: (p) => presenterConsole.toggleBlank(p),
  clear_ink: (p) => presenterConsole.clearInk(p),
  ...practice.PRACTICE_ACTIONS,
};

/** Do `action` (a key table action, e.g. "seek_back" or "mark:onset"); false if unknown
 * or if the action says it had nothing to do (returns false). */
export function runAction(p, action) {
  if (action.startsWith("mark:")) author.mark(p, action.slice(5));
  else if (Object.hasOwn(ACTIONS, action)) return ACTIONS[action](p) !== false;
  else return false;
  return true;
}
