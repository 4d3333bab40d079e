/**
 * The one step wrapper every strategy runs in. It owns what is common to all strategies:
 * the seeded generator, best-so-far, generation and evaluation counters, failed/NaN
 * evaluations, the problem's direction, stop criteria with named reasons, and IPOP/BIPOP
 * restarts. It is synchronous and pure (the clock is injected); evaluation — in-process,
 * worker threads or child processes — happens outside, between `ask` and `tell`.
 *
 * Its whole state is plain data (`OptimizerState`), written to checkpoints with the state
 * codec; `Optimizer.restore` continues bit-for-bit.
 */
import { newVectors } from './number-arrays';
import { createRng, restoreRng, type Rng, type RngState } from './rng';
import type { SearchSpace, ParamValues } from './search-space';
import { resolveOptions, type Distribution, type OptionValue, type Strategy, type Metrics } from './strategy';
import { localStopReasons, type StopCriteria } from './stop';

export type Direction = 'minimize' | 'maximize';

export interface RestartConfig {
  /** `ipop`: double the population at each restart; `bipop`: alternate large and small populations (Hansen 2009). */
  mode: 'none' | 'ipop' | 'bipop';
  /** Maximum number of restarts. Default 9. */
  maxRestarts?: number;
  /** Population growth factor per large restart. Default 2. */
  populationFactor?: number;
}

export interface OptimizerConfig {
  strategy: Strategy;
  /** User-given strategy options (validated and merged with the defaults here). */
  options?: Record<string, unknown>;
  space: SearchSpace;
  seed: number | string;
  direction?: Direction;
  stop?: StopCriteria;
  restarts?: RestartConfig;
  /** Start point in internal coordinates (default: the search space's start). */
  start?: Float64Array;
  now?: () => number;
}

export interface Candidate {
  /** Global evaluation index, 0-based, in ask order. */
  index: number;
  generation: number;
  /** Internal coordinates; refilled by the strategy once the next generation is asked for. */
  x: Float64Array;
  /** Every parameter's user value in declaration order (`SearchSpace.toValues`); the candidate's own copy. */
  values: Float64Array;
  /** `values` named; built when first read (at n = 10 000 a 10 000-key object nothing may need). */
  params: ParamValues;
}

/** A candidate whose params object is built from its values when first read, then kept. */
class AskedCandidate implements Candidate {
  // Private slots, not properties: a candidate's own keys stay index, generation, x, values.
  #named: ParamValues | undefined;
  readonly #space: SearchSpace;

  constructor(
    readonly index: number,
    readonly generation: number,
    readonly x: Float64Array,
    readonly values: Float64Array,
    space: SearchSpace,
  ) {
    this.#space = space;
  }

  get params(): ParamValues {
    this.#named ??= this.#space.paramsOf(this.values);
    return this.#named;
  }
}

export interface EvaluationOutcome {
  /** User-scale fitness (the problem's direction), or null when the evaluation failed. */
  fitness: number | null;
  error?: string;
}

export interface BestSoFar {
  index: number;
  generation: number;
  x: Float64Array;
  params: ParamValues;
  /** In the problem's direction (what the user sees). */
  fitness: number;
}

export interface GenerationSummary {
  generation: number;
  evaluations: number;
  failedEvaluations: number;
  /** Best, median and worst of this generation's successful evaluations (user scale), NaN if none. */
  min: number;
  median: number;
  best: BestSoFar | null;
  restart: number;
  metrics: Metrics;
  stopReason?: string;
  /** Set when this generation ended a local run and a restart began. */
  restartedBecause?: string;
}

