import { describe, expect, it } from 'vitest';
import { parseProblem } from '../../engine/node/problem/schema';
import type { OptionInfo } from '../../electron/ipc-contract';
import { buildDraft, checkSettings, settingsFromDraft, type DraftInput } from '../../renderer/src/lib/draft';
import { rowFromSpec } from '../../renderer/src/lib/parameter-rows';

const population: OptionInfo = {
  name: 'populationSize',
  type: 'number',
  default: 6,
  min: 2,
  integer: true,
  description: 'λ',
};

function input(overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    base: { name: 'old', objective: { builtin: 'sphere' }, stop: { tolX: 1e-9 } },
    name: 'sphere-2d',
    objective: { builtin: 'sphere' },
    rows: [
      rowFromSpec({ name: 'a', lower: -5, upper: 5 }),
      rowFromSpec({ name: 'b', lower: -5, upper: 5, init: 1 }),
    ],
    strategyId: 'cma-es',
    optionInfos: [population],
    optionFields: { populationSize: '10' },
    settings: {
      seed: '7',
      workers: '2',
      budgetEvaluations: '500',
      budgetSeconds: '',
      budgetTarget: '1e-8',
      restarts: 'ipop',
    },
    ...overrides,
  };
}

describe('draft assembly', () => {
  it('builds a problem file the engine’s schema accepts, keeping fields the editor does not show', () => {
    const { draft, blockers } = buildDraft(input());
    expect(blockers).toEqual([]);
    expect(draft).toEqual({
      name: 'sphere-2d',
      objective: { builtin: 'sphere' },
      stop: { tolX: 1e-9 },
      parameters: [
        { name: 'a', lower: -5, upper: 5 },
        { name: 'b', lower: -5, upper: 5, init: 1 },
      ],
      strategy: { name: 'cma-es', options: { populationSize: 10 } },
      budget: { evaluations: 500, target: 1e-8 },
      seed: 7,
      workers: 2,
      restarts: { mode: 'ipop' },
    });
    const problem = parseProblem(draft, '/tmp');
    expect(problem.seed).toBe(7);
    expect(problem.restarts?.mode).toBe('ipop');
  });

  it('lists every blocker with the place to fix it', () => {
    const { draft, blockers } = buildDraft(
      input({
        name: 'has space',
        rows: [rowFromSpec({ name: 'a', lower: 5, upper: 3 })],
        optionFields: { populationSize: '1' },
        settings: {
          seed: '-1',
          workers: '0',
          budgetEvaluations: '1.5',
          budgetSeconds: 'x',
          budgetTarget: '',
          restarts: 'none',
        },
      }),
    );
    expect(draft).toBeNull();
    expect(blockers).toEqual([
      'Problem name: use letters, digits, _ . - (it names the run folder)',
      'Parameters: 1 row needs fixing',
      'Strategy option populationSize: must be ≥ 2 (got 1)',
      'Seed: must be ≥ 0 (got -1)',
      'Workers: must be ≥ 1 (got 0)',
      'Budget (evaluations): must be a whole number (got 1.5)',
      'Budget (seconds): expected a number (got "x")',
    ]);
  });

  it('drops restarts when set to none, and reads settings back from a draft', () => {
    const { draft } = buildDraft(
      input({
        base: { name: 'b', objective: {}, restarts: { mode: 'bipop' } } as never,
        settings: { ...input().settings, restarts: 'none' },
      }),
    );
    expect(draft && 'restarts' in draft).toBe(false);
    expect(
      settingsFromDraft({
        name: 'p',
        objective: {},
        seed: 3,
        budget: { seconds: 60 },
        restarts: { mode: 'bipop' },
      } as never),
    ).toEqual({
      seed: '3',
      workers: '1',
      budgetEvaluations: '',
      budgetSeconds: '60',
      budgetTarget: '',
      restarts: 'bipop',
    });
  });

  it('keeps maxRestarts and populationFactor from the opened file when the form picks a mode', () => {
    const base = {
      name: 'b',
      objective: {},
      restarts: { mode: 'ipop', maxRestarts: 3, populationFactor: 3 },
    };
    const { draft } = buildDraft(
      input({ base: base as never, settings: { ...input().settings, restarts: 'bipop' } }),
    );
    expect(draft?.restarts).toEqual({ mode: 'bipop', maxRestarts: 3, populationFactor: 3 });
    const problem = parseProblem(draft!, '/tmp');
    expect(problem.restarts).toEqual({ mode: 'bipop', maxRestarts: 3, populationFactor: 3 });
  });

  it('checks settings with the schema’s limits', () => {
    expect(
      checkSettings({
        seed: '',
        workers: '257',
        budgetEvaluations: '',
        budgetSeconds: '0',
        budgetTarget: '',
        restarts: 'none',
      }).errors,
    ).toEqual({
      workers: 'must be ≤ 256 (got 257)',
      budgetSeconds: 'must be > 0 (got 0)',
    });
  });
});
