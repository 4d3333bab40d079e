import { describe, expect, it } from 'vitest';
import {
  parameterCount,
  parseHidden,
  predictionPoints,
  residualPoints,
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
});
