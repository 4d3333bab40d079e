import { describe, expect, it } from 'vitest';
import { compareErt, ert, type RunTally } from '../../bench/bbob';

const run = (used: number, first: number | null): RunTally => ({
  used,
  first: [first, first, first],
  best: first === null ? 1 : 0,
  restarts: 0,
  locals: [],
});

describe('bbob bench ERT', () => {
  it('charges an unsolved run its whole budget and divides by the solved runs', () => {
    // (100 + 300 + 1000) / 2: the run that never hit the target counts its 1000 evaluations.
    expect(ert([run(120, 100), run(300, 300), run(1000, null)], 2)).toBe(700);
    expect(ert([run(1000, null)], 2)).toBeNull();
  });

  it('counts a function when either side solves it, and unsolved as worse than any ERT', () => {
    expect(compareErt(null, null)).toEqual({ counted: false, notWorse: false, cell: '–' });
    expect(compareErt(500, null)).toMatchObject({ counted: true, notWorse: true, cell: 'evobox only' });
    expect(compareErt(null, 500)).toMatchObject({ counted: true, notWorse: false, cell: 'pycma only' });
    expect(compareErt(400, 500)).toMatchObject({ counted: true, notWorse: true });
    expect(compareErt(500, 500).notWorse).toBe(true);
    expect(compareErt(501, 500).notWorse).toBe(false);
  });
});
