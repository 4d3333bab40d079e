/**
 * A training run: minibatches drawn from the seeded generator, the trainer's ask, F through
 * the black-box adapter, the trainer's tell; validation every `validateEvery` steps; a
 * journal line per step; a checkpoint every `checkpointEvery` steps. `resumeTraining`
 * continues from the last checkpoint (journal lines after it are dropped and redone), so
 * with a deterministic F a run killed with -9 and resumed ends exactly where an
 * uninterrupted one does.
 */
import { drawBatch } from '../../train/batch';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createRng, restoreRng, type Rng, type RngState } from '../../core/rng';
import { decodeState, encodeState } from '../../core/state-codec';
import { resolveOptions, type OptionValue } from '../../core/strategy';
import { initialParameters, predict } from '../../train/mlp';
import { sampleLoss, toOutputs } from '../../train/loss';
import { buildModelFile } from '../../train/model-file';
import type { TrainContext, Trainer } from '../../train/trainer';
import { getTrainer } from '../../train/trainers/registry';
import { createBlackBox, type BlackBox } from './black-box';
import { modelModuleJs, modelModulePy } from './export-code';
import { prepareData, type PreparedData } from './prepare';
import { parseTrainProblem, type TrainProblem } from './problem';
import {
  jsonNumber,
  readJournal,
  trainFiles,
  writeAtomic,
  type JournalLine,
  type ValidationPredictions,
} from './run-files';

export type TrainStopReason = 'steps' | 'fCalls' | 'stopped';

export interface TrainStepEvent {
  step: number;
  fCalls: number;
  failures: number;
  validationCalls: number;
  trainLoss: number | null;
  /** The latest validation loss (standardised MSE), null before the first validation. */
  validationLoss: number | null;
  elapsedMs: number;
  budget: TrainProblem['budget'];
}

export interface TrainResult {
  runDir: string;
  trainer: string;
  steps: number;
  fCalls: number;
  failures: number;
  validationCalls: number;
  validationLoss: number | null;
  bestValidationLoss: number | null;
  stopReason: TrainStopReason;
  elapsedMs: number;
}

export interface TrainHandle {
  runDir: string;
  done: Promise<TrainResult>;
  /** Ends the run after the current step (it stays resumable). */
  stop(): void;
}

export interface TrainOptions {
  runDir?: string;
  runsDir?: string;
  onStep?: (event: TrainStepEvent) => void;
}

interface Progress {
  step: number;
  fCalls: number;
  /** Requests sent to F (training and validation): the next request's id. */
  callId: number;
  failures: number;
  validationCalls: number;
  validationFailures: number;
  validationLoss: number | null;
  bestValidationLoss: number | null;
  elapsedMs: number;
}

interface Checkpoint extends Progress {
  rng: RngState;
  trainer: unknown;
}

/** The trainer's options resolved against its specs; errors name `trainer.options.<name>`. */
export function resolveTrainerOptions(trainer: Trainer, dimension: number, given: Record<string, unknown>) {
  if (!trainer.passThroughOptions)
    return resolveOptions(trainer.options, dimension, given, 'trainer.options');
  const own = Object.fromEntries(Object.entries(given).filter(([name]) => name in trainer.options));
  const rest = Object.fromEntries(Object.entries(given).filter(([name]) => !(name in trainer.options)));
  return { ...resolveOptions(trainer.options, dimension, own, 'trainer.options'), ...rest } as Record<
    string,
    OptionValue
  >;
}

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-');
}

class TrainingRun {
  private stopRequested = false;
  private readonly trainer: Trainer;

  constructor(
    readonly runDir: string,
    private readonly problem: TrainProblem,
    private readonly prepared: PreparedData,
    private readonly blackBox: BlackBox,
    private readonly onStep: TrainOptions['onStep'],
  ) {
    this.trainer = getTrainer(problem.trainer.name);
  }

  stop(): void {
    this.stopRequested = true;
  }

  private get context(): TrainContext {
    return this.prepared.context;
  }

  private async validate(weights: Float64Array, progress: Progress): Promise<number | null> {
    const { validation } = this.prepared;
    const points = validation.standardised.map((x, r) => ({
      x: validation.inputs[r],
      o: toOutputs(this.context, predict(this.context.model, weights, x)),
    }));
    const call = await this.blackBox.evaluate(points, progress.callId);
    progress.callId += points.length;
    progress.validationCalls += points.length;
    progress.validationFailures += call.failures.length;
    // What the charts draw: F(x, NN(x)) against the targets, per validation row (null: F failed).
    const predictions: ValidationPredictions = {
      step: progress.step,
      fCalls: progress.fCalls,
      targets: validation.targets.map((row) => Array.from(row)),
      predictions: call.answers.map((answer) => (answer.y ? Array.from(answer.y) : null)),
    };
    writeAtomic(join(this.runDir, trainFiles.predictions), JSON.stringify(predictions));
    let sum = 0;
    let count = 0;
    call.answers.forEach((answer, r) => {
      if (!answer.y) return;
      sum += sampleLoss(answer.y, validation.targets[r], this.context.targetScale);
      count += 1;
    });
    return count ? sum / count : null;
  }

