/**
 * What `evobox train <problem>` and `evobox resume <training run>` do (see engine/node/train):
 * loaded only by those commands (train.ts registers them), so no other command loads the
 * trainers. Exit codes as for `run`: 0 the run completed, 2 invalid input (problem file, data
 * file — the message names the field, row and column), 1 any other failure.
 */
import { existsSync, readdirSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { OptionError } from '../../core/strategy';
import { TrainDataError } from '../train/data';
import { loadTrainProblem, parseTrainProblem, TrainProblemError, type TrainProblem } from '../train/problem';
import {
  prepareTraining,
  resumeTraining,
  startTraining,
  type TrainHandle,
  type TrainResult,
  type TrainStepEvent,
} from '../train/session';
import type { ExecutorConfig } from '../executors/index';

const exitCodes = { ok: 0, failure: 1, invalid: 2 } as const;

export interface TrainFlags {
  trainer?: string;
  option?: Record<string, unknown>;
  steps?: number;
  fCalls?: number;
  seed?: number;
  out?: string;
  runsDir?: string;
  json?: boolean;
  progress?: boolean;
  executor?: ExecutorConfig;
}

function format(value: number | null): string {
  if (value === null) return '—';
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0)
    ? value.toExponential(3)
    : value.toPrecision(4);
}

function createTrainProgress(total: number | undefined, enabled: boolean) {
  if (!enabled) return { update: (_event: TrainStepEvent) => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${total ? '{bar} {percentage}% | ' : ''}step {value}${total ? '/{total}' : ''} | train {train} | validation {validation} | F calls {calls} (failed {failed}) | {duration_formatted}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { train: '—', validation: '—', calls: 0, failed: 0 });
  let last = 0;
  return {
    update(event: TrainStepEvent) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      bar.update(event.step, {
        train: format(event.trainLoss),
        validation: format(event.validationLoss),
        calls: event.fCalls,
        failed: event.failures,
      });
    },
    stop: () => bar.stop(),
  };
}

type TrainProgress = ReturnType<typeof createTrainProgress>;

function progressFor(flags: TrainFlags, total: number | undefined): TrainProgress {
  return createTrainProgress(total, flags.progress !== false && !flags.json && Boolean(process.stderr.isTTY));
}

async function follow(handle: TrainHandle, flags: TrainFlags, progress: TrainProgress): Promise<number> {
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      '\nevobox: stopping after this step (Ctrl-C again to quit at once; the run stays resumable)\n',
    );
    handle.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: TrainResult;
  try {
    result = await handle.done;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      [
        `run folder:      ${result.runDir}`,
        `stopped:         ${result.stopReason} after ${result.steps} steps`,
        `F calls:         ${result.fCalls} training (${result.failures} failed), ${result.validationCalls} validation`,
        `validation loss: ${format(result.validationLoss)} (best ${format(result.bestValidationLoss)}; standardised MSE, 1 = predicting the mean)`,
        `model:           ${result.runDir}/model.json (+ model.mjs, model.py)`,
        '',
      ].join('\n'),
    );
  return exitCodes.ok;
}

function withOverrides(problem: TrainProblem, flags: TrainFlags): TrainProblem {
  const changed = flags.trainer !== undefined && flags.trainer !== problem.trainer.name;
  const { baseDir, ...json } = problem;
  return parseTrainProblem(
    {
      ...json,
      trainer: {
        ...problem.trainer,
        name: flags.trainer ?? problem.trainer.name,
        options: { ...(changed ? {} : problem.trainer.options), ...flags.option },
      },
      budget: {
        ...problem.budget,
        ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
        ...(flags.fCalls !== undefined ? { fCalls: flags.fCalls } : {}),
      },
      seed: flags.seed ?? problem.seed,
      ...(flags.executor ? { executor: flags.executor } : {}),
    },
    baseDir,
  );
}

/** Input errors exit 2 with the message; anything else exits 1. */
async function guarded(action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    const invalid =
      error instanceof TrainProblemError || error instanceof TrainDataError || error instanceof OptionError;
    const message = (error as Error).message ?? String(error);
    process.stderr.write(`evobox: ${message.split('\n').join('\nevobox: ')}\n`);
    return invalid ? exitCodes.invalid : exitCodes.failure;
  }
}

/** `evobox train <problem>`. */
export function trainCommand(problemPath: string, flags: TrainFlags): Promise<number> {
  return guarded(() => train(problemPath, flags));
}

async function train(problemPath: string, flags: TrainFlags): Promise<number> {
  const problem = withOverrides(loadTrainProblem(problemPath), flags);
  if (flags.out && existsSync(flags.out) && readdirSync(flags.out).length > 0)
    throw new TrainProblemError(`--out ${flags.out} exists and is not empty; give a new folder`);
  prepareTraining(problem); // data, trainer and options checked before a folder is written
  const progress = progressFor(flags, problem.budget.steps);
  const handle = await startTraining(problem, {
    runDir: flags.out,
    runsDir: flags.runsDir,
    onStep: progress.update,
  });
  if (!flags.json && !process.stderr.isTTY) process.stderr.write(`evobox: training in ${handle.runDir}\n`);
  return follow(handle, flags, progress);
}

/** `evobox resume <runDir>` for a training run folder (main.ts dispatches here). */
export function resumeTrainCommand(
  runDir: string,
  flags: { json?: boolean; progress?: boolean },
): Promise<number> {
  return guarded(async () => {
    const progress = progressFor(flags, undefined);
    const handle = await resumeTraining(runDir, { onStep: progress.update });
    return follow(handle, flags, progress);
  });
}
