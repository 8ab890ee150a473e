// Virtual list geometry, pure: row offsets from (estimated or measured) heights, the rows to
// render for a scroll position, and how many time-sorted rows have been reached. No DOM here,
// so tests/e2e/test_player_modules.py can load it in a blank page.

/** Offsets of `n` rows: out[i] is the top of row i, out[n] the total height. */
export function prefixSums(heights, n) {
  const out = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) out[i + 1] = out[i] + heights[i];
  return out;
}

/** The row that contains pixel `y` (clamped to [0, n - 1]; 0 for an empty list). */
export function rowAt(offsets, n, y) {
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The rows [start, end) to render for a viewport of `height` px scrolled to `top`, plus
 * `overscan` rows on each side (so a short scroll or a keyboard Tab finds rows already there).
 */
export function visibleWindow(offsets, n, top, height, overscan) {
  if (n <= 0) return { start: 0, end: 0 };
  const first = rowAt(offsets, n, Math.max(0, top));
  const last = rowAt(offsets, n, Math.max(0, top + height - 1));
  return { start: Math.max(0, first - overscan), end: Math.min(n, last + 1 + overscan) };
}

/** How many of the ascending `times` are <= t (binary search: cheap on every frame). */
export function countUpTo(times, t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where to scroll so row i (top `rowTop`, height `rowHeight`) is in view, or null if it
 * already is: a third down the viewport, so what follows it shows too.
 */
export function scrollTarget(rowTop, rowHeight, top, height) {
  if (rowTop >= top && rowTop + rowHeight <= top + height) return null;
  return Math.max(0, rowTop - height / 3);
}
