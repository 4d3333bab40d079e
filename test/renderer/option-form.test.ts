import { describe, expect, it } from 'vitest';
import type { OptionInfo } from '../../electron/ipc-contract';
import {
  collectOptions,
  constraintText,
  initialFields,
  parseOption,
} from '../../renderer/src/lib/option-form';

const population: OptionInfo = {
  name: 'populationSize',
  type: 'number',
  default: 6,
  defaultText: '4 + floor(3 ln n)',
  min: 2,
  integer: true,
  description: 'samples per generation',
};
const mode: OptionInfo = {
  name: 'covariance',
  type: 'string',
  default: 'full',
  choices: ['full', 'diagonal'],
  description: 'shape',
};
const mirrored: OptionInfo = { name: 'mirrored', type: 'boolean', default: false, description: 'antithetic' };

describe('options form', () => {
  it('fills defaults, with the problem file’s values taking precedence', () => {
    expect(initialFields([population, mode, mirrored])).toEqual({
      populationSize: '6',
      covariance: 'full',
      mirrored: false,
    });
    expect(initialFields([population, mirrored], { populationSize: 12, mirrored: true })).toEqual({
      populationSize: '12',
      mirrored: true,
    });
  });

  it('checks values against their metadata with the engine’s wording', () => {
    expect(parseOption(population, '1')).toEqual({ error: 'must be ≥ 2 (got 1)' });
    expect(parseOption(population, '2.5')).toEqual({ error: 'must be an integer (got 2.5)' });
    expect(parseOption(population, 'many')).toEqual({ error: 'expected a number (got "many")' });
    expect(parseOption(population, '')).toEqual({ error: 'a number is required' });
    expect(parseOption(mode, 'sparse')).toEqual({ error: 'must be one of full, diagonal' });
    expect(parseOption(population, ' 10 ')).toEqual({ value: 10 });
  });

  it('keeps only changed values, so dimension defaults stay dimension-dependent', () => {
    const collected = collectOptions([population, mode, mirrored], {
      populationSize: '6',
      covariance: 'diagonal',
      mirrored: true,
    });
    expect(collected).toEqual({ options: { covariance: 'diagonal', mirrored: true }, errors: {} });
    expect(collectOptions([population], { populationSize: '0' }).errors).toEqual({
      populationSize: 'must be ≥ 2 (got 0)',
    });
  });

  it('describes constraints for the hint line', () => {
    expect(constraintText(population)).toBe('≥ 2, integer, default 4 + floor(3 ln n)');
    expect(constraintText({ ...mode, min: 0, max: 1 })).toBe('0 … 1');
  });
});
