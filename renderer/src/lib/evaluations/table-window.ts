/**
 * The virtual window of the evaluations table: which rows a scroll position shows, and the
 * spacer height that makes the scroll bar stand for all matched rows. Browsers cap an
 * element's height (Chromium near 33 M px, Firefox near 17 M px), so past `maxSpacerPx` the
 * scroll position maps proportionally onto the rows instead of one row per `rowHeight` px.
 */
export interface WindowGeometry {
  rowHeight: number;
  viewportHeight: number;
  rows: number;
  maxSpacerPx?: number;
}

export interface VisibleRange {
  /** First row shown (fractional: the top row may be partly scrolled out). */
  first: number;
  /** Rows drawn from `start` (whole rows, visible ones plus one partly shown). */
  start: number;
  count: number;
  /** Pixel offset of row `start` inside the viewport (≤ 0). */
  offsetPx: number;
}

const defaultMaxSpacerPx = 8_000_000;

export function spacerHeight(geometry: WindowGeometry): number {
  return Math.min(geometry.rows * geometry.rowHeight, geometry.maxSpacerPx ?? defaultMaxSpacerPx);
}

export function visibleRange(scrollTop: number, geometry: WindowGeometry): VisibleRange {
  const { rowHeight, viewportHeight, rows } = geometry;
  const perView = Math.ceil(viewportHeight / rowHeight) + 1;
  if (rows === 0) return { first: 0, start: 0, count: 0, offsetPx: 0 };
  const spacer = spacerHeight(geometry);
  const scrollable = Math.max(0, spacer - viewportHeight);
  const rowsScrollable = Math.max(0, rows - viewportHeight / rowHeight);
  const top = Math.min(Math.max(0, scrollTop), scrollable);
  const first = scrollable > 0 ? (top / scrollable) * rowsScrollable : 0;
  const start = Math.floor(first);
  return {
    first,
    start,
    count: Math.max(0, Math.min(perView, rows - start)),
    offsetPx: -(first - start) * rowHeight,
  };
}

/** The scroll position that shows `row` at the top (inverse of visibleRange). */
export function scrollTopFor(row: number, geometry: WindowGeometry): number {
  const spacer = spacerHeight(geometry);
  const scrollable = Math.max(0, spacer - geometry.viewportHeight);
  const rowsScrollable = Math.max(0, geometry.rows - geometry.viewportHeight / geometry.rowHeight);
  if (rowsScrollable === 0) return 0;
  return (Math.min(row, rowsScrollable) / rowsScrollable) * scrollable;
}

/** A fetched slice of the matched rows. */
export interface LoadedWindow<Row> {
  offset: number;
  rows: Row[];
}

/**
 * The slice to fetch for a visible range, or null when the loaded one covers it with
 * `margin` rows to spare on either side (where there are rows): fetching before the view
 * reaches the edge keeps a steady scroll filled. Fetches `overscan` rows either side so
 * small scrolls need no request.
 */
export function windowToFetch<Row>(
  range: VisibleRange,
  loaded: LoadedWindow<Row> | null,
  matched: number,
  overscan = 60,
  margin = 0,
): { offset: number; limit: number } | null {
  const end = Math.min(matched, range.start + range.count);
  if (loaded) {
    const need = { from: Math.max(0, range.start - margin), to: Math.min(matched, end + margin) };
    if (need.from >= loaded.offset && need.to <= loaded.offset + loaded.rows.length) return null;
  }
  const offset = Math.max(0, range.start - overscan);
  return { offset, limit: Math.min(matched, end + overscan) - offset };
}
