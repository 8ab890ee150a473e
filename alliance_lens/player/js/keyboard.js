// Keyboard: from a key event to the name of an action, using the key table Python sends
// (alliance_lens/player/keys.py, the one home of the shortcuts). Pure: no DOM access.

const TYPING = new Set(["TEXTAREA", "SELECT"]);
const NON_TEXT_INPUTS = new Set([
  "radio",
  "checkbox",
  "button",
  "submit",
  "reset",
  "range",
  "color",
  "file",
]);
const CONTROLS = new Set(["BUTTON", "INPUT", "SUMMARY", "A"]);

/** The table's rows that apply in `mode`. */
export function rowsFor(table, mode) {
  return (table || []).filter((row) => row.modes.includes(mode));
}

/** {chord: action} for `mode`. */
export function bindings(table, mode) {
  const map = new Map();
  for (const row of rowsFor(table, mode))
    for (const [chord, action] of row.bindings) map.set(chord, action);
  return map;
}

/** True when a key pressed in `target` is text being typed, not a shortcut. */
export function isTyping(target) {
  const tag = target && target.tagName;
  if (!tag) return false;
  if (TYPING.has(tag) || target.isContentEditable) return true;
  return tag === "INPUT" && !NON_TEXT_INPUTS.has((target.type || "").toLowerCase());
}

/**
 * The chord a key event names: ", " and "." keep Shift and Alt (which change e.key, e.g. "<",
 * "≤"; so they are read by position too); other keys with Alt are no chord; letters are
 * lower case.
 */
export function chordOf(e) {
  const k = e.key;
  const base =
    k === "," || e.code === "Comma" ? "," : k === "." || e.code === "Period" ? "." : null;
  if (base) return (e.altKey ? "Alt+" : "") + (e.shiftKey ? "Shift+" : "") + base;
  if (e.altKey) return null;
  if (k === "Spacebar") return " ";
  return k.length === 1 ? k.toLowerCase() : k;
}

/**
 * The action for key event `e` in `mode`, or null. `target` is where the key was pressed;
 * `helpOpen` says whether the shortcut overlay is showing (Esc closes it, and only then).
 */
export function actionFor(e, { mode, table, target, helpOpen }) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || isTyping(target)) return null;
  const chord = chordOf(e);
  if (chord === null) return null;
  const action = bindings(table, mode).get(chord);
  if (!action) return null;
  const tag = target && target.tagName;
  if (action === "play" && CONTROLS.has(tag)) return null; // Space presses the focused control
  if ((action === "seek_back" || action === "seek_forward") && tag === "INPUT") return null;
  if (action === "close_help" && !helpOpen) return null;
  return action;
}
