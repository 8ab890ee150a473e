// Alliance Lens player: a Streamlit components-v2 ES module.
// Sync stays in the browser: Python hears from us only at deliberate moments
// (answer, prompt reached, pause, page hidden, mark), never while the video plays.
// Only fields named *_html (made safe by alliance_lens.richtext) are inserted as HTML.

const INSTANCE = Symbol.for("allianceLens.player");
const SEEK_STEP = 5;
const TYPING = new Set(["TEXTAREA", "SELECT"]);
const NON_TEXT_INPUTS = new Set(["radio", "checkbox", "button", "submit", "reset", "range", "color", "file"]);
// Author mode. O is "onset", so the out point is U (I and U sit side by side).
const MARK_KEYS = { m: "cue", o: "onset", e: "resolution", q: "prompt", h: "chapter", i: "in", u: "out" };
const MARK_TEXT = {
  cue: ["Mark cue", "Mark a cue at this frame"],
  onset: ["Mark onset", "Mark a rupture onset at this frame"],
  resolution: ["Mark resolution", "Resolve the rupture in progress at this frame"],
  prompt: ["Mark prompt", "Mark a pause-and-reflect prompt at this frame"],
  chapter: ["Mark chapter", "Mark a chapter at this frame"],
  in: ["In", "In: the selected item starts at this frame"],
  out: ["Out", "Out: the selected item ends at this frame"],
};
const KIND_NAME = { episode: "rupture", cue: "cue", prompt: "prompt", chapter: "chapter" };
const NUDGE_WAIT_MS = 300;     // nudge keys pressed within this add up into one trigger
const THUMB_PREFIX = "data:image/jpeg;base64,";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "html") node.innerHTML = v; // only ever richtext output (*_html)
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

export function fmt(t) {
  if (!Number.isFinite(t) || t < 0) t = 0;
  const s = Math.floor(t);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
}

// Frame n covers [n/fps, (n+1)/fps); the tiny epsilon absorbs float error in at*fps.
const frameOf = (t, fps) => Math.floor(t * fps + 1e-6);

class Player {
  constructor(host) {
    this.host = host;
    this.data = null;
    this.src = null;
    this.trigger = () => {};
    this.fps = 25;
    this.reached = 0;          // furthest time played: learner mode reveals up to here
    this.armed = new Set();    // prompt keys that may still fire in this pass
    this.active = null;        // the open prompt {track, prompt, key, state}
    this.frameTime = null;     // mediaTime of the frame on screen (rVFC)
    this.internalSeek = false; // our own frame correction: must not re-arm prompts
    this.lastNonce = null;
    this.captionsDefault = null;
    this.items = [];           // [{time, node}] revealed by time in learner mode
    this.selected = null;      // author mode: {kind, id, track} chosen on the page
    this.stepFrame = null;     // the frame a frame step asked for, until it is on screen
    this.pendingNudge = null;  // {unit, amount} not yet sent
    this.onBeforeUnload = null;
    this.build();
    this.listen();
  }

  // ---------------------------------------------------------------- DOM, once
  build() {
    const video = el("video", { class: "al-video", playsinline: true, preload: "auto" });
    this.video = video;
    this.problem = el("div", { class: "al-problem", role: "alert", hidden: true });
    this.promptBox = el("section", { class: "al-prompt", hidden: true, "aria-labelledby": "al-prompt-title" });
    this.stage = el("div", { class: "al-stage" }, video, this.problem);

    this.playBtn = el("button", { class: "al-btn al-play", type: "button", "aria-label": "Play (Space)", onclick: () => this.togglePlay() }, "Play");
    const back = el("button", { class: "al-btn", type: "button", "aria-label": "Back 5 seconds (Left arrow)", onclick: () => this.seekBy(-SEEK_STEP) }, "−5 s");
    const fwd = el("button", { class: "al-btn", type: "button", "aria-label": "Forward 5 seconds (Right arrow)", onclick: () => this.seekBy(SEEK_STEP) }, "+5 s");
    this.timeText = el("span", { class: "al-time", "aria-live": "off" }, "0:00");
    this.rate = el("select", { class: "al-rate", "aria-label": "Playback speed" });
    for (const r of [0.5, 0.75, 1, 1.25, 1.5, 2]) this.rate.append(el("option", { value: r, selected: r === 1 }, r + "×"));
    this.rate.addEventListener("change", () => { this.video.playbackRate = Number(this.rate.value); });
    this.ccBtn = el("button", { class: "al-btn al-cc", type: "button", "aria-pressed": "false", "aria-label": "Captions (C)", onclick: () => this.toggleCaptions() }, "CC");
    const full = el("button", { class: "al-btn", type: "button", "aria-label": "Full screen (F)", onclick: () => this.toggleFullscreen() }, "Full screen");
    const help = el("button", { class: "al-btn al-help-btn", type: "button", "aria-label": "Keyboard shortcuts (?)", onclick: () => this.toggleHelp() }, "?");
    this.markBar = el("div", { class: "al-marks", role: "group", "aria-label": "Mark the current frame", hidden: true });
    this.markBtns = {};
    for (const [key, kind] of Object.entries(MARK_KEYS)) {
      const K = key.toUpperCase(), [text, label] = MARK_TEXT[kind];
      const b = el("button", { class: "al-btn al-mark", type: "button", "data-kind": kind, "aria-keyshortcuts": K, "aria-label": `${label} (${K})`, onclick: () => this.mark(kind) }, `${text} (${K})`);
      this.markBtns[kind] = b;
      if (kind === "in") this.markBar.append(el("span", { class: "al-sep", "aria-hidden": "true" }));
      this.markBar.append(b);
    }
    this.markBar.append(el("span", { class: "al-sep", "aria-hidden": "true" }),
      el("button", { class: "al-btn al-step", type: "button", "data-step": "-1", "aria-keyshortcuts": ",", "aria-label": "Back one frame (comma; Shift: 100 ms)", onclick: () => this.stepFrames(-1) }, "◂ 1 frame (,)"),
      el("button", { class: "al-btn al-step", type: "button", "data-step": "1", "aria-keyshortcuts": ".", "aria-label": "Forward one frame (period; Shift: 100 ms)", onclick: () => this.stepFrames(1) }, "1 frame ▸ (.)"));
    this.selInfo = el("p", { class: "al-selinfo", "aria-live": "polite" });
    this.controls = el("div", { class: "al-controls", role: "group", "aria-label": "Player controls" },
      this.playBtn, back, fwd, this.timeText, el("span", { class: "al-spacer" }), this.rate, this.ccBtn, full, help);

    this.timeline = el("div", { class: "al-timeline", role: "group", "aria-label": "Rupture timeline" });
    this.playhead = el("div", { class: "al-playhead", "aria-hidden": "true" });
    this.tip = el("div", { class: "al-tip", role: "tooltip", id: "al-tip", hidden: true });
    this.jump = el("nav", { class: "al-jump", "aria-label": "Jump list" });
    this.live = el("div", { class: "al-sr", "aria-live": "assertive", role: "status" });

    this.trackBar = el("div", { class: "al-trackbar", role: "group", "aria-label": "Commentary tracks" });
    this.cueList = el("ol", { class: "al-cues", "aria-label": "Running commentary" });
    this.empty = el("p", { class: "al-empty" });
    this.side = el("aside", { class: "al-side", "aria-label": "Commentary" }, this.trackBar, this.cueList, this.empty);

    this.helpBox = el("div", { class: "al-helpbox", role: "dialog", "aria-label": "Keyboard shortcuts", hidden: true });
    // the prompt sits under the picture: the paused frame is what the viewer reflects on
    const main = el("div", { class: "al-main" }, this.stage, this.promptBox, this.controls, this.markBar, this.selInfo, this.timeline, this.jump);
    this.root = el("div", { class: "al-player", tabindex: "-1" }, el("div", { class: "al-layout" }, main, this.side), this.tip, this.helpBox, this.live);
    this.host.append(this.root);
    this.cueTrack = video.addTextTrack("metadata", "alliance-lens-cues");
    this.cueTrack.mode = "hidden"; // hidden still fires cuechange; nothing is drawn
  }

