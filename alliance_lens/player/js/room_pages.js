// The stage's approved answers in pages of whole answers (issue 15 leftover): how many fit the
// panel, measured in the browser, and the line that says where the room is in them. Pure, so
// tests can load it in a blank page; room_show.js measures, shrinks and turns the pages.

export const PAGE_MS = 12_000; // a calm pace: time to read two or three answers aloud
export const MIN_TEXT_PX = 16; // smaller type stops here (as a long reveal's, prompt_fit.js)

/**
 * Pages of whole items, in order, for item `heights` in a box `available` tall with `gap`
 * between items: [start, end) index pairs. An item taller than the box alone gets a page of its
 * own (the caller shrinks the type first, so that is the last resort).
 */
export function pageBreaks(heights, available, gap = 0) {
  const pages = [];
  let start = 0;
  let used = 0;
  heights.forEach((h, i) => {
    const need = i === start ? h : used + gap + h;
    if (i > start && need > available + 0.5) {
      pages.push([start, i]);
      start = i;
      used = h;
    } else used = need;
  });
  if (heights.length) pages.push([start, heights.length]);
  return pages;
}

/** What the line under the answers says: how many, which are shown, what comes next
 * (`byHand`: the presenter turns the pages, so the last one does not go back to the first). */
export function pagerText(pages, page, total, byHand = false) {
  const n = `${total} ${total === 1 ? "answer" : "answers"}`;
  if (pages.length < 2) return n;
  const [start, end] = pages[page];
  const rest = total - end;
  const which = end - start === 1 ? `${end}` : `${start + 1}–${end}`;
  if (rest === 0 && byHand) return `${which} of ${n}`;
  const next = rest > 0 ? `${rest} more next` : "then from the first";
  return `${which} of ${n} · ${next}`;
}
