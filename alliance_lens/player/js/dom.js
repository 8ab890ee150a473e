// The one DOM helper: build an element with attributes, listeners and children.
// Only fields named *_html (made safe by alliance_lens.richtext) are ever passed as `html`.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "html")
      node.innerHTML = v; // only ever richtext output (*_html)
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

/** The text of trusted richtext HTML, for aria-live announcements and tooltips. */
export function plainText(html) {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div.textContent;
}
