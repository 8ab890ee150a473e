// Alliance Lens video upload: a Streamlit components-v2 ES module.
// The file goes straight from the browser to the app's own upload route (one PUT with the
// file as the body, so the server writes it to disk as it arrives). Python hears from us once:
// the `done` trigger with the saved name and the route's receipt. No outside requests.

const INSTANCE = Symbol.for("allianceLens.uploader");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

export function megabytes(bytes) {
  const mb = bytes / (1024 * 1024);
  return (mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString("en")) + " MB";
}

class Uploader {
  constructor(host) {
    this.host = host;
    this.data = {};
    this.xhr = null;
    this.trigger = () => {};
    this.onBeforeUnload = (e) => {
      e.preventDefault();
      e.returnValue = "";
    };
    const id = "al-up-" + Math.random().toString(36).slice(2);
    this.input = el("input", {
      type: "file",
      id,
      class: "al-up-input",
      "aria-describedby": id + "-hint",
      onchange: () => {
        const f = this.input.files[0];
        if (f) this.start(f);
      },
    });
    this.title = el("span", { class: "al-up-title" });
    this.hint = el("span", { class: "al-up-hint", id: id + "-hint" });
    this.drop = el("label", { class: "al-up-drop", for: id }, this.title, this.hint);
    for (const type of ["dragenter", "dragover"]) {
      this.drop.addEventListener(type, (e) => {
        e.preventDefault();
        if (!this.xhr) this.drop.classList.add("al-up-over");
      });
    }
    this.drop.addEventListener("dragleave", () => this.drop.classList.remove("al-up-over"));
    this.drop.addEventListener("drop", (e) => {
      e.preventDefault();
      this.drop.classList.remove("al-up-over");
      const f = e.dataTransfer && e.dataTransfer.files[0];
      if (f && !this.xhr) this.start(f);
    });
    this.progress = el("progress", {
      class: "al-up-progress",
      max: 100,
      value: 0,
      "aria-label": "Upload progress",
    });
    this.percent = el("span", { class: "al-up-percent", "aria-hidden": "true" });
    this.cancel = el("button", {
      type: "button",
      class: "al-up-cancel",
      text: "Cancel upload",
      onclick: () => this.abort(),
    });
    this.busy = el(
      "div",
      { class: "al-up-busy", hidden: true },
      this.progress,
      this.percent,
      this.cancel,
    );
    this.message = el("p", { class: "al-up-message", role: "status", "aria-live": "polite" });
    this.root = el("div", { class: "al-upload" }, this.input, this.drop, this.busy, this.message);
    host.append(this.root);
  }

  update(data) {
    this.data = data;
    this.title.textContent = data.label || "Choose a video, or drop it here";
    const types = (data.accept || []).map((s) => s.replace(".", "").toUpperCase()).join(", ");
    this.hint.textContent = `${types}; up to ${megabytes(data.max_bytes)}`;
    this.input.setAttribute("accept", (data.accept || []).join(","));
  }

  say(text, kind = "info") {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }

  refuse(file) {
    const dot = file.name.lastIndexOf(".");
    const suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (!(this.data.accept || []).includes(suffix)) {
      return `${file.name} is not a video file this app reads; expected one of: ${(this.data.accept || []).join(", ")}.`;
    }
    if (file.size === 0) return `${file.name} is empty.`;
    if (file.size > this.data.max_bytes) {
      return `${file.name} (${megabytes(file.size)}) is larger than the upload limit of ${megabytes(this.data.max_bytes)}.`;
    }
    return null;
  }

  setBusy(busy) {
    this.busy.hidden = !busy;
    this.input.disabled = busy;
    this.drop.classList.toggle("al-up-disabled", busy);
    if (busy) window.addEventListener("beforeunload", this.onBeforeUnload);
    else window.removeEventListener("beforeunload", this.onBeforeUnload);
  }

  start(file) {
    this.input.value = "";
    const refused = this.refuse(file);
    if (refused) {
      this.say("Not uploaded: " + refused, "error");
      return;
    }
    const xhr = new XMLHttpRequest();
    this.xhr = xhr;
    this.progress.value = 0;
    this.percent.textContent = "0%";
    this.setBusy(true);
    this.say(`Uploading ${file.name} (${megabytes(file.size)})…`);
    this.cancel.focus();
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.floor((100 * e.loaded) / e.total);
      this.progress.value = pct;
      this.percent.textContent = pct + "%";
    });
    xhr.addEventListener("load", () => this.finished(xhr, file));
    xhr.addEventListener("error", () =>
      this.failed(
        `The connection to the app was lost while uploading ${file.name}; nothing was kept. Try again.`,
      ),
    );
    xhr.addEventListener("abort", () =>
      this.failed(`Upload of ${file.name} cancelled; nothing was kept.`, "info"),
    );
    xhr.open("PUT", `${this.data.url}?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("X-Upload-Token", this.data.token);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.send(file);
  }

  finished(xhr, file) {
    this.xhr = null;
    this.setBusy(false);
    let body = {};
    try {
      body = JSON.parse(xhr.responseText);
    } catch (_) {
      /* not JSON: generic message */
    }
    if (xhr.status === 201 && body.name) {
      this.progress.value = 100;
      this.say(`${file.name} was added to the library as ${body.name}.`, "ok");
      this.trigger("done", { name: body.name, size: body.size, receipt: body.receipt });
    } else {
      this.say(
        body.error || `The upload of ${file.name} failed (HTTP ${xhr.status}); nothing was kept.`,
        "error",
      );
    }
    this.input.focus();
  }

  failed(text, kind = "error") {
    this.xhr = null;
    this.setBusy(false);
    this.say(text, kind);
    this.input.focus();
  }

  abort() {
    if (this.xhr) this.xhr.abort();
  }

  destroy() {
    this.abort();
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    this.root.remove();
    delete this.host[INSTANCE];
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let uploader = parentElement[INSTANCE];
  if (!uploader) {
    uploader = new Uploader(parentElement);
    parentElement[INSTANCE] = uploader;
  }
  uploader.trigger = (name, value) => setTriggerValue(name, value);
  uploader.update(data || {});
  return () => uploader.destroy();
}