export interface OptimizerState {
  strategyId: string;
  options: Record<string, OptionValue>;
  strategyState: unknown;
  rng: RngState;
  generation: number;
  evaluations: number;
  failedEvaluations: number;
  consecutiveFailures: number;
  worstSeen: number | null;
  best: BestSoFar | null;
  elapsedMs: number;
  pending: { generation: number; firstIndex: number; candidates: Float64Array[] } | null;
  /** Best (internal scale) of each recent generation, for tolFun. */
  recentBest: number[];
  /** Per local run: its best (internal scale) and the generation it last improved. */
  localBest: number;
  localImprovedAt: number;
  localStartGeneration: number;
  /**
   * Per local run, every 5th generation's best and median (internal scale), newest first, at
   * most `maxStagnationHistory`: pycma's histbest/histmedian, which tolstagnation compares.
   */
  stagnationBest: number[];
  stagnationMedian: number[];
  /** Consecutive generations whose best equals their 75th-percentile value (tolflatfitness). */
  flatGenerations: number;
  restart: {
    count: number;
    /** The population restarts multiply, unrounded (see `restartBasePopulation`). */
    basePopulation: number;
    baseStepSize: number | null;
    /** The last large-regime population, unrounded: a run samples ⌊largePopulation⌋. */
    largePopulation: number;
    evaluationsLarge: number;
    evaluationsSmall: number;
    currentRegime: 'large' | 'small';
    localStartEvaluations: number;
  };
  stopReason: string | null;
}

/**
 * The population IPOP and BIPOP multiply. pycma's `fmin` multiplies its `popsize` option, whose
 * default is the real number 4 + 3 ln n (a run samples ⌊popsize⌋), so the k-th large restart
 * samples ⌊2^k·(4 + 3 ln n)⌋ — rounded once, not at every doubling: at n = 10 the populations
 * are 10, 21, 43, 87, 174, 349 rather than 10, 20, 40, 80, 160, 320. We do the same when the
 * population was left at a default of 4 + ⌊3 ln n⌋; one the user set is multiplied as given
 * (pycma too). Rastrigin n = 10, IPOP, seeds 1–300, budget 1e5: the sixth run solves 0.73 of
 * the time at λ = 320 and 0.81 at λ = 349 (pycma 4.4.0: 0.84); successes 256 → 271 (pycma 275).
 */
export function restartBasePopulation(dimension: number, population: number, given: unknown): number {
  const formula = 4 + 3 * Math.log(dimension);
  return given === undefined && population === Math.floor(formula) ? formula : population;
}

/** Entries of each stagnation history kept (pycma keeps 2·10⁴, i.e. 10⁵ generations). */
const maxStagnationHistory = 20_000;

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

export class Optimizer {
  readonly strategy: Strategy;
  readonly space: SearchSpace;
  readonly direction: Direction;
  readonly stop: StopCriteria;
  readonly restarts: Required<RestartConfig>;
  private rng: Rng;
  private state: OptimizerState;
  private readonly now: () => number;
  private sessionStart: number;
  /** Set once the run is over: elapsed time no longer grows (see stopClock). */
  private stoppedAt: number | null = null;
  private readonly start: Float64Array;
  /** The last told generation's candidate vectors, handed back to the strategy's next ask. */
  private spare: Float64Array[] | undefined;
  /** The strategy state the last tell was given, handed to the next tell to reuse its arrays. */
  private spareState: unknown;
  /** Parameter units per internal unit, per coordinate (for tol-x). */
  private readonly coordinateScales: Float64Array;
  /** pycma's tolflatfitness default: 1, plus 30 per unit fraction of integer parameters (+ 2 when any). */
  private readonly defaultTolFlatFitness: number;
  /**
   * The pending generation's candidates as `ask` returned them: `tell` and repeated asks reuse
   * them instead of mapping every vector to named parameters again. Derived, not state.
   */
  private asked: Candidate[] | null = null;
  /**
   * The current strategy state's distribution: tol-x, the generation log and the run's events
   * all read it after a tell. Dropped whenever the strategy state changes (see `setStrategyState`).
   */
  private cachedDistribution: Distribution | null = null;

