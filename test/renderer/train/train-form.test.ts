import { describe, expect, it } from 'vitest';
import {
  blackBoxDraft,
  parameterCount,
  parseHidden,
  predictionPoints,
  residualPoints,
  trainerProblem,
  type BlackBoxFields,
} from '../../../renderer/src/components/train/train-form';

describe('training workbench form helpers', () => {
  it('reads hidden sizes and names a bad one', () => {
    expect(parseHidden('16, 8')).toEqual([16, 8]);
    expect(parseHidden('  ')).toEqual([]);
    expect(parseHidden('16, x')).toBe('expected positive integers separated by commas (got "x")');
    expect(parseHidden('0')).toMatch(/got "0"/);
  });

  it('counts the weights of an MLP as the engine lays them out', () => {
    expect(parameterCount(2, [16], 1)).toBe(3 * 16 + 17);
    expect(parameterCount(2, [], 1)).toBe(3);
  });

  it('pairs targets with predictions per output, skipping rows F failed', () => {
    const targets = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const predictions = [[1.5, 2], null, [4, 7]];
    expect(predictionPoints(targets, predictions, 1)).toEqual([
      { x: 2, y: 2 },
      { x: 6, y: 7 },
    ]);
    expect(residualPoints(targets, predictions, 0)).toEqual([
      { x: 1, y: 0.5 },
      { x: 5, y: -1 },
    ]);
  });

  const fields: BlackBoxFields = {
    kind: 'command',
    command: ' /f.py ',
    protocol: 'json-stdin',
    batch: true,
    module: '/f.mjs',
    exportName: '',
    gradientName: '',
  };

  it("builds the problem's blackBox for an executable or a JS module F", () => {
    expect(blackBoxDraft(fields)).toEqual({ command: '/f.py', protocol: 'json-stdin', batch: true });
    expect(blackBoxDraft({ ...fields, batch: false })).toEqual({ command: '/f.py', protocol: 'json-stdin' });
    // Blank export names are left to the engine's defaults (F: `evaluate`, no gradient).
    expect(blackBoxDraft({ ...fields, kind: 'module' })).toEqual({ module: '/f.mjs' });
    expect(blackBoxDraft({ ...fields, kind: 'module', exportName: 'f ', gradientName: ' df' })).toEqual({
      module: '/f.mjs',
      export: 'f',
      gradient: 'df',
    });
  });

  it('blocks a gradient-needing trainer only for an executable F', () => {
    const oracle = { id: 'oracle', needsGradient: true };
    expect(trainerProblem(oracle, 'command')).toBe(
      'the oracle trainer needs a JS module F with its gradient',
    );
    expect(trainerProblem(oracle, 'module')).toBeNull();
    expect(trainerProblem({ id: 'es', needsGradient: false }, 'command')).toBeNull();
    expect(trainerProblem(undefined, 'command')).toBeNull();
  });
});
