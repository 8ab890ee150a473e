// Author mode: drag the selected item on the timeline to move its start (or, by its right
// edge, its end). The drop is sent as the player's in/out mark at a frame start, the same
// trigger the I and U keys send, so Python has one path for setting times.

import { dragEdge, fmt, timeAtX } from "./model.js";
import { pct } from "./layout.js";
import { sendEdit } from "./edits.js";

const SLOP_PX = 3; // a press that moves less than this is a click (seek), not a drag

/** Make timeline `node` (the selected item, drawn at `start`..`end` s) draggable. */
export function draggable(p, node, start, end) {
  node.classList.add("al-draggable");
  node.addEventListener("pointerdown", (e) => {
    if (p.mode !== "author" || e.button !== 0) return;
    const r = node.getBoundingClientRect();
    const edge = dragEdge(e.clientX, r.left, r.right, end != null);
    const box = p.timeline.getBoundingClientRect();
    let at = null;
    const move = (ev) => {
      if (at === null && Math.abs(ev.clientX - e.clientX) < SLOP_PX) return;
      at = timeAtX(ev.clientX, box.left, box.width, p.duration(), p.fps);
      const d = p.duration();
      if (edge === "in") {
        node.style.left = pct(at, d);
        if (end != null) node.style.width = pct(Math.max(0, end - at), d);
      } else node.style.width = pct(Math.max(0, at - start), d);
      p.selInfo.textContent = `Drop to set its ${edge === "in" ? "start" : "end"} to ${fmt(at)}`;
    };
    const up = () => {
      node.removeEventListener("pointermove", move);
      node.removeEventListener("pointerup", up);
      node.removeEventListener("pointercancel", up);
      if (at === null) return; // a click: the item's own handler seeks
      node.dataset.dragged = "true"; // the click that follows a drop is not a seek
      sendEdit(p, "mark", { kind: edge, at_ms: Math.round(at * 1000) });
    };
    node.setPointerCapture(e.pointerId);
    node.addEventListener("pointermove", move);
    node.addEventListener("pointerup", up);
    node.addEventListener("pointercancel", up);
  });
  node.addEventListener(
    "click",
    (e) => {
      if (node.dataset.dragged !== "true") return;
      delete node.dataset.dragged;
      e.stopImmediatePropagation();
    },
    true,
  );
}