  private constructor(config: OptimizerConfig, state: OptimizerState | null) {
    this.strategy = config.strategy;
    this.space = config.space;
    this.direction = config.direction ?? 'minimize';
    this.stop = config.stop ?? {};
    this.restarts = {
      mode: config.restarts?.mode ?? 'none',
      maxRestarts: config.restarts?.maxRestarts ?? 9,
      populationFactor: config.restarts?.populationFactor ?? 2,
    };
    if (this.restarts.mode !== 'none' && !this.strategy.populationOption) {
      throw new Error(
        `restarts.mode ${this.restarts.mode} needs a strategy with a population size (${this.strategy.id} has none)`,
      );
    }
    this.now = config.now ?? (() => Date.now());
    this.sessionStart = this.now();
    this.start = config.start ?? this.space.start();
    this.coordinateScales = this.space.coordinateScales();
    const integers = this.space.integerMask.filter(Boolean).length;
    this.defaultTolFlatFitness = integers ? 3 + (30 * integers) / this.space.dimension : 1;
    if (state) {
      // Checkpoints written before the pycma-style stagnation and flat-fitness criteria.
      state.stagnationBest ??= [];
      state.stagnationMedian ??= [];
      state.flatGenerations ??= 0;
      if (state.strategyState !== null && this.strategy.revive)
        state.strategyState = this.strategy.revive(state.strategyState);
      this.state = state;
      this.rng = restoreRng(state.rng);
      return;
    }
    const options = resolveOptions(this.strategy.options, this.space.dimension, config.options ?? {});
    this.rng = createRng(config.seed);
    const populationOption = this.strategy.populationOption;
    const basePopulation = populationOption
      ? restartBasePopulation(
          this.space.dimension,
          Number(options[populationOption]),
          config.options?.[populationOption] ?? undefined,
        )
      : 0;
    this.state = {
      strategyId: this.strategy.id,
      options,
      strategyState: null,
      rng: this.rng.state(),
      generation: 0,
      evaluations: 0,
      failedEvaluations: 0,
      consecutiveFailures: 0,
      worstSeen: null,
      best: null,
      elapsedMs: 0,
      pending: null,
      recentBest: [],
      localBest: Number.POSITIVE_INFINITY,
      localImprovedAt: 0,
      localStartGeneration: 0,
      stagnationBest: [],
      stagnationMedian: [],
      flatGenerations: 0,
      restart: {
        count: 0,
        basePopulation,
        baseStepSize: typeof options.stepSize === 'number' ? options.stepSize : null,
        largePopulation: basePopulation,
        evaluationsLarge: 0,
        evaluationsSmall: 0,
        currentRegime: 'large',
        localStartEvaluations: 0,
      },
      stopReason: null,
    };
    this.setStrategyState(this.initStrategy(options, this.start));
  }

  static create(config: OptimizerConfig): Optimizer {
    return new Optimizer(config, null);
  }

  /** Continues from a checkpointed state (decoded with the state codec). */
  static restore(config: OptimizerConfig, state: OptimizerState): Optimizer {
    if (state.strategyId !== config.strategy.id) {
      throw new Error(`checkpoint is for strategy ${state.strategyId}, not ${config.strategy.id}`);
    }
    return new Optimizer(config, state);
  }

  private initStrategy(options: Record<string, OptionValue>, start: Float64Array): unknown {
    return this.strategy.init(this.rng, Float64Array.from(start), options, {
      stdDevFloor: this.space.stdDevFloor(),
      stdDevCeiling: this.space.stdDevCeiling(),
    });
  }

  get generation(): number {
    return this.state.generation;
  }
  get evaluations(): number {
    return this.state.evaluations;
  }
  get failedEvaluations(): number {
    return this.state.failedEvaluations;
  }
  get best(): BestSoFar | null {
    return this.state.best;
  }
  get stopReason(): string | null {
    return this.state.stopReason;
  }
  get options(): Record<string, OptionValue> {
    return this.state.options;
  }
  get strategyState(): unknown {
    return this.state.strategyState;
  }
  get restartCount(): number {
    return this.state.restart.count;
  }
  get elapsedMs(): number {
    return this.state.elapsedMs + ((this.stoppedAt ?? this.now()) - this.sessionStart);
  }

  /**
   * Ends this session's clock: the final checkpoint and the result then report the same
   * elapsed time, so a run continued later never starts from less than the result said.
   */
  stopClock(includeThisSession = true): void {
    // A finished run reopened (to rebuild its result) adds no time: includeThisSession false.
    this.stoppedAt ??= includeThisSession ? this.now() : this.sessionStart;
  }

  /**
   * The strategy's current search distribution (internal coordinates), for plots. Computed
   * once per strategy state; the same object until the next ask or tell (its arrays may then
   * be reused by the strategy: copy what is kept longer).
   */
  distribution(): Distribution {
    this.cachedDistribution ??= this.strategy.distribution(this.state.strategyState);
    return this.cachedDistribution;
  }

  private setStrategyState(state: unknown): void {
    this.state.strategyState = state;
    this.cachedDistribution = null;
  }

