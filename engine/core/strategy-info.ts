/**
 * Strategy metadata as the outside world sees it, in one shape: `evobox strategies --json`,
 * the backend's `strategies:list` and the GUI's options form all come from `describeStrategies`.
 * Plain JSON (dimension-dependent defaults resolved, functions dropped).
 */
import type { OptionSpec, Strategy } from './strategy';

export interface OptionInfo {
  name: string;
  type: 'number' | 'boolean' | 'string';
  /** Default for the requested dimension (dimensionDefault applied). */
  default: number | boolean | string;
  /** How a dimension-dependent default is computed ("4 + floor(3 ln n)"). */
  defaultText?: string;
  min?: number;
  max?: number;
  integer?: boolean;
  choices?: string[];
  description: string;
}

export interface StrategyInfo {
  id: string;
  title: string;
  summary: string;
  reference?: string;
  /** The option IPOP/BIPOP restarts scale. */
  populationOption?: string;
  options: OptionInfo[];
}

export function describeOption(name: string, spec: OptionSpec, dimension: number): OptionInfo {
  return {
    name,
    type: typeof spec.default as OptionInfo['type'],
    default: spec.dimensionDefault ? spec.dimensionDefault(dimension) : spec.default,
    ...(spec.defaultText ? { defaultText: spec.defaultText } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.integer ? { integer: true } : {}),
    ...(spec.choices ? { choices: [...spec.choices] } : {}),
    description: spec.description,
  };
}

export function describeStrategy(strategy: Strategy<unknown, never>, dimension: number): StrategyInfo {
  return {
    id: strategy.id,
    title: strategy.title,
    summary: strategy.summary,
    ...(strategy.reference ? { reference: strategy.reference } : {}),
    ...(strategy.populationOption ? { populationOption: strategy.populationOption } : {}),
    options: Object.entries(strategy.options).map(([name, spec]) => describeOption(name, spec, dimension)),
  };
}

/** Every strategy of a registry, in registry order, defaults resolved for `dimension`. */
export function describeStrategies(
  registry: Readonly<Record<string, Strategy<unknown, never>>>,
  dimension: number,
): StrategyInfo[] {
  return Object.values(registry).map((strategy) => describeStrategy(strategy, dimension));
}
