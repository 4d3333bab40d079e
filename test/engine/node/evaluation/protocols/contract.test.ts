/**
 * The contract every protocol in the registry keeps, through the real pool with one and two
 * workers: a quadratic evaluates to the right values in job order, and a bad answer is a
 * failed evaluation that does not stop the others. A new protocol needs an entry in
 * `speaking` (the Record type makes a missing one a compile error) and a mode in the fixture.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../../../../engine/node/evaluation/pool';
import { protocols } from '../../../../../engine/node/evaluation/protocols/index';
import type { ExecutableObjectiveConfig } from '../../../../../engine/node/evaluation/types';
import { protocolCatalog, protocolIds, type ProtocolId } from '../../../../../engine/problem/protocols';
import { fixture, fixtures, python } from '../helpers';

const script = fixture('quadratic-any.py');

/** How the fixture is called under each protocol. */
const speaking: Record<ProtocolId, ExecutableObjectiveConfig> = {
  args: { command: python, args: [script, 'args', '{x}', '{y}'], protocol: 'args' },
  'json-stdin': { command: python, args: [script, 'json-stdin'], protocol: 'json-stdin' },
  line: { command: python, args: [script, 'line'], protocol: 'line' },
};

const quadratic = (x: number, y: number) => (x - 1) ** 2 + (y + 2) ** 2;
const points: [number, number][] = [
  [0, 0],
  [1, -2],
  [0.1, 2.5e-7],
  [500, 1], // fails: the fixture answers text for x > 100
  [-3, 4],
  [2, 2],
];

describe('the protocol registry', () => {
  it('has exactly the catalog ids, each with its catalog entry', () => {
    expect(Object.keys(protocols).sort()).toEqual([...protocolIds].sort());
    for (const id of protocolIds) {
      expect(protocols[id]).toMatchObject({ id, ...protocolCatalog[id] });
    }
  });

  it('is what the README protocol table lists', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| protocol | how it is called |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    expect(rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1]).sort()).toEqual([...protocolIds].sort());
  });
});

describe.each(Object.values(protocols))('protocol $id', (protocol) => {
  it.each([1, 2])('evaluates a quadratic in job order and reports failures (workers %i)', async (workers) => {
    const evaluator = await createEvaluator(speaking[protocol.id], {
      workers,
      cwd: fixtures,
      parameterNames: ['x', 'y'],
    });
    try {
      const jobs = points.map(([x, y], index) => ({ index, params: { x, y } }));
      const results = await evaluator.evaluate(jobs);
      expect(results).toHaveLength(points.length);
      results.forEach((result, k) => {
        const [x, y] = points[k];
        if (x > 100) {
          expect(result.fitness).toBeNull();
          expect(result.error).toMatch(/not a number/);
        } else {
          expect(result.error).toBeUndefined();
          expect(result.fitness).toBe(quadratic(x, y));
        }
        expect(result.worker).toBeGreaterThanOrEqual(0);
        expect(result.worker).toBeLessThan(workers);
      });
      if (workers === 2) expect(new Set(results.map((r) => r.worker)).size).toBe(2);
    } finally {
      await evaluator.close();
    }
  });
});
