import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../../engine/core/optimizer';
import { EvaluatedRecord } from '../../../../engine/node/run/evaluated-record';

function candidate(reads: { count: number }): Candidate {
  return {
    index: 7,
    generation: 2,
    x: Float64Array.of(0.1, 0.2),
    values: Float64Array.of(1.5, -3),
    get params() {
      reads.count++;
      return { a: 1.5, b: -3 };
    },
  };
}

describe('EvaluatedRecord', () => {
  it('writes the journal line the record literal wrote: keys in order, params only when read', () => {
    const reads = { count: 0 };
    const result = { fitness: 2.25, ms: 0.12345, worker: 1, extras: { note: 'x' }, error: 'partial' };
    const record = new EvaluatedRecord(candidate(reads), result);
    expect(reads.count).toBe(0);
    expect(Object.keys(record)).toEqual([
      'index',
      'generation',
      'fitness',
      'ms',
      'worker',
      'extras',
      'error',
    ]);
    expect(JSON.stringify(record)).toBe(
      '{"index":7,"generation":2,"params":{"a":1.5,"b":-3},"fitness":2.25,"ms":0.123,"worker":1,"extras":{"note":"x"},"error":"partial"}',
    );
    expect(reads.count).toBe(1);
    const bare = new EvaluatedRecord(candidate(reads), {
      fitness: 1,
      ms: 1,
      worker: 0,
      extras: {},
      error: '',
    });
    expect(Object.keys(bare)).toEqual(['index', 'generation', 'fitness', 'ms', 'worker']); // empty ones left out
    const failed = new EvaluatedRecord(candidate(reads), { fitness: null, ms: 1, worker: 0 });
    expect(JSON.stringify(failed)).toBe(
      '{"index":7,"generation":2,"params":{"a":1.5,"b":-3},"fitness":null,"ms":1,"worker":0}',
    );
  });
});