  /** Plain-data snapshot for a checkpoint (encode with the state codec). */
  snapshot(): OptimizerState {
    // Whole milliseconds: the copy shares the live state's hidden class, and a fractional (heap)
    // number in a field that held small integers would change that class and make V8 discard
    // the optimised code of tell() and the stop checks.
    return { ...this.state, rng: this.rng.state(), elapsedMs: Math.round(this.elapsedMs) };
  }

  private toUser(internal: number): number {
    return this.direction === 'maximize' ? -internal : internal;
  }
  private toInternal(user: number): number {
    return this.direction === 'maximize' ? -user : user;
  }

  /** Marks the run stopped on request; the next `ask` returns nothing. */
  requestStop(reason = 'stopped-by-user'): void {
    if (!this.state.stopReason) this.state.stopReason = reason;
  }

  /** Lets a run stopped on request (or, given them, for one of `reasons`) continue (resume). */
  clearStop(reasons: ReadonlySet<string> = new Set(['stopped-by-user'])): void {
    if (this.state.stopReason && reasons.has(this.state.stopReason)) this.state.stopReason = null;
  }

  /**
   * The next generation's candidates. Calling it again before `tell` returns the same ones.
   * The last generation is cut short so that `maxEvaluations` is never exceeded.
   * A candidate's `x` is valid until the next generation is asked for: the strategy may refill
   * the same vectors then (copy `x` to keep it longer; `best.x` is a copy).
   */
  ask(): Candidate[] {
    if (this.state.stopReason) return [];
    if (!this.state.pending) {
      const spare = this.spare;
      this.spare = undefined;
      const { candidates, state } = this.strategy.ask(this.rng, this.state.strategyState, spare);
      this.setStrategyState(state);
      this.asked = null;
      this.state.pending = {
        generation: this.state.generation,
        firstIndex: this.state.evaluations,
        candidates,
      };
    }
    if (this.asked) return this.asked;
    const { generation, firstIndex, candidates } = this.state.pending;
    const remaining =
      this.stop.maxEvaluations !== undefined ? this.stop.maxEvaluations - firstIndex : candidates.length;
    const count = Math.max(0, Math.min(candidates.length, remaining));
    const values = newVectors(count, this.space.parameters.length);
    const asked: AskedCandidate[] = []; // pushed, so always packed (see tell)
    for (let k = 0; k < count; k++) {
      const x = candidates[k];
      asked.push(
        new AskedCandidate(firstIndex + k, generation, x, this.space.toValues(x, values[k]), this.space),
      );
    }
    this.asked = asked;
    return asked;
  }

