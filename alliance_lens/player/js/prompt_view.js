// The open prompt under the picture: question, options or a text box, reveal, continue, rewind.
// What state it is in is prompts.js's business; this only draws it.

import { el } from "./dom.js";
import { fmt, isExpertOption, optionMode, severalVerdict } from "./model.js";
import { fitPrompt, pagerControls, placePrompt } from "./prompt_fit.js";

function verdictText(p, chosen, presenter) {
  if (presenter || !chosen) return `The expert chose: ${p.expected}`;
  if (chosen === p.expected) return `You chose "${chosen}": the same as the expert.`;
  return `You chose "${chosen}"; the expert chose "${p.expected}".`;
}

/** The options the viewer has ticked in a multi or marker prompt (kept until Reveal). */
export function ticked(a) {
  if (a.ticked === undefined) a.ticked = [...((a.answer && a.answer.choices) || [])];
  return a.ticked;
}

function choices(pl, a, presenter) {
  const p = a.prompt;
  const mode = optionMode(p);
  const single = mode !== "several";
  const group = el("div", {
    class: "al-choices",
    role: presenter ? "list" : single ? "radiogroup" : "group",
    "aria-labelledby": "al-prompt-title",
  });
  const revealed = a.state === "revealed";
  p.options.forEach((o, i) => {
    const cls = "al-choice" + (revealed && isExpertOption(p, o) ? " is-expected" : "");
    if (presenter) {
      const letter = el("span", { class: "al-opt-letter" }, String.fromCharCode(65 + i));
      group.append(el("div", { class: cls, role: "listitem" }, letter, o));
      return;
    }
    let input;
    if (mode === "one") {
      input = el("input", {
        type: "radio",
        name: "al-choice",
        value: o,
        checked: a.answer && a.answer.choice === o,
      });
      input.addEventListener("change", () => pl.answer({ choice: o }));
    } else {
      // multi / marker: ticked options are sent once, on Reveal (one attempt, not one a tick)
      const chosen = ticked(a);
      input = el("input", {
        type: single ? "radio" : "checkbox",
        name: "al-choice",
        value: o,
        checked: chosen.includes(o),
        disabled: revealed,
      });
      input.addEventListener("change", () => {
        const keep = (x, j) => (j === i ? input.checked : a.ticked.includes(x));
        a.ticked = single ? [o] : p.options.filter(keep);
      });
    }
    group.append(el("label", { class: cls }, input, el("span", {}, o)));
  });
  if (!presenter && mode === "several") {
    group.prepend(el("p", { class: "al-hint" }, "Tick every option that applies."));
  }
  return group;
}

function textBox(a, earlier) {
  const ta = el("textarea", {
    class: "al-answer",
    rows: 3,
    "aria-label": "Your answer",
    placeholder: "What might the client be feeling? And the therapist?",
  });
  ta.value = (a.answer && a.answer.text) || "";
  ta.addEventListener("input", () => {
    a.draft = ta.value;
  });
  if (a.draft !== undefined) ta.value = a.draft;
  const parts = [ta];
  if (earlier && earlier.text) {
    parts.push(
      el("p", { class: "al-earlier" }, el("strong", {}, "Your earlier answer: "), earlier.text),
    );
  }
  return parts;
}

function revealed(a, presenter) {
  const p = a.prompt;
  const out = el("div", { class: "al-revealed", tabindex: "-1" });
  if (p.kind === "choice" && p.expected) {
    const chosen = a.answer && a.answer.choice;
    const cls = "al-verdict" + (chosen === p.expected ? " is-match" : "");
    out.append(el("p", { class: cls }, verdictText(p, chosen, presenter)));
  } else if (optionMode(p) && p.correct && p.correct.length) {
    const chosen = a.answer && a.answer.choices;
    const text = severalVerdict(chosen || null, p.correct, presenter);
    const same = chosen && text.endsWith("the same as the expert.");
    out.append(el("p", { class: "al-verdict" + (same ? " is-match" : "") }, text));
  }
  // the view clips the text to one page when it is too long for the screen (prompt_fit.js)
  const text = el("div", {
    class: "al-reveal-text",
    html: p.reveal_html || "<p>No commentary for this prompt.</p>",
  });
  out.append(el("div", { class: "al-reveal-view" }, text));
  return out;
}

/** Draw the open prompt `a` (PromptClock.active) of Player `pl`. */
export function renderPrompt(pl, a) {
  const p = a.prompt;
  const presenter = pl.mode === "presenter";
  const box = pl.promptBox;
  const earlier = (pl.data.answers || {})[a.key];
  const title = presenter ? "Question for the room" : "Pause and reflect";
  const parts = [
    el("h2", { id: "al-prompt-title", class: "al-prompt-title" }, title),
    el("div", { class: "al-question", html: p.question_html }),
  ];
  if (optionMode(p) && p.options.length) parts.push(choices(pl, a, presenter));
  else if (!presenter) parts.push(...textBox(a, earlier));
  const actions = el("div", { class: "al-actions" });
  const action = (cls, onclick, text) =>
    el("button", { type: "button", class: `al-btn ${cls}`, onclick }, text);
  if (a.state === "ask") {
    actions.append(
      action("al-primary al-reveal", () => pl.revealPrompt(), "Reveal commentary (R)"),
    );
  } else {
    parts.push(revealed(a, presenter));
    actions.append(action("al-primary al-continue", () => pl.continuePlay(), "Continue (Space)"));
    if (p.rewind_to != null) {
      actions.append(
        action("al-rewind", () => pl.stopAndRewind(), `Stop and rewind to ${fmt(p.rewind_to)}`),
      );
    }
    actions.append(pagerControls(pl));
  }
  parts.push(actions);
  // a re-render (new data from a rerun) replaces the nodes: focus inside the box must come
  // back to the same control, or a keyboard user is dropped at the top of the page
  const focused = pl.host.activeElement || document.activeElement;
  const hadFocus = box.contains(focused);
  const sameControl = hadFocus ? focusKey(focused) : null;
  placePrompt(pl);
  box.replaceChildren(...parts);
  box.hidden = false;
  pl.root.classList.add("has-prompt");
  fitPrompt(pl);
  const focusTarget =
    a.state === "revealed"
      ? box.querySelector(".al-continue")
      : box.querySelector("textarea, input:checked, input, .al-reveal");
  const again = sameControl && !a.justChanged ? findByKey(box, sameControl) : null;
  if (again) again.focus({ preventScroll: true });
  else if (focusTarget && (a.justChanged || hadFocus)) focusTarget.focus({ preventScroll: true });
  a.justChanged = false;
}

/** What identifies a control in the prompt box across a re-render: its class and value. */
function focusKey(node) {
  return { tag: node.tagName, cls: node.className, value: node.value ?? null };
}

function findByKey(box, key) {
  return [...box.querySelectorAll(key.tag)].find(
    (n) => n.className === key.cls && (key.value === null || n.value === key.value),
  );
}

export function hidePrompt(pl) {
  pl.promptBox.hidden = true;
  pl.promptBox.replaceChildren();
  pl.root.classList.remove("has-prompt");
  fitPrompt(pl); // clears the sizes and pages
}