  listen() {
    const v = this.video;
    v.addEventListener("play", () => this.onPlayState());
    v.addEventListener("pause", () => { this.onPlayState(); if (!this.active) this.sendPosition("pause"); /* a prompt sends its own */ });
    v.addEventListener("seeking", () => this.onSeeking());
    v.addEventListener("seeked", () => { this.internalSeek = false; this.raise(v.currentTime); this.drawPlayhead(); });
    v.addEventListener("play", () => { this.stepFrame = null; });
    v.addEventListener("loadedmetadata", () => { this.renderTimeline(); this.drawPlayhead(); });
    v.addEventListener("ratechange", () => { this.rate.value = String(v.playbackRate); });
    v.addEventListener("error", () => this.onVideoError());
    v.addEventListener("click", () => this.togglePlay());
    this.cueTrack.addEventListener("cuechange", () => this.onCueChange());
    this.watchFrames();
    this.onKey = (e) => this.key(e);
    this.onVisibility = () => { if (document.visibilityState === "hidden") this.sendPosition("hidden"); };
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
    this.flushNudge();
    cancelAnimationFrame(this.raf);
    this.video.pause();
    this.video.removeAttribute("src");
    this.video.load();
    this.root.remove();
    delete this.host[INSTANCE];
  }

  // ---------------------------------------------------------------- data from Python
  update(data) {
    const prev = this.data;
    this.data = data;
    this.mode = data.mode || "learner";
    this.root.dataset.mode = this.mode;
    this.fps = data.video && data.video.fps > 0 ? data.video.fps : 25;
    this.markBar.hidden = this.mode !== "author";
    this.selInfo.hidden = this.mode !== "author";
    const sel = this.mode === "author" && data.selected && data.selected.id ? data.selected : null;
    const selKey = sel ? `${sel.kind}\u241f${sel.track}\u241f${sel.id}` : null;
    const newSelection = selKey !== this.selKey;
    this.selected = sel;
    this.selKey = selKey;
    this.setDirty(!!data.dirty);
    this.rate.hidden = this.mode === "presenter";
    this.prompts = [];
    for (const t of data.tracks) for (const p of t.prompts) this.prompts.push({ track: t, prompt: p, key: t.id + "/" + p.id });
    this.prompts.sort((a, b) => a.prompt.at - b.prompt.at);

    const src = data.video ? data.video.src : null;
    if (src !== this.src) this.load(src, data);
    else if (!prev || prev.mode !== this.mode) this.rearm(this.video.currentTime);
    this.problem.hidden = !(data.video && data.video.problem);
    this.problem.textContent = (data.video && data.video.problem) || "";
    if (data.captions && data.captions.on !== this.captionsDefault) {
      this.captionsDefault = data.captions.on;
      this.setCaptions(data.captions.on);
    }
    this.ccBtn.hidden = !data.captions;
    if (this.mode === "review" || this.mode === "author") this.reached = Infinity;
    else if (this.reached === Infinity) this.reached = this.video.currentTime || 0;

    this.renderTrackBar();
    this.renderCues();
    this.renderTimeline();
    this.renderJump();
    this.renderHelp();
    this.renderSelection(newSelection);
    this.reveal();
    if (this.active) this.refreshPrompt();
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
    this.video.querySelectorAll("track").forEach((t) => t.remove());
    if (data.captions && data.captions.src) {
      this.video.append(el("track", { kind: "captions", src: data.captions.src, srclang: data.captions.lang || "en", label: "Captions", default: data.captions.on }));
    }
    this.captionsDefault = null;
    if (src) this.video.src = src;
    else { this.video.removeAttribute("src"); this.video.load(); }
    this.rearm(0);
  }

