/**
 * Every strategy evobox knows, by id. Adding a strategy is one file in this folder and one
 * line here; the CLI listing, the GUI options form, checkpoints and the contract tests
 * pick it up from this map.
 */
import type { Strategy } from '../core/strategy';
import { cmaEs } from './cma-es';
import { sepCmaEs } from './sep-cma-es';
import { learnedSigma } from './learned-sigma';
import { openAiEs } from './openai-es';
import { reinforce } from './reinforce';
import { snes } from './snes';
import { xnes } from './xnes';
import { saSgd } from './sa-sgd';
import { finiteDifference } from './finite-difference';
import { spsa } from './spsa';
import { onePlusOneEs } from './one-plus-one-es';
import { simulatedAnnealing } from './simulated-annealing';
import { lgso } from './lgso';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own state/options types
type AnyStrategy = Strategy<any, any>;

export const strategies: Record<string, AnyStrategy> = {
  'cma-es': cmaEs,
  'sep-cma-es': sepCmaEs,
  'openai-es': openAiEs,
  xnes,
  snes,
  'learned-sigma': learnedSigma,
  reinforce,
  'sa-sgd': saSgd,
  'finite-difference': finiteDifference,
  spsa,
  'one-plus-one-es': onePlusOneEs,
  'simulated-annealing': simulatedAnnealing,
  lgso,
};

export function getStrategy(id: string): Strategy {
  const strategy = Object.hasOwn(strategies, id) ? strategies[id] : undefined;
  if (!strategy) {
    throw new Error(
      `strategy.name must be one of ${Object.keys(strategies).join(', ')} (got ${JSON.stringify(id)})`,
    );
  }
  return strategy as Strategy;
}