  /**
   * Takes the outcomes of the candidates `ask` returned, in the same order. Failed or
   * non-finite outcomes are told to the strategy as the worst value seen so far.
   */
  tell(outcomes: EvaluationOutcome[]): GenerationSummary {
    const pending = this.state.pending;
    if (!pending) throw new Error('tell() without a pending ask()');
    const asked = this.ask();
    if (outcomes.length !== asked.length) {
      throw new Error(`tell() expected ${asked.length} outcomes, got ${outcomes.length}`);
    }
    // Built by push, not map/filter: the arrays a hot loop reads keep one elements kind. An
    // optimised map/filter returns holey arrays where the interpreter's are packed, and V8
    // discards optimised code (here checkStop's) that meets the other kind.
    const internal: (number | null)[] = [];
    const valid: number[] = [];
    for (const o of outcomes) {
      const value = o.fitness !== null && Number.isFinite(o.fitness) ? this.toInternal(o.fitness) : null;
      internal.push(value);
      if (value !== null) valid.push(value);
    }
    const failed = internal.length - valid.length;
    this.state.failedEvaluations += failed;
    for (const v of internal)
      this.state.consecutiveFailures = v === null ? this.state.consecutiveFailures + 1 : 0;
    if (valid.length) {
      const worst = Math.max(...valid);
      this.state.worstSeen = this.state.worstSeen === null ? worst : Math.max(this.state.worstSeen, worst);
    }
    // The generation's first best, if it beats the best so far: what replacing the best at each
    // improvement in candidate order ends with, with one params object built instead of several.
    let improved = -1;
    internal.forEach((value, k) => {
      if (value === null) return;
      const best =
        improved >= 0
          ? internal[improved]!
          : this.state.best
            ? this.toInternal(this.state.best.fitness)
            : null;
      if (best === null || value < best) improved = k;
    });
    if (improved >= 0) {
      const candidate = asked[improved];
      this.state.best = {
        index: candidate.index,
        generation: candidate.generation,
        x: Float64Array.from(candidate.x),
        params: candidate.params,
        fitness: this.toUser(internal[improved]!),
      };
    }
    this.state.evaluations += asked.length;
    const generationBest = valid.length ? Math.min(...valid) : Number.NaN;
    const summary: GenerationSummary = {
      generation: pending.generation,
      evaluations: this.state.evaluations,
      failedEvaluations: this.state.failedEvaluations,
      min: valid.length ? this.toUser(generationBest) : Number.NaN,
      median: valid.length ? this.toUser(median(valid)) : Number.NaN,
      best: this.state.best,
      restart: this.state.restart.count,
      metrics: {},
    };

    const cutShort = asked.length < pending.candidates.length;
    this.state.pending = null;
    this.asked = null;
    this.spare = pending.candidates;
    this.state.generation += 1;
    if (!cutShort) {
      const substitute = this.state.worstSeen ?? 0;
      const fitness = Float64Array.from(internal, (v) => (v === null ? substitute : v));
      const told = this.strategy.tell(this.state.strategyState, pending.candidates, fitness, this.spareState);
      this.spareState = this.state.strategyState;
      this.setStrategyState(told.state);
      summary.metrics = told.metrics;
    }
    if (valid.length) {
      this.state.recentBest.push(generationBest);
      if (generationBest < this.state.localBest) {
        this.state.localBest = generationBest;
        this.state.localImprovedAt = this.state.generation;
      }
      this.recordStagnationHistory(generationBest, median(valid));
      const sorted = Float64Array.from(valid).sort();
      const flat = sorted.length > 1 && sorted[0] >= sorted[Math.floor(0.75 * sorted.length)];
      this.state.flatGenerations = flat ? this.state.flatGenerations + 1 : 0;
    }
    const historyLength =
      10 + Math.ceil((30 * this.space.dimension) / Math.max(1, pending.candidates.length));
    if (this.state.recentBest.length > historyLength) this.state.recentBest.shift();

    const reason = this.checkStop(valid, pending.candidates.length, historyLength);
    if (reason) {
      if (localStopReasons.has(reason) && this.canRestart()) {
        this.beginRestart();
        summary.restartedBecause = reason;
      } else {
        this.state.stopReason = reason;
        summary.stopReason = reason;
      }
    }
    return summary;
  }

  private recordStagnationHistory(best: number, generationMedian: number): void {
    const s = this.state;
    if ((s.generation - s.localStartGeneration) % 5 !== 0) return;
    s.stagnationBest.unshift(best);
    s.stagnationMedian.unshift(generationMedian);
    if (s.stagnationBest.length > maxStagnationHistory) {
      s.stagnationBest.pop();
      s.stagnationMedian.pop();
    }
  }

  /**
   * pycma's tolstagnation: after at least n·(5 + 100/λ) generations of the local run, with its
   * best older than half the stagnation period, the medians of the newest l entries of both
   * histories (every 5th generation's best and median) are no better than the medians of the
   * l entries before them, l = max(period/10, entries/10).
   */
  private stagnated(lambda: number): boolean {
    const s = this.state;
    const n = this.space.dimension;
    const period =
      this.stop.stagnationGenerations ?? Math.floor(100 + (100 * n ** 1.5) / Math.max(1, lambda));
    const localGenerations = s.generation - s.localStartGeneration;
    const entries = s.stagnationBest.length;
    if (localGenerations <= n * (5 + 100 / Math.max(1, lambda))) return false;
    if (s.generation - s.localImprovedAt <= period / 2) return false;
    const l = Math.floor(Math.max(period / 10, entries / 10));
    if (entries <= 100 || 2 * l >= entries || l < 1) return false;
    const newer = (history: number[]) => median(history.slice(0, l));
    const older = (history: number[]) => median(history.slice(l, 2 * l));
    return (
      newer(s.stagnationMedian) >= older(s.stagnationMedian) &&
      newer(s.stagnationBest) >= older(s.stagnationBest)
    );
  }