  private writeModel(weights: Float64Array, progress: Progress, withCode: boolean): void {
    const model = buildModelFile({
      spec: this.context.model,
      weights,
      inputs: this.problem.data.inputs,
      outputs: this.problem.model.outputs,
      inputMean: this.prepared.inputStats.mean,
      inputStd: this.prepared.inputStats.std,
      trainer: this.problem.trainer.name,
      step: progress.step,
      validationLoss: progress.validationLoss,
    });
    writeAtomic(join(this.runDir, trainFiles.model), `${JSON.stringify(model, null, 2)}\n`);
    if (!withCode) return;
    writeAtomic(join(this.runDir, trainFiles.modelJs), modelModuleJs(model));
    writeAtomic(join(this.runDir, trainFiles.modelPy), modelModulePy(model));
  }

  private checkpoint(rng: Rng, trainerState: unknown, progress: Progress): void {
    const checkpoint: Checkpoint = { ...progress, rng: rng.state(), trainer: encodeState(trainerState) };
    writeAtomic(join(this.runDir, trainFiles.checkpoint), JSON.stringify(checkpoint));
  }

  async run(rng: Rng, trainerState: unknown, progress: Progress): Promise<TrainResult> {
    const { problem, trainer, context } = this;
    const { budget } = problem;
    const sessionStart = performance.now();
    const elapsedBefore = progress.elapsedMs;
    const journal = join(this.runDir, trainFiles.journal);
    let stopReason: TrainStopReason | undefined;
    let validatedAt = -1;
    try {
      for (;;) {
        if (budget.steps !== undefined && progress.step >= budget.steps) stopReason = 'steps';
        else if (budget.fCalls !== undefined && progress.fCalls >= budget.fCalls) stopReason = 'fCalls';
        else if (this.stopRequested) stopReason = 'stopped';
        if (stopReason) break;
        const started = performance.now();
        const batch = drawBatch(rng, context.data.inputs.length, problem.trainer.batchSize);
        const asked = trainer.ask(rng, context, trainerState, batch);
        const points = asked.queries.map((q) => ({
          x: this.prepared.trainInputs[q.sample],
          o: q.o,
          gradient: q.gradient,
        }));
        const call = await this.blackBox.evaluate(points, progress.callId);
        progress.callId += points.length;
        progress.fCalls += points.length;
        progress.failures += call.failures.length;
        const told = trainer.tell(rng, context, asked.state, batch, asked.queries, call.answers);
        trainerState = told.state;
        progress.step += 1;
        const last =
          (budget.steps !== undefined && progress.step >= budget.steps) ||
          (budget.fCalls !== undefined && progress.fCalls >= budget.fCalls);
        let validationLoss: number | null | undefined;
        if (progress.step % problem.validateEvery === 0 || last) {
          validationLoss = await this.validate(trainer.weights(trainerState), progress);
          validatedAt = progress.step;
          progress.validationLoss = validationLoss;
          if (
            validationLoss !== null &&
            (progress.bestValidationLoss === null || validationLoss < progress.bestValidationLoss)
          )
            progress.bestValidationLoss = validationLoss;
        }
        progress.elapsedMs = elapsedBefore + (performance.now() - sessionStart);
        const { trainLoss, dropped, ...metrics } = told.metrics;
        const line: JournalLine = {
          step: progress.step,
          trainLoss: jsonNumber(trainLoss),
          ...(validationLoss !== undefined ? { validationLoss } : {}),
          fCalls: progress.fCalls,
          failures: progress.failures,
          validationCalls: progress.validationCalls,
          dropped,
          metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, jsonNumber(v)])),
          ms: Math.round((performance.now() - started) * 1000) / 1000,
          ...(call.failures.length ? { failure: call.failures[0].slice(0, 300) } : {}),
        };
        appendFileSync(journal, `${JSON.stringify(line)}\n`);
        if (progress.step % problem.checkpointEvery === 0) {
          this.checkpoint(rng, trainerState, progress);
          this.writeModel(trainer.weights(trainerState), progress, false);
        }
        this.onStep?.({
          step: progress.step,
          fCalls: progress.fCalls,
          failures: progress.failures,
          validationCalls: progress.validationCalls,
          trainLoss: jsonNumber(trainLoss),
          validationLoss: progress.validationLoss,
          elapsedMs: progress.elapsedMs,
          budget,
        });
      }
      const weights = trainer.weights(trainerState);
      if (validatedAt !== progress.step && stopReason === 'stopped') {
        progress.validationLoss = await this.validate(weights, progress);
      }
      progress.elapsedMs = elapsedBefore + (performance.now() - sessionStart);
      this.checkpoint(rng, trainerState, progress);
      this.writeModel(weights, progress, true);
      const result: TrainResult = {
        runDir: this.runDir,
        trainer: problem.trainer.name,
        steps: progress.step,
        fCalls: progress.fCalls,
        failures: progress.failures,
        validationCalls: progress.validationCalls,
        validationLoss: progress.validationLoss,
        bestValidationLoss: progress.bestValidationLoss,
        stopReason,
        elapsedMs: progress.elapsedMs,
      };
      if (stopReason !== 'stopped')
        writeAtomic(join(this.runDir, trainFiles.result), `${JSON.stringify(result, null, 2)}\n`);
      return result;
    } finally {
      await this.blackBox.close();
    }
  }
}

