// The participant page: join with a code, see the open prompt as soon as it opens (server-sent
// events, long polling as fallback), answer, tap "Rupture now". The token lives in
// localStorage, so a reload or a lost connection keeps the participant and their answer.

const $ = (id) => document.getElementById(id);
const API = "/room-api/";
const codeFromPath = () =>
  decodeURIComponent(location.pathname.split("/join/")[1] || "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");

const code = codeFromPath();
let token = "";
let current = null; // the public state last shown
let mine = null; // my answer to the open prompt: {choices, text}
let source = null;

function status(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

async function call(path, options = {}) {
  const headers = { "X-Room-Token": token };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(API + code + path, {
    method: options.body !== undefined ? "POST" : "GET",
    headers,
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    cache: "no-store",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(data.error || "The room did not answer."), {
      status: response.status,
    });
  return data;
}

function showOnly(id) {
  for (const part of ["code-form", "join-form", "live"]) $(part).hidden = part !== id;
}

function renderPrompt(prompt) {
  const form = $("answer-form");
  if (!prompt) {
    form.hidden = true;
    $("waiting").hidden = false;
    form.dataset.prompt = "";
    return;
  }
  $("waiting").hidden = true;
  form.hidden = false;
  if (form.dataset.prompt === String(prompt.id)) return; // same prompt: keep what is typed
  form.dataset.prompt = String(prompt.id);
  $("question").textContent = prompt.question;
  const options = $("options");
  options.replaceChildren();
  const isText = prompt.kind === "text";
  $("text-label").hidden = !isText;
  $("answer-text").hidden = !isText;
  $("answer-text").value = isText && mine ? mine.text : "";
  prompt.options.forEach((option, i) => {
    const label = document.createElement("label");
    label.className = "option";
    const input = document.createElement("input");
    input.type = prompt.kind === "multi" ? "checkbox" : "radio";
    input.name = "option";
    input.value = option;
    input.id = "option-" + i;
    input.checked = Boolean(mine && mine.choices.includes(option));
    const text = document.createElement("span");
    text.textContent = option;
    label.append(input, text);
    options.append(label);
  });
  $("send").textContent = mine ? "Change answer" : "Send answer";
  status(mine ? "Your answer is saved. You can change it until the question closes." : "");
}

function render(state) {
  const previous = current;
  current = state;
  $("room-title").textContent = state.title || "Alliance Lens room";
  if (state.ended) {
    $("live").hidden = true;
    $("join-form").hidden = true;
    $("ended").hidden = false;
    status("");
    if (source) source.close();
    return;
  }
  const promptId = state.prompt ? state.prompt.id : null;
  const before = previous && previous.prompt ? previous.prompt.id : null;
  if (promptId !== before && !state.mine) mine = null;
  if (state.mine) mine = state.mine;
  if (promptId !== before && before !== null && !state.prompt) status("The question has closed.");
  renderPrompt(state.prompt);
  $("tap").hidden = !state.playing || Boolean(state.prompt);
}

async function refresh() {
  render(await call("/state"));
}

function listen() {
  if (window.EventSource) {
    source = new EventSource(API + code + "/events");
    source.onmessage = (event) => {
      const state = JSON.parse(event.data);
      if (!state) return roomGone();
      const newPrompt =
        state.prompt && (!current || !current.prompt || current.prompt.id !== state.prompt.id);
      render(state);
      if (newPrompt) refresh().catch(() => {}); // pick up my earlier answer if it reopened
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !(current && current.ended)) longPoll();
    };
  } else {
    longPoll();
  }
}

async function longPoll() {
  for (;;) {
    try {
      const since = current ? current.version : "";
      const response = await fetch(`${API}${code}/poll?since=${since}`, { cache: "no-store" });
      if (response.status === 200) {
        const state = await response.json();
        if (!state) return roomGone();
        render(state);
        if (state.ended) return;
      } else if (response.status !== 204) {
        await new Promise((r) => setTimeout(r, 2000));
      }
    } catch {
      await new Promise((r) => setTimeout(r, 2000)); // offline: try again
    }
  }
}

function roomGone() {
  showOnly("");
  status("This room no longer exists.", true);
}

async function enter() {
  $("room-code").textContent = "Room " + code;
  token = localStorage.getItem("al-room-" + code) || "";
  try {
    const state = await call("/state");
    if (state.ended) return render(state);
    if (!token || state.joined === false) {
      showOnly("join-form");
      $("pseudonym").focus();
      return;
    }
    showOnly("live");
    render(state);
    listen();
  } catch (error) {
    showOnly(error.status === 404 ? "code-form" : "");
    status(error.message, true);
  }
}

$("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const typed = $("code-input")
    .value.toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
  if (typed) location.assign("/join/" + typed);
});

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const joined = await call("/join", { body: { pseudonym: $("pseudonym").value.trim() } });
    token = joined.token;
    localStorage.setItem("al-room-" + code, token);
    showOnly("live");
    status(joined.pseudonym ? `Joined as ${joined.pseudonym}.` : "Joined anonymously.");
    await refresh();
    listen();
  } catch (error) {
    status(error.message, true);
  }
});

$("answer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const prompt = current && current.prompt;
  if (!prompt) return;
  const body = { prompt_id: prompt.id };
  if (prompt.kind === "text") body.text = $("answer-text").value;
  else body.choices = [...document.querySelectorAll("#options input:checked")].map((i) => i.value);
  try {
    await call("/answer", { body });
    mine = { choices: body.choices || [], text: body.text || "" };
    $("send").textContent = "Change answer";
    status("Your answer is saved. You can change it until the question closes.");
  } catch (error) {
    status(error.message, true);
  }
});

let taps = 0;
$("tap").addEventListener("click", async () => {
  try {
    await call("/tap", { body: {} });
    taps += 1;
    status(`Rupture noted (${taps} so far).`);
  } catch (error) {
    status(error.message, true);
  }
});

if (code) enter();
else {
  showOnly("code-form");
  $("room-code").textContent = "";
}
