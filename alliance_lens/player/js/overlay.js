// The laser dot and ink strokes drawn over the video frame (console and stage alike).
// Points are normalised to the picture (sync.js), so both windows put them on the same spot
// whatever their sizes.

import { el } from "./dom.js";
import { normalisedPoint, placePoint } from "./sync.js";

const INK = "#ff2d55";

export class Overlay {
  constructor(p) {
    this.p = p;
    this.pointer = null; // {x, y} normalised, or null
    this.ink = []; // strokes: [[{x, y}, ...], ...]
    this.canvas = el("canvas", { class: "al-ink", "aria-hidden": "true" });
    p.stage.append(this.canvas);
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(p.stage);
  }

  set(pointer, ink) {
    this.pointer = pointer || null;
    this.ink = Array.isArray(ink) ? ink : [];
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const box = this.p.stage.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(box.width * dpr);
    const h = Math.round(box.height * dpr);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const g = c.getContext("2d");
    g.clearRect(0, 0, w, h);
    const v = this.p.video;
    const frame = { width: box.width, height: box.height };
    const at = (pt) => placePoint(frame, v.videoWidth, v.videoHeight, pt);
    g.save();
    g.scale(dpr, dpr);
    g.strokeStyle = INK;
    g.lineWidth = Math.max(3, box.width / 250);
    g.lineCap = g.lineJoin = "round";
    for (const stroke of this.ink) {
      if (!stroke.length) continue;
      g.beginPath();
      stroke.forEach((pt, i) => {
        const q = at(pt);
        if (i) g.lineTo(q.x, q.y);
        else g.moveTo(q.x, q.y);
      });
      g.stroke();
    }
    if (this.pointer) {
      const q = at(this.pointer);
      const r = Math.max(6, box.width / 120);
      g.fillStyle = "rgba(255, 45, 85, 0.35)";
      g.beginPath();
      g.arc(q.x, q.y, r * 2, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = INK;
      g.beginPath();
      g.arc(q.x, q.y, r, 0, Math.PI * 2);
      g.fill();
    }
    g.restore();
    this.canvas.dataset.pointer = this.pointer ? `${this.pointer.x},${this.pointer.y}` : "";
    this.canvas.dataset.strokes = String(this.ink.length);
  }

  destroy() {
    this.resize.disconnect();
    this.canvas.remove();
  }
}

/**
 * The console's mouse over the paused frame (the canvas takes pointer events only then):
 * moving shows the laser dot, dragging draws a stroke, a plain click plays as the video would.
 * `changed` runs at most once a frame, after the overlay is drawn.
 */
export function listenPointer(overlay, p, changed) {
  const c = overlay.canvas;
  let stroke = null;
  let moved = 0;
  let frame = 0;
  const point = (e) =>
    normalisedPoint(
      c.getBoundingClientRect(),
      p.video.videoWidth,
      p.video.videoHeight,
      e.clientX,
      e.clientY,
    );
  const later = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      overlay.draw();
      changed();
    });
  };
  c.addEventListener("pointerdown", (e) => {
    const pt = point(e);
    if (!pt) return;
    c.setPointerCapture(e.pointerId);
    stroke = [pt];
    moved = 0;
    overlay.ink = [...overlay.ink, stroke];
  });
  c.addEventListener("pointermove", (e) => {
    const pt = point(e);
    overlay.pointer = pt;
    if (stroke && pt) {
      moved += 1;
      stroke.push(pt);
    }
    later();
  });
  c.addEventListener("pointerup", () => {
    if (stroke && moved < 2) {
      overlay.ink = overlay.ink.filter((s) => s !== stroke); // a click, not a stroke: play
      p.togglePlay();
    }
    stroke = null;
    later();
  });
  c.addEventListener("pointerleave", () => {
    overlay.pointer = null;
    later();
  });
}