  /** pycma's tolx, in the parameters' own units: every σ·√C_ii and every σ·|p_c,i| below tolX. */
  private belowTolX(): boolean {
    const n = this.space.dimension;
    const distribution = this.distribution();
    const stds =
      distribution.stdDevs ??
      (distribution.covariance
        ? Float64Array.from({ length: n }, (_, i) => Math.sqrt(distribution.covariance![i * n + i]))
        : undefined);
    if (!stds) return false;
    const tolX = this.stop.tolX ?? 1e-11;
    const scales = this.coordinateScales;
    for (let i = 0; i < n; i++) if (!(stds[i] * scales[i] < tolX)) return false;
    const path = distribution.scaledEvolutionPath;
    if (path) for (let i = 0; i < n; i++) if (!(Math.abs(path[i]) * scales[i] < tolX)) return false;
    return true;
  }

  private checkStop(valid: number[], lambda: number, historyLength: number): string | undefined {
    const stop = this.stop;
    const s = this.state;
    if (
      stop.target !== undefined &&
      s.best &&
      this.toInternal(s.best.fitness) <= this.toInternal(stop.target)
    ) {
      return 'target-reached';
    }
    if (stop.maxEvaluations !== undefined && s.evaluations >= stop.maxEvaluations)
      return 'budget-evaluations';
    if (stop.maxSeconds !== undefined && this.elapsedMs >= stop.maxSeconds * 1000) return 'budget-seconds';
    if (s.consecutiveFailures >= (stop.maxConsecutiveFailures ?? Math.max(20, 3 * lambda)))
      return 'too-many-failures';

    const localGenerations = s.generation - s.localStartGeneration;
    if (valid.length && s.recentBest.length >= historyLength && localGenerations >= historyLength) {
      let high = Number.NEGATIVE_INFINITY;
      let low = Number.POSITIVE_INFINITY;
      for (const values of [s.recentBest, valid])
        for (const v of values) {
          if (v > high) high = v;
          if (v < low) low = v;
        }
      if (high - low < (stop.tolFun ?? 1e-11)) return 'tol-fun';
    }
    if (this.belowTolX()) return 'tol-x';
    if (this.stagnated(lambda)) return 'stagnation';
    if (s.flatGenerations > (stop.tolFlatFitness ?? this.defaultTolFlatFitness)) return 'tol-flat-fitness';
    const internalStop = this.strategy.shouldStop?.(s.strategyState);
    if (internalStop) return internalStop;
    return undefined;
  }

  private canRestart(): boolean {
    return this.restarts.mode !== 'none' && this.state.restart.count < this.restarts.maxRestarts;
  }

  /**
   * IPOP (Auger & Hansen 2005): restart with the population multiplied by `populationFactor`.
   * BIPOP (Hansen 2009): after the first run, alternate between the growing large-population
   * regime and short runs with a small random population λ_s = ⌊λ_def·(λ_large/λ_def)^(U²)⌋
   * and step size σ_def·10^(−2U), choosing the regime that has used fewer evaluations.
   */
  private beginRestart(): void {
    const s = this.state;
    const r = s.restart;
    const used = s.evaluations - r.localStartEvaluations;
    if (r.currentRegime === 'large') r.evaluationsLarge += used;
    else r.evaluationsSmall += used;
    r.count += 1;
    const options = { ...s.options };
    const populationOption = this.strategy.populationOption!;
    let population: number;
    if (this.restarts.mode === 'bipop' && r.count > 1 && r.evaluationsSmall < r.evaluationsLarge) {
      r.currentRegime = 'small';
      const u = this.rng.uniform();
      population = Math.max(
        2,
        Math.floor(r.basePopulation * (r.largePopulation / r.basePopulation) ** (u * u)),
      );
      if (r.baseStepSize !== null) options.stepSize = r.baseStepSize * 10 ** (-2 * this.rng.uniform());
    } else {
      r.currentRegime = 'large';
      r.largePopulation *= this.restarts.populationFactor;
      population = Math.floor(r.largePopulation);
    }
    options[populationOption] = population;
    const start = this.space.randomStart(() => this.rng.uniform(), this.start);
    this.setStrategyState(this.initStrategy(options, start));
    s.recentBest = [];
    s.localBest = Number.POSITIVE_INFINITY;
    s.localImprovedAt = s.generation;
    s.localStartGeneration = s.generation;
    s.stagnationBest = [];
    s.stagnationMedian = [];
    s.flatGenerations = 0;
    r.localStartEvaluations = s.evaluations;
  }
}