  command(cmd) {
    if (cmd.action === "seek" && Number.isFinite(cmd.at)) this.seek(cmd.at);
    else if (cmd.action === "play") this.play();
    else if (cmd.action === "pause") this.video.pause();
  }

  duration() {
    const d = this.video.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return (this.data && this.data.video && this.data.video.duration) || 1;
  }

  visibleTracks() {
    return this.data.tracks; // the page's track picker already chose them
  }

  // ---------------------------------------------------------------- commentary panel
  renderTrackBar() {
    // a legend: which colour is which track (the page's track picker chooses them)
    this.trackBar.replaceChildren();
    if (this.data.tracks.length < 2) return;
    for (const t of this.data.tracks) {
      this.trackBar.append(el("span", { class: "al-chip", style: `--track:${t.colour}` },
        el("span", { class: "al-swatch", "aria-hidden": "true" }), t.name));
    }
  }

  renderCues() {
    this.items = [];
    this.cueNodes = new Map();
    this.cueList.replaceChildren();
    for (const c of Array.from(this.cueTrack.cues || [])) this.cueTrack.removeCue(c);
    const rows = [];
    for (const t of this.visibleTracks()) {
      for (const c of t.cues) rows.push({ time: c.start, t, c });
      if (this.mode === "review" || this.mode === "author") for (const p of t.prompts) rows.push({ time: p.at, t, p });
    }
    rows.sort((a, b) => a.time - b.time);
    const end = this.duration() + 3600;
    for (const row of rows) {
      const li = row.c ? this.cueItem(row.t, row.c) : this.promptItem(row.t, row.p);
      this.cueList.append(li);
      this.items.push({ time: row.time, node: li });
      if (row.c) {
        const id = row.t.id + "\u241f" + row.c.id;
        this.cueNodes.set(id, li);
        const stop = row.c.end != null && row.c.end > row.c.start ? row.c.end : end;
        const vc = new VTTCue(row.c.start, stop, "");
        vc.id = id;
        this.cueTrack.addCue(vc);
      }
    }
    this.onCueChange();
  }

  cueItem(t, c) {
    const time = el("button", { class: "al-cue-time", type: "button", "aria-label": `Go to ${fmt(c.start)}`, onclick: () => this.seek(c.start) }, fmt(c.start));
    const lens = el("span", { class: "al-lens", style: `--lens:${c.lens_colour}` }, c.lens_label);
    const head = el("div", { class: "al-cue-head" }, time, lens, this.data.tracks.length > 1 ? el("span", { class: "al-cue-track" }, t.name) : null);
    const body = el("div", { class: "al-cue-text", html: c.html });
    const notes = c.notes_html ? el("div", { class: "al-notes", html: c.notes_html }) : null;
    if (notes) notes.prepend(el("strong", {}, "Presenter notes: "));
    const on = this.isSelected("cue", t.id, c.id);
    return el("li", { class: "al-cue" + (on ? " is-selected" : ""), style: `--track:${t.colour}`, "data-id": c.id, "data-track": t.id, "data-selected": on ? "true" : null }, head, body, notes);
  }

  promptItem(t, p) {
    const time = el("button", { class: "al-cue-time", type: "button", "aria-label": `Go to ${fmt(p.at)}`, onclick: () => this.seek(p.at) }, fmt(p.at));
    const reveal = p.reveal_html ? el("details", { class: "al-listed-reveal" }, el("summary", {}, "Commentary"), el("div", { html: p.reveal_html })) : null;
    const opts = p.options.length ? el("ul", { class: "al-listed-options" }, ...p.options.map((o) => el("li", { class: o === p.expected ? "is-expected" : "" }, o + (o === p.expected ? " (expert)" : "")))) : null;
    const on = this.isSelected("prompt", t.id, p.id);
    return el("li", { class: "al-cue al-cue-prompt" + (on ? " is-selected" : ""), style: `--track:${t.colour}`, "data-prompt": p.id, "data-track": t.id, "data-selected": on ? "true" : null },
      el("div", { class: "al-cue-head" }, time, el("span", { class: "al-lens al-lens-prompt" }, "Reflect")),
      el("div", { class: "al-cue-text", html: p.question_html }), opts, reveal);
  }

  onCueChange() {
    if (!this.cueNodes) return;
    const ids = new Set(Array.from(this.cueTrack.activeCues || []).map((c) => c.id));
    let newest = null;
    for (const [id, li] of this.cueNodes) {
      const on = ids.has(id);
      li.classList.toggle("is-active", on);
      if (on) { li.setAttribute("aria-current", "true"); newest = li; } else li.removeAttribute("aria-current");
    }
    if (ids.size && this.reached !== Infinity) {
      this.reached = Math.max(this.reached, this.video.currentTime);
      this.reveal();
    }
    if (newest) this.scrollTo(newest);
  }