function openBlackBox(problem: TrainProblem, runDir: string): Promise<BlackBox> {
  return createBlackBox(problem.blackBox, {
    executor: problem.executor,
    runId: basename(runDir),
    inputNames: problem.data.inputs,
    outputNames: problem.model.outputs.map((o) => o.name),
    targetCount: problem.data.targets.length,
    cwd: problem.baseDir,
    workers: problem.workers,
    seed: problem.seed,
  });
}

/** Everything that can be checked before a folder is written: data, options, the trainer. */
export function prepareTraining(problem: TrainProblem): {
  prepared: PreparedData;
  rng: Rng;
  trainerState: unknown;
} {
  const prepared = prepareData(problem);
  const trainer = getTrainer(problem.trainer.name);
  const rng = createRng(problem.seed);
  const weights = initialParameters(prepared.context.model, rng);
  const options = resolveTrainerOptions(trainer, weights.length, problem.trainer.options);
  const trainerState = trainer.init(rng, prepared.context, options, weights);
  return { prepared, rng, trainerState };
}

export async function startTraining(problem: TrainProblem, options: TrainOptions = {}): Promise<TrainHandle> {
  const { prepared, rng, trainerState } = prepareTraining(problem);
  const runDir = resolve(options.runDir ?? join(options.runsDir ?? 'runs', `${timestamp()}-${problem.name}`));
  mkdirSync(runDir, { recursive: true });
  writeAtomic(join(runDir, trainFiles.problem), `${JSON.stringify(problem, null, 2)}\n`);
  writeAtomic(join(runDir, trainFiles.journal), '');
  const blackBox = await openBlackBox(problem, runDir);
  const run = new TrainingRun(runDir, problem, prepared, blackBox, options.onStep);
  const progress: Progress = {
    step: 0,
    fCalls: 0,
    callId: 0,
    failures: 0,
    validationCalls: 0,
    validationFailures: 0,
    validationLoss: null,
    bestValidationLoss: null,
    elapsedMs: 0,
  };
  return { runDir, done: run.run(rng, trainerState, progress), stop: () => run.stop() };
}

export async function resumeTraining(
  runDir: string,
  options: Pick<TrainOptions, 'onStep'> = {},
): Promise<TrainHandle> {
  const dir = resolve(runDir);
  const record = JSON.parse(readFileSync(join(dir, trainFiles.problem), 'utf8')) as Record<string, unknown>;
  const { baseDir, ...json } = record;
  const problem = parseTrainProblem(json, String(baseDir));
  const fresh = prepareTraining(problem);
  let rng = fresh.rng;
  let trainerState = fresh.trainerState;
  let progress: Progress = {
    step: 0,
    fCalls: 0,
    callId: 0,
    failures: 0,
    validationCalls: 0,
    validationFailures: 0,
    validationLoss: null,
    bestValidationLoss: null,
    elapsedMs: 0,
  };
  let checkpointText: string | undefined;
  try {
    checkpointText = readFileSync(join(dir, trainFiles.checkpoint), 'utf8');
  } catch {
    // killed before the first checkpoint: start again from step 0
  }
  if (checkpointText !== undefined) {
    const { rng: rngState, trainer, ...saved } = JSON.parse(checkpointText) as Checkpoint;
    rng = restoreRng(rngState);
    const decoded = decodeState(trainer);
    trainerState = getTrainer(problem.trainer.name).revive?.(decoded) ?? decoded;
    progress = saved;
  }
  const kept = readJournal(dir).filter((line) => line.step <= progress.step);
  writeAtomic(join(dir, trainFiles.journal), kept.map((line) => `${JSON.stringify(line)}\n`).join(''));
  const blackBox = await openBlackBox(problem, dir);
  const run = new TrainingRun(dir, problem, fresh.prepared, blackBox, options.onStep);
  return { runDir: dir, done: run.run(rng, trainerState, progress), stop: () => run.stop() };
}
