import { describe, expect, it } from 'vitest';
import {
  scrollTopFor,
  spacerHeight,
  visibleRange,
  windowToFetch,
} from '../../../renderer/src/lib/evaluations/table-window';

const geometry = { rowHeight: 26, viewportHeight: 390, rows: 1_000_000 };

describe('the evaluations table window', () => {
  it('caps the spacer and maps scroll positions proportionally onto a million rows', () => {
    expect(spacerHeight(geometry)).toBe(8_000_000);
    const bottom = visibleRange(spacerHeight(geometry), geometry);
    expect(bottom.start + bottom.count).toBe(1_000_000);
    for (const row of [0, 12_345, 500_000, 999_000]) {
      const range = visibleRange(scrollTopFor(row, geometry), geometry);
      expect(range.first).toBeCloseTo(row, 6);
    }
  });

  it('fetches the overscan around the view when nothing is loaded, and nothing when it is covered', () => {
    const range = visibleRange(scrollTopFor(1000, geometry), geometry);
    expect(windowToFetch(range, null, geometry.rows, 300)).toEqual({ offset: 700, limit: range.count + 600 });
    const loaded = { offset: 700, rows: new Array(range.count + 600).fill(0) };
    expect(windowToFetch(range, loaded, geometry.rows, 300)).toBeNull();
  });

  it('fetches ahead once the view comes within the margin of the loaded edge', () => {
    const loaded = { offset: 0, rows: new Array(600).fill(0) };
    const well = visibleRange(scrollTopFor(300, geometry), geometry);
    expect(windowToFetch(well, loaded, geometry.rows, 300, 150)).toBeNull();
    const near = visibleRange(scrollTopFor(500, geometry), geometry);
    // Still covered (rows 500–516 are loaded) but within 150 rows of the edge at 600.
    expect(windowToFetch(near, loaded, geometry.rows, 300, 0)).toBeNull();
    expect(windowToFetch(near, loaded, geometry.rows, 300, 150)).toEqual({
      offset: 200,
      limit: near.count + 600,
    });
  });

  it('asks for no rows past the end, and the margin does not reach beyond the rows there are', () => {
    const small = { ...geometry, rows: 400 };
    const range = visibleRange(scrollTopFor(390, small), small);
    const loaded = { offset: 0, rows: new Array(400).fill(0) };
    expect(windowToFetch(range, loaded, small.rows, 300, 150)).toBeNull();
    const want = windowToFetch(range, null, small.rows, 300, 150)!;
    expect(want.offset + want.limit).toBe(400);
  });
});