  scrollTo(li) {
    // scroll the panel only: scrollIntoView would also scroll the presenter's page
    const list = this.cueList;
    const top = li.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + li.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTo({ top: Math.max(0, top - list.clientHeight / 3), behavior: "smooth" });
    }
  }

  // Learner and presenter: show only what has played (spoiler-free), by time.
  reveal() {
    const upTo = this.reached + 0.001;
    let shown = 0;
    for (const it of this.items) { const vis = it.time <= upTo; it.node.hidden = !vis; shown += vis; }
    for (const node of this.root.querySelectorAll("[data-reveal-at]")) node.hidden = Number(node.dataset.revealAt) > upTo;
    for (const span of this.root.querySelectorAll(".al-episode[data-onset]")) {
      const onset = Number(span.dataset.onset), end = Number(span.dataset.end);
      const shownEnd = Math.min(end, Math.max(onset, this.reached));
      span.style.width = `${((shownEnd - onset) / this.duration()) * 100}%`;
    }
    this.empty.hidden = shown > 0;
    this.empty.textContent = this.items.length
      ? "Commentary appears here as the video reaches each moment."
      : "No running commentary in the chosen tracks.";
  }

  raise(t) {
    if (this.reached !== Infinity && t > this.reached) { this.reached = t; this.reveal(); }
  }

  // ---------------------------------------------------------------- timeline + jump list
  renderTimeline() {
    if (!this.data) return;
    const d = this.duration();
    const pct = (t) => `${Math.min(100, Math.max(0, (t / d) * 100))}%`;
    this.timeline.replaceChildren();
    const chapters = el("div", { class: "al-row al-row-chapters" });
    for (const ch of this.data.chapters) {
      const m = this.marker("al-chapter", ch.start, pct, `Chapter: ${ch.title}`, [ch.title], "§");
      m.dataset.id = ch.id;
      this.markSelected(m, this.isSelected("chapter", null, ch.id));
      chapters.append(m);
    }
    this.timeline.append(chapters);
    for (const t of this.visibleTracks()) {
      const row = el("div", { class: "al-row", style: `--track:${t.colour}`, "aria-label": t.name, role: "group" });
      for (const ep of t.episodes) {
        const style = this.data.rupture_types[ep.type] || {};
        const end = ep.resolved != null && ep.resolved > ep.onset ? ep.resolved : Math.min(d, ep.onset + 2);
        const head = ep.type === "untyped" ? `Rupture, type not chosen yet: ${ep.title}` : `${ep.type_label} rupture: ${ep.title}`;
        const lines = [head, `${fmt(ep.onset)}–${ep.resolved != null ? fmt(ep.resolved) : "unresolved"}`];
        if (ep.markers.length) lines.push("Markers: " + ep.markers.map((m) => m.label).join("; "));
        if (ep.resolution) lines.push("Resolution: " + ep.resolution);
        const span = el("button", {
          class: `al-episode al-${style.pattern || "plain"}`, type: "button", "data-id": ep.id, "data-type": ep.type, "data-onset": ep.onset, "data-end": end, "data-reveal-at": ep.onset,
          style: `left:${pct(ep.onset)};width:${pct(end - ep.onset)};--rupture:${style.colour || "#666"}`,
          "aria-label": lines.join(". "), "aria-describedby": "al-tip",
          onclick: () => this.seek(ep.onset),
        }, el("span", { class: "al-letter", "aria-hidden": "true" }, style.letter || "?"));
        this.tipOn(span, lines, ep.thumb);
        this.markSelected(span, this.isSelected("episode", t.id, ep.id));
        row.append(span);
        for (const r of ep.repairs) {
          const rl = [`Repair at ${fmt(r.at)}`, ...r.strategies.map((s) => s.label)];
          if (r.depth || r.directness) rl.push([r.depth, r.directness].filter(Boolean).join(", "));
          const m = this.marker("al-repair", r.at, pct, rl.join(". "), rl, "◆");
          m.dataset.revealAt = r.at;
          row.append(m);
        }
      }
      for (const p of t.prompts) {
        const tmp = document.createElement("div");
        tmp.innerHTML = p.question_html;
        // a prompt this learner has answered shows a tick, so they can see what is done
        const done = this.mode === "learner" && !!(this.data.answers || {})[`${t.id}/${p.id}`];
        const label = `${done ? "Answered: p" : "P"}ause and reflect at ${fmt(p.at)}`;
        const m = this.marker("al-promptmark" + (done ? " is-done" : ""), p.at, pct, label, this.mode === "learner" || this.mode === "presenter" ? [label] : [label, tmp.textContent], done ? "\u2713" : "?");
        m.dataset.id = p.id;
        this.markSelected(m, this.isSelected("prompt", t.id, p.id));
        row.append(m);
      }
      this.timeline.append(row);
    }
    this.timeline.append(this.playhead);
    this.reveal();
    this.drawPlayhead();
  }

  marker(cls, at, pct, label, lines, glyph) {
    const b = el("button", { class: `al-marker ${cls}`, type: "button", style: `left:${pct(at)}`, "aria-label": label, "aria-describedby": "al-tip", onclick: () => this.seek(at) },
      el("span", { "aria-hidden": "true" }, glyph));
    this.tipOn(b, lines);
    return b;
  }

  markSelected(node, on) {
    if (!on) return;
    node.classList.add("is-selected");
    node.dataset.selected = "true";
    node.setAttribute("aria-label", `Selected. ${node.getAttribute("aria-label") || ""}`);
  }

  tipOn(node, lines, thumb) {
    const show = () => {
      const parts = [];
      // a picture of the onset frame: a data: URI from Python, never markup (no innerHTML)
      if (typeof thumb === "string" && thumb.startsWith(THUMB_PREFIX)) {
        const img = document.createElement("img");
        img.className = "al-tip-thumb";
        img.alt = "";
        img.width = 160;
        img.src = thumb;
        parts.push(img);
      }
      this.tip.replaceChildren(...parts, ...lines.map((l, i) => el(i ? "div" : "strong", {}, l)));
      this.tip.hidden = false;
      const r = node.getBoundingClientRect(), host = this.root.getBoundingClientRect();
      this.tip.style.left = `${Math.max(0, Math.min(r.left - host.left, host.width - 320))}px`;
      this.tip.style.top = `${r.bottom - host.top + 6}px`;
    };
    const hide = () => { this.tip.hidden = true; this.tip.replaceChildren(); };
    node.addEventListener("mouseenter", show);
    node.addEventListener("focus", show);
    node.addEventListener("mouseleave", hide);
    node.addEventListener("blur", hide);
  }

  renderJump() {
    this.jump.replaceChildren();
    const chapters = this.data.chapters.map((ch) => el("li", {}, el("button", { type: "button", class: "al-jumpbtn", onclick: () => this.seek(ch.start) }, el("span", { class: "al-jt" }, fmt(ch.start)), ch.title)));
    const eps = [];
    for (const t of this.visibleTracks()) for (const ep of t.episodes) {
      const style = this.data.rupture_types[ep.type] || {};
      const on = this.isSelected("episode", t.id, ep.id);
      eps.push(el("li", { "data-reveal-at": ep.onset }, el("button", { type: "button", class: "al-jumpbtn" + (on ? " is-selected" : ""), "aria-current": on ? "true" : null, onclick: () => this.seek(ep.onset) },
        el("span", { class: `al-badge al-${style.pattern}`, style: `--rupture:${style.colour}`, "aria-hidden": "true" }, style.letter), el("span", { class: "al-jt" }, fmt(ep.onset)), `${ep.title} (${ep.type_label.toLowerCase()})`)));
    }
    if (chapters.length) this.jump.append(el("div", { class: "al-jumpgroup" }, el("h3", {}, "Chapters"), el("ol", {}, ...chapters)));
    if (eps.length) this.jump.append(el("div", { class: "al-jumpgroup" }, el("h3", {}, "Ruptures"), el("ol", {}, ...eps)));
  }

  renderHelp() {
    const keys = [["Space", "Play / pause (continue at a prompt)"], ["← / →", "Back / forward 5 seconds"], ["[ / ]", "Previous / next rupture onset"],
      ["P / N", "Previous / next commentary"], ["C", "Captions on / off"], ["R", "Reveal the commentary at a prompt"], ["F", "Full screen"], ["?", "This help"], ["Esc", "Close"]];
    if (this.mode === "author") {
      for (const [k, kind] of Object.entries(MARK_KEYS)) keys.push([k.toUpperCase(), MARK_TEXT[kind][1] + (kind === "out" ? " (O is onset)" : "")]);
      keys.push([", / .", "Back / forward one frame (pauses)"], ["Shift+, / Shift+.", "Back / forward 100 ms"],
        ["Alt+, / Alt+.", "Nudge the selected item one frame earlier / later"],
        ["Alt+Shift+, / Alt+Shift+.", "Nudge the selected item 100 ms earlier / later"]);
    }
    const dl = el("dl", {});
    for (const [k, v] of keys) dl.append(el("dt", {}, el("kbd", {}, k)), el("dd", {}, v));
    this.helpBox.replaceChildren(el("h2", {}, "Keyboard shortcuts"), dl, el("button", { type: "button", class: "al-btn", onclick: () => this.toggleHelp(false) }, "Close"));
  }

  drawPlayhead() {
    const t = this.video.currentTime || 0;
    this.playhead.style.left = `${Math.min(100, (t / this.duration()) * 100)}%`;
    this.timeText.textContent = `${fmt(t)} / ${fmt(this.duration())}`;
  }

  onPlayState() {
    const playing = !this.video.paused;
    this.playBtn.textContent = playing ? "Pause" : "Play";
    this.playBtn.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
    cancelAnimationFrame(this.raf);
    const tick = () => { this.drawPlayhead(); if (!this.video.paused) this.raf = requestAnimationFrame(tick); };
    tick();
  }

  // ---------------------------------------------------------------- prompts (frame-exact)
  rearm(t) {
    this.armed.clear();
    if (this.mode !== "learner" && this.mode !== "presenter") return;
    for (const p of this.prompts) if (p.prompt.at >= t - 0.0005) this.armed.add(p.key);
  }

  onSeeking() {
    if (this.internalSeek) return;
    this.rearm(this.video.currentTime);
    if (this.active && this.active.state !== "leaving") this.closePrompt();
  }

  watchFrames() {
    const v = this.video;
    if (!("requestVideoFrameCallback" in HTMLVideoElement.prototype)) return this.pollFrames();
    const onFrame = (_now, meta) => {
      this.frameTime = meta.mediaTime;
      if (this.stepFrame != null && Math.round(meta.mediaTime * this.fps) === this.stepFrame) this.stepFrame = null;
      this.checkPrompts(meta.mediaTime);
      this.raise(meta.mediaTime);
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  }

  pollFrames() { // no rVFC (older browsers): best effort from the rendering loop
    const loop = () => { if (!this.video.paused) { this.checkPrompts(this.video.currentTime); this.raise(this.video.currentTime); } requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  }

  // Pause on the frame that covers the prompt time: the next frame would pass it.
  checkPrompts(mediaTime) {
    if (this.video.paused || this.active || !this.armed.size) return;
    const shown = Math.round(mediaTime * this.fps);
    for (const p of this.prompts) {
      if (!this.armed.has(p.key)) continue;
      const target = frameOf(p.prompt.at, this.fps);
      if (shown < target) return; // prompts are sorted: later ones are not due either
      this.armed.delete(p.key);
      this.video.pause(); // the async "pause" event sees this.active set below
      // Snap to the middle of the covering frame: pause() from the frame callback is right
      // nearly always, but a skipped frame or one already queued can leave the next one
      // on screen. A seek while paused shows exactly the frame for that time.
      this.internalSeek = true;
      this.video.currentTime = (target + 0.5) / this.fps;
      this.openPrompt(p);
      return;
    }
  }

  openPrompt(p) {
    const earlier = (this.data.answers || {})[p.key] || null;
    this.active = { ...p, state: "ask", answer: earlier ? { ...earlier } : null };
    this.refreshPrompt();
    this.sendPosition("prompt", { track: p.track.id, prompt: p.prompt.id });
    const plain = document.createElement("div");
    plain.innerHTML = p.prompt.question_html;
    this.live.textContent = "";
    setTimeout(() => { this.live.textContent = `Pause and reflect: ${plain.textContent}`; }, 50);
  }

  refreshPrompt() {
    const a = this.active;
    if (!a) return;
    const p = a.prompt, presenter = this.mode === "presenter";
    const box = this.promptBox;
    const earlier = (this.data.answers || {})[a.key];
    const title = el("h2", { id: "al-prompt-title", class: "al-prompt-title" }, presenter ? "Question for the room" : "Pause and reflect");
    const q = el("div", { class: "al-question", html: p.question_html });
    const parts = [title, q];
    if (p.kind === "choice") {
      const group = el("div", { class: "al-choices", role: presenter ? "list" : "radiogroup", "aria-labelledby": "al-prompt-title" });
      p.options.forEach((o, i) => {
        const revealed = a.state === "revealed";
        const cls = "al-choice" + (revealed && o === p.expected ? " is-expected" : "");
        if (presenter) { group.append(el("div", { class: cls, role: "listitem" }, el("span", { class: "al-opt-letter" }, String.fromCharCode(65 + i)), o)); return; }
        const input = el("input", { type: "radio", name: "al-choice", value: o, checked: a.answer && a.answer.choice === o });
        input.addEventListener("change", () => this.answer({ choice: o }));
        group.append(el("label", { class: cls }, input, el("span", {}, o)));
      });
      parts.push(group);
    } else if (!presenter) {
      const ta = el("textarea", { class: "al-answer", rows: 3, "aria-label": "Your answer", placeholder: "What might the client be feeling? And the therapist?" });
      ta.value = (a.answer && a.answer.text) || "";
      ta.addEventListener("input", () => { a.draft = ta.value; });
      if (a.draft !== undefined) ta.value = a.draft;
      parts.push(ta);
      if (earlier && earlier.text) parts.push(el("p", { class: "al-earlier" }, el("strong", {}, "Your earlier answer: "), earlier.text));
    }
    const actions = el("div", { class: "al-actions" });
    if (a.state === "ask") {
      actions.append(el("button", { type: "button", class: "al-btn al-primary al-reveal", onclick: () => this.revealPrompt() }, "Reveal commentary (R)"));
    } else {
      const out = el("div", { class: "al-revealed", tabindex: "-1" });
      if (p.kind === "choice" && p.expected) {
        const chosen = a.answer && a.answer.choice;
        const verdict = presenter ? `The expert chose: ${p.expected}` : !chosen ? `The expert chose: ${p.expected}`
          : chosen === p.expected ? `You chose "${chosen}": the same as the expert.` : `You chose "${chosen}"; the expert chose "${p.expected}".`;
        out.append(el("p", { class: "al-verdict" + (chosen === p.expected ? " is-match" : "") }, verdict));
      }
      out.append(el("div", { class: "al-reveal-text", html: p.reveal_html || "<p>No commentary for this prompt.</p>" }));
      parts.push(out);
      actions.append(el("button", { type: "button", class: "al-btn al-primary al-continue", onclick: () => this.continuePlay() }, "Continue (Space)"));
      if (p.rewind_to != null) actions.append(el("button", { type: "button", class: "al-btn al-rewind", onclick: () => this.stopAndRewind() }, `Stop and rewind to ${fmt(p.rewind_to)}`));
    }
    parts.push(actions);
    const hadFocus = box.contains(this.host.activeElement || document.activeElement);
    box.replaceChildren(...parts);
    box.hidden = false;
    this.root.classList.add("has-prompt");
    const focusTarget = a.state === "revealed" ? box.querySelector(".al-continue") : box.querySelector("textarea, input:checked, input, .al-reveal");
    if (focusTarget && (a.justChanged || !hadFocus)) focusTarget.focus({ preventScroll: true });
    a.justChanged = false;
  }

  answer(value) {
    const a = this.active;
    if (!a) return;
    a.answer = value;
    this.trigger("answer", { track: a.track.id, prompt: a.prompt.id, ...value, at_ms: Math.round(a.prompt.at * 1000) });
  }

  revealPrompt() {
    const a = this.active;
    if (!a || a.state !== "ask") return;
    if (a.prompt.kind === "text" && this.mode !== "presenter") {
      const ta = this.promptBox.querySelector("textarea");
      const text = ta ? ta.value.trim() : "";
      if (text && (!a.answer || a.answer.text !== text)) this.answer({ text });
    }
    a.state = "revealed";
    a.justChanged = true;
    this.refreshPrompt();
    const plain = this.promptBox.querySelector(".al-revealed");
    this.live.textContent = plain ? plain.textContent : "";
  }

  closePrompt() {
    this.active = null;
    this.promptBox.hidden = true;
    this.promptBox.replaceChildren();
    this.root.classList.remove("has-prompt");
  }

  continuePlay() {
    this.closePrompt();
    // another prompt on this very frame (a second track) comes next, without playing
    if (this.frameTime != null) {
      const shown = Math.round(this.frameTime * this.fps);
      const next = this.prompts.find((p) => this.armed.has(p.key) && frameOf(p.prompt.at, this.fps) <= shown);
      if (next) { this.armed.delete(next.key); this.openPrompt(next); return; }
    }
    this.root.focus({ preventScroll: true });
    this.play();
  }

  stopAndRewind() {
    const a = this.active;
    if (!a || a.prompt.rewind_to == null) return;
    const to = a.prompt.rewind_to;
    this.closePrompt();
    this.root.focus({ preventScroll: true });
    this.seek(to);
    this.play();
  }

  // ---------------------------------------------------------------- actions
  play() {
    const p = this.video.play();
    if (p && p.catch) p.catch(() => {}); // autoplay refusal: the Play button stays
  }

  togglePlay() {
    if (this.active) { if (this.active.state === "revealed") this.continuePlay(); return; }
    this.video.paused ? this.play() : this.video.pause();
  }

  seek(t) {
    this.stepFrame = null;
    const d = this.duration();
    this.video.currentTime = Math.max(0, Math.min(t, d - 0.001));
    this.drawPlayhead();
  }

  seekBy(dt) { this.seek((this.video.currentTime || 0) + dt); }

  // Only moments already played: jumping ahead would tell a learner where the next
  // rupture is before they have noticed it (in review and author modes, reached is infinite).
  cueTimes() {
    const s = new Set();
    for (const t of this.visibleTracks()) for (const c of t.cues) if (c.start <= this.reached + 0.001) s.add(c.start);
    return [...s].sort((a, b) => a - b);
  }

  onsetTimes() {
    const s = new Set();
    for (const t of this.visibleTracks()) for (const e of t.episodes) if (e.onset <= this.reached + 0.001) s.add(e.onset);
    return [...s].sort((a, b) => a - b);
  }

  step(times, dir) {
    const now = this.video.currentTime || 0;
    const t = dir > 0 ? times.find((x) => x > now + 0.05) : [...times].reverse().find((x) => x < now - 0.5);
    if (t !== undefined) this.seek(t);
  }

  captionTrack() {
    return Array.from(this.video.textTracks).find((t) => t.kind === "captions" || t.kind === "subtitles");
  }

  setCaptions(on) {
    const t = this.captionTrack();
    if (t) t.mode = on ? "showing" : "hidden";
    this.captionsOn = on;
    this.ccBtn.setAttribute("aria-pressed", String(on));
  }

  toggleCaptions() { this.setCaptions(!this.captionsOn); }

  toggleFullscreen() {
    const doc = this.root.ownerDocument;
    if (doc.fullscreenElement) doc.exitFullscreen().catch(() => {});
    else if (this.root.requestFullscreen) this.root.requestFullscreen().catch(() => {});
  }

  toggleHelp(force) {
    const open = force === undefined ? this.helpBox.hidden : force;
    this.helpBox.hidden = !open;
    if (open) this.helpBox.querySelector("button").focus({ preventScroll: true });
    else this.root.focus({ preventScroll: true });
  }

  mark(kind) {
    if ((kind === "in" || kind === "out") && this.markBtns[kind].disabled) {
      this.say(this.selected ? `A ${KIND_NAME[this.selected.kind]} has no out point.` : "Select an item first (Selected item, below the player), then set its in or out point.");
      return;
    }
    this.trigger("mark", { kind, at_ms: Math.round(this.shownTime() * 1000) });
  }

  sendPosition(reason, extra = {}) {
    if (!this.src) return;
    this.trigger("position", { at_ms: Math.round((this.shownTime() || 0) * 1000), reason, ...extra });
  }

  // ---------------------------------------------------------------- author mode
  // The frame on screen: after a pause, currentTime can lag the picture, so judge by the
  // frame callback's mediaTime; a frame step in flight counts as already there.
  shownFrame() {
    if (this.stepFrame != null) return this.stepFrame;
    if (this.video.paused && this.frameTime != null) return Math.round(this.frameTime * this.fps);
    return frameOf(this.video.currentTime || 0, this.fps);
  }

  shownTime() {
    if (this.stepFrame != null) return this.stepFrame / this.fps;
    return this.video.paused && this.frameTime != null ? this.frameTime : this.video.currentTime;
  }

  lastFrame() { return Math.max(0, Math.ceil(this.duration() * this.fps - 1e-6) - 1); }

  stepFrames(n) {
    this.video.pause();
    this.goToFrame(this.shownFrame() + n);
  }

  stepMs(ms) {
    this.video.pause();
    this.goToFrame(frameOf(Math.max(0, this.shownTime() + ms / 1000), this.fps));
  }

  goToFrame(f) {
    const target = Math.min(this.lastFrame(), Math.max(0, f));
    this.stepFrame = target;
    // the middle of the frame: a paused seek shows exactly the frame covering that time
    this.video.currentTime = (target + 0.5) / this.fps;
    this.drawPlayhead();
  }

  nudge(unit, amount) {
    if (!this.selected) { this.say("Select an item first, then nudge it."); return; }
    if (this.pendingNudge && this.pendingNudge.unit !== unit) this.flushNudge();
    this.pendingNudge = this.pendingNudge || { unit, amount: 0, selected: this.selected };
    this.pendingNudge.amount += amount;
    const n = this.pendingNudge.amount, what = unit === "by_frames" ? `${Math.abs(n)} frame${Math.abs(n) === 1 ? "" : "s"}` : `${Math.abs(n)} ms`;
    // not sticky: the page's answer (the item at its new time) replaces it
    this.selInfo.textContent = `Moving the selected ${KIND_NAME[this.selected.kind]} ${what} ${n < 0 ? "earlier" : "later"}…`;
    clearTimeout(this.nudgeTimer);
    this.nudgeTimer = setTimeout(() => this.flushNudge(), NUDGE_WAIT_MS);
  }

  flushNudge() {
    clearTimeout(this.nudgeTimer);
    const p = this.pendingNudge;
    this.pendingNudge = null;
    if (p && p.amount) this.trigger("nudge", { [p.unit]: p.amount, selected: p.selected });
  }

  say(text) { this.selInfo.textContent = text; this.saying = true; }

  isSelected(kind, track, id) {
    const s = this.selected;
    return !!s && s.kind === kind && s.id === id && (kind === "chapter" || s.track === track);
  }

  selectedItem() {
    const s = this.selected;
    if (!s) return null;
    if (s.kind === "chapter") {
      const ch = this.data.chapters.find((c) => c.id === s.id);
      return ch && { at: ch.start, text: ch.title };
    }
    const t = this.data.tracks.find((x) => x.id === s.track);
    if (!t) return null;
    if (s.kind === "episode") { const e = t.episodes.find((x) => x.id === s.id); return e && { at: e.onset, text: `${e.title} (${e.type_label.toLowerCase()})` }; }
    if (s.kind === "prompt") { const p = t.prompts.find((x) => x.id === s.id); return p && { at: p.at, text: p.id }; }
    const c = t.cues.find((x) => x.id === s.id);
    return c && { at: c.start, text: "" };
  }

  renderSelection(changed) {
    if (this.mode !== "author") return;
    const s = this.selected, item = this.selectedItem();
    this.markBtns.in.disabled = !s;
    this.markBtns.out.disabled = !s || s.kind === "prompt" || s.kind === "chapter";
    if (changed || !this.saying) {
      this.saying = false;
      this.selInfo.textContent = s && item ? `Selected: ${KIND_NAME[s.kind]} at ${fmt(item.at)}${item.text ? " · " + item.text : ""}. I / U set its in / out here; Alt+, / Alt+. nudge it.`
        : "Nothing selected: mark a moment or choose an item below to set in / out points and nudge.";
    }
    this.saying = false;
    if (changed) {
      const li = this.cueList.querySelector("li.is-selected");
      if (li) this.scrollTo(li);
    }
  }

  setDirty(on) {
    // unsaved work is also kept in the page's draft file; this is the browser's second net
    if (on && !this.onBeforeUnload) {
      this.onBeforeUnload = (e) => { e.preventDefault(); e.returnValue = ""; };
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
    const why = err.code === 4 ? "This browser cannot play this video file (format or codec not supported)."
      : err.code === 2 ? "The video could not be loaded (network error)." : "The video could not be played.";
    this.problem.textContent = why;
    this.problem.hidden = false;
    this.trigger("event", { type: "video_error", code: err.code, message: why });
  }

  // ---------------------------------------------------------------- keyboard
  key(e) {
    if (!this.root.isConnected || e.defaultPrevented || e.ctrlKey || e.metaKey) return;
    const target = (e.composedPath && e.composedPath()[0]) || e.target;
    const tag = target && target.tagName;
    if (tag && (TYPING.has(tag) || target.isContentEditable || (tag === "INPUT" && !NON_TEXT_INPUTS.has((target.type || "").toLowerCase())))) return;
    const onControl = tag === "BUTTON" || tag === "INPUT" || tag === "SUMMARY" || tag === "A";
    const k = e.key;
    if (this.mode === "author") {
      // , and . by their key or, with Shift or Alt (which change e.key: "<", "≤"), by position
      const dir = k === "," || e.code === "Comma" ? -1 : k === "." || e.code === "Period" ? 1 : 0;
      if (dir) {
        if (e.altKey) this.nudge(e.shiftKey ? "by_ms" : "by_frames", e.shiftKey ? 100 * dir : dir);
        else if (e.shiftKey) this.stepMs(100 * dir);
        else this.stepFrames(dir);
        e.preventDefault();
        return;
      }
    }
    if (e.altKey) return;
    const lower = k.length === 1 ? k.toLowerCase() : k;
    let handled = true;
    if (k === " " || k === "Spacebar") { if (onControl) return; this.togglePlay(); }
    else if (k === "ArrowLeft") { if (tag === "INPUT") return; this.seekBy(-SEEK_STEP); }
    else if (k === "ArrowRight") { if (tag === "INPUT") return; this.seekBy(SEEK_STEP); }
    else if (k === "[") this.step(this.onsetTimes(), -1);
    else if (k === "]") this.step(this.onsetTimes(), 1);
    else if (lower === "n") this.step(this.cueTimes(), 1);
    else if (lower === "p") this.step(this.cueTimes(), -1);
    else if (lower === "c") this.toggleCaptions();
    else if (lower === "r") this.revealPrompt();
    else if (lower === "f") this.toggleFullscreen();
    else if (k === "?") this.toggleHelp();
    else if (k === "Escape" && !this.helpBox.hidden) this.toggleHelp(false);
    else if (this.mode === "author" && MARK_KEYS[lower]) this.mark(MARK_KEYS[lower]);
    else handled = false;
    if (handled) e.preventDefault();
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  // The function runs again whenever data changes; the DOM and the <video> persist.
  let player = parentElement[INSTANCE];
  if (!player) {
    player = new Player(parentElement);
    parentElement[INSTANCE] = player;
  }
  player.trigger = (name, value) => setTriggerValue(name, value);
  player.update(data || { tracks: [], chapters: [], rupture_types: {}, video: {} });
  return () => player.destroy();
}
