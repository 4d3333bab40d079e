/**
 * `es` — seed 000, third answer in its population form: any registered strategy
 * (engine/strategies/registry.ts — OpenAI-ES as in Salimans et al. 2017, sep-CMA-ES, CMA-ES
 * for small nets) searches the flattened weights; every candidate of a generation is scored
 * on the same minibatch, so their ranking compares models, not batches. Options besides
 * `strategy` go to the strategy (`evobox strategies` lists them).
 */
import type { OptionValue } from '../../core/strategy';
import { resolveOptions } from '../../core/strategy';
import { getStrategy, strategies } from '../../strategies/registry';
import { defineTrainer, type Told } from '../trainer';
import { candidateLosses, candidateQueries } from './candidates';

type EsOptions = Record<string, OptionValue> & { strategy: string };

export interface EsState {
  options: EsOptions;
  strategyOptions: Record<string, OptionValue>;
  strategyState: unknown;
  candidates: Float64Array[];
}

/** A step size that suits Glorot-scaled weights, used when the options do not set one. */
const defaultStepSize = 0.05;

export const es = defineTrainer<EsState, EsOptions>({
  id: 'es',
  title: 'Evolution strategy over the weights',
  summary:
    'A registered population strategy (sep-CMA-ES by default, OpenAI-ES, CMA-ES…) over the flattened weights, each generation scored on one minibatch.',
  reference:
    'seed 000, answer 3 (population form); Salimans et al. 2017, "Evolution Strategies as a Scalable Alternative to RL"',
  options: {
    strategy: {
      default: 'sep-cma-es',
      choices: Object.keys(strategies),
      description: 'strategy id; its own options (populationSize, stepSize, …) may be given beside it',
    },
  },
  passThroughOptions: true,
  init(rng, _context, options, weights) {
    const strategy = getStrategy(options.strategy);
    const { strategy: _id, ...given } = options;
    if ('stepSize' in strategy.options && !('stepSize' in given)) given.stepSize = defaultStepSize;
    const strategyOptions = resolveOptions(strategy.options, weights.length, given, 'trainer.options');
    return {
      options,
      strategyOptions,
      strategyState: strategy.init(rng, weights, strategyOptions),
      candidates: [],
    };
  },
  ask(rng, context, state, batch) {
    const asked = getStrategy(state.options.strategy).ask(rng, state.strategyState);
    const candidates = asked.candidates.map((c) => Float64Array.from(c));
    return {
      queries: candidateQueries(context, candidates, batch),
      state: { ...state, strategyState: asked.state, candidates },
    };
  },
  tell(_rng, context, state, batch, _queries, answers): Told<EsState> {
    const { losses, dropped } = candidateLosses(context, state.candidates.length, batch, answers);
    const finite = losses.filter(Number.isFinite);
    if (!finite.length) return { state, metrics: { trainLoss: Number.NaN, dropped } };
    // A candidate F failed on entirely ranks last, as failed evaluations do in `evobox run`.
    const worst = Math.max(...finite);
    const fitness = Float64Array.from(losses, (l) => (Number.isFinite(l) ? l : worst + Math.abs(worst) + 1));
    const strategy = getStrategy(state.options.strategy);
    const told = strategy.tell(state.strategyState, state.candidates, fitness);
    return {
      state: { ...state, strategyState: told.state, candidates: [] },
      metrics: {
        trainLoss: finite.reduce((a, b) => a + b, 0) / finite.length,
        dropped,
        bestCandidateLoss: Math.min(...finite),
      },
    };
  },
  weights: (state) =>
    Float64Array.from(getStrategy(state.options.strategy).distribution(state.strategyState).mean),
  /** The strategy's state in this version's form (a train checkpoint may hold an older one). */
  revive(state) {
    const strategy = getStrategy(state.options.strategy);
    return strategy.revive ? { ...state, strategyState: strategy.revive(state.strategyState) } : state;
  },
});
