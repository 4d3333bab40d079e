/**
 * The `evobox` command line. Exit codes scripts can rely on: 0 a run completed (whatever its
 * stop reason), 2 invalid input (problem file, flags — the message names the field), 1 any
 * other failure (objective unusable, every evaluation failing, disk full…).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { OptionError } from '../../core/strategy';
import { describeStrategies } from '../../core/strategy-info';
import { stopReasons } from '../../core/stop';
import { strategies } from '../../strategies/registry';
import type { ExecutorConfig } from '../executors/index';
import { loadProblem, ProblemError, type Problem } from '../problem/schema';
import { exportFormats, exportRun, type ExportFormat } from '../run/export';
import { probeProblem } from '../run/probe';
import { BudgetError } from '../run/budget';
import { prepareOptimizer, resumeRun, startRun, ResumeError } from '../run/runner';
import type { GenerationEvent, RunHandle, RunResult } from '../run/types';
import { evoboxVersion } from '../version';
import { createProgress } from './progress';
import { defaultStopGraceSeconds, handleSignals } from './signals';
import { registerSlurmCommand } from './slurm';
import { registerWorkerCommand } from './worker';
import { registerTrain, resumeTrainCommand } from './train';
import { registerPredict } from './predict';
import { isTrainRun } from '../train/run-files';
import { positiveInteger, finiteNumber, collectOption, executorFlag, nonNegativeInteger } from './flags';

class UsageError extends Error {}

const exitCodes = { ok: 0, failure: 1, invalid: 2 } as const;

interface RunFlags {
  strategy?: string;
  option?: Record<string, unknown>;
  budget?: number;
  seconds?: number;
  target?: number;
  seed?: number;
  workers?: number;
  executor?: ExecutorConfig;
  out?: string;
  runsDir?: string;
  json?: boolean;
  progress?: boolean;
  stopGrace?: number;
}

function applyOverrides(problem: Problem, flags: RunFlags): Problem {
  const strategyChanged = flags.strategy !== undefined && flags.strategy !== problem.strategy.name;
  return {
    ...problem,
    strategy: {
      name: flags.strategy ?? problem.strategy.name,
      options: { ...(strategyChanged ? {} : problem.strategy.options), ...flags.option },
    },
    budget: {
      ...problem.budget,
      ...(flags.budget !== undefined ? { evaluations: flags.budget } : {}),
      ...(flags.seconds !== undefined ? { seconds: flags.seconds } : {}),
      ...(flags.target !== undefined ? { target: flags.target } : {}),
    },
    seed: flags.seed ?? problem.seed,
    workers: flags.workers ?? problem.workers,
    ...(flags.executor ? { executor: flags.executor } : {}),
  };
}

/** A note for the user on stderr (stdout stays one JSON object under --json). */
function notice(message: string): void {
  process.stderr.write(`evobox: note: ${message}\n`);
}

function stopGraceOption(): Option {
  return new Option(
    '--stop-grace <seconds>',
    'on SIGTERM, how long running evaluations may finish before they are ended (run again on resume)',
  )
    .argParser(nonNegativeNumber('--stop-grace'))
    .default(defaultStopGraceSeconds);
}

function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} expects a number ≥ 0 (got ${JSON.stringify(value)})`);
    return n;
  };
}

/** The --json object of a run that never started: the shape of a result, with the error. */
function failedStart(error: unknown) {
  return {
    runDir: null,
    best: null,
    evaluations: 0,
    failedEvaluations: 0,
    stopReason: 'error',
    error: (error as Error)?.message ?? String(error),
  };
}

function summaryJson(result: RunResult) {
  return {
    runDir: result.runDir,
    best: result.best ? { params: result.best.params, fitness: result.best.fitness } : null,
    evaluations: result.evaluations,
    failedEvaluations: result.failedEvaluations,
    stopReason: result.stopReason,
    ...(result.error ? { error: result.error } : {}),
    ...(result.notEvaluated ? { notEvaluated: result.notEvaluated } : {}),
  };
}

async function follow(handle: RunHandle, flags: { json?: boolean; stopGrace?: number }): Promise<number> {
  const json = Boolean(flags.json);
  const signals = handleSignals(handle, flags.stopGrace);
  const result = await handle.done.finally(() => signals.dispose());
  if (json) process.stdout.write(`${JSON.stringify(summaryJson(result))}\n`);
  else {
    const reason = stopReasons[result.stopReason as keyof typeof stopReasons] ?? result.stopReason;
    process.stdout.write(
      [
        `run folder: ${result.runDir}`,
        `stopped:    ${result.stopReason} (${reason})`,
        `evaluations: ${result.evaluations} (${result.failedEvaluations} failed) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
        result.best
          ? `best:       ${result.best.fitness}\n${Object.entries(result.best.params)
              .map(([k, v]) => `  ${k} = ${v}`)
              .join('\n')}`
          : 'best:       none (no evaluation succeeded)',
        '',
      ].join('\n'),
    );
  }
  if (result.error) {
    process.stderr.write(`evobox: ${result.error}\n`);
    return exitCodes.failure;
  }
  return signals.exitCode ?? exitCodes.ok;
}

function attachProgress(total: number | undefined, flags: { json?: boolean; progress?: boolean }) {
  const enabled = flags.progress !== false && !flags.json && Boolean(process.stderr.isTTY);
  return createProgress(total, enabled);
}

async function runCommand(problemPath: string, flags: RunFlags): Promise<number> {
  const problem = applyOverrides(loadProblem(problemPath), flags);
  try {
    prepareOptimizer(problem); // strategy name and options, before any folder is written
  } catch (error) {
    if (error instanceof OptionError) throw new ProblemError(error.message);
    throw new ProblemError((error as Error).message);
  }
  if (flags.out && existsSync(flags.out) && readdirSync(flags.out).length > 0) {
    throw new UsageError(`--out ${flags.out} exists and is not empty; give a new folder`);
  }
  const progress = attachProgress(problem.budget.evaluations, flags);
  const handle = await startRun(problem, {
    runDir: flags.out,
    runsDir: flags.runsDir,
    problemFile: problemPath,
    ...(progress.listens ? { onGeneration: (event: GenerationEvent) => progress.update(event) } : {}),
  }).catch((error: unknown) => {
    // The run could not start (a full disk…): under --json still one JSON object on stdout.
    progress.stop();
    const invalidInput = error instanceof ProblemError || error instanceof OptionError;
    if (flags.json && !invalidInput) process.stdout.write(`${JSON.stringify(failedStart(error))}\n`);
    throw error;
  });
  if (!flags.json && !process.stderr.isTTY) process.stderr.write(`evobox: running in ${handle.runDir}\n`);
  return follow(handle, flags).finally(() => progress.stop());
}

interface ResumeFlags {
  json?: boolean;
  progress?: boolean;
  stopGrace?: number;
  acceptMissingEvaluations?: boolean;
  executor?: ExecutorConfig;
  budget?: number;
  seconds?: number;
}

async function resumeCommand(runDir: string, flags: ResumeFlags): Promise<number> {
  if (!existsSync(runDir)) throw new UsageError(`run folder ${runDir} does not exist`);
  if (isTrainRun(runDir)) return resumeTrainCommand(runDir, flags);
  const progress = attachProgress(flags.budget, flags);
  const budget =
    flags.budget !== undefined || flags.seconds !== undefined
      ? {
          ...(flags.budget !== undefined ? { evaluations: flags.budget } : {}),
          ...(flags.seconds !== undefined ? { seconds: flags.seconds } : {}),
        }
      : undefined;
  const handle = await resumeRun(runDir, {
    executor: flags.executor,
    ...(progress.listens ? { onGeneration: (event: GenerationEvent) => progress.update(event) } : {}),
    onNotice: notice,
    ...(flags.acceptMissingEvaluations ? { acceptMissingEvaluations: true } : {}),
    ...(budget ? { budget } : {}),
  });
  return follow(handle, flags).finally(() => progress.stop());
}

function strategiesCommand(flags: { json?: boolean; dimension?: number }): number {
  // The same shape as the GUI's strategies:list (engine/core/strategy-info.ts).
  const list = describeStrategies(strategies, flags.dimension ?? 10);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return exitCodes.ok;
  }
  const lines: string[] = [];
  for (const s of list) {
    lines.push(`${s.id} — ${s.title}`, `  ${s.summary}`);
    if (s.reference) lines.push(`  source: ${s.reference}`);
    for (const option of s.options) {
      const range = [
        option.min !== undefined ? `≥ ${option.min}` : '',
        option.max !== undefined ? `≤ ${option.max}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      const choices = option.choices ? ` one of ${option.choices.join('|')}` : '';
      const defaultText = option.defaultText ?? JSON.stringify(option.default);
      lines.push(
        `    --option ${option.name}=…  default ${defaultText}${range ? ` (${range})` : ''}${choices}: ${option.description}`,
      );
    }
    lines.push('');
  }
  process.stdout.write(`${lines.join('\n')}`);
  return exitCodes.ok;
}

async function probeCommand(problemPath: string, flags: { json?: boolean }): Promise<number> {
  const problem = loadProblem(problemPath);
  const report = await probeProblem(problem);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const r = report.result;
    const out = [
      `protocol:   ${report.protocol}`,
      `invocation: ${report.invocation}`,
      `parameters: ${Object.entries(report.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      r.error ? `FAILED:     ${r.error}` : `fitness:    ${r.fitness}`,
      ...(r.extras ? [`extras:     ${JSON.stringify(r.extras)}`] : []),
      `time:       ${r.ms.toFixed(1)} ms`,
      ...(r.stderrTail ? ['stderr (tail):', r.stderrTail.replace(/^/gm, '  | ')] : []),
      '',
    ];
    process.stdout.write(out.join('\n'));
  }
  return report.result.error ? exitCodes.failure : exitCodes.ok;
}

/**
 * Adds a command from outside the engine (`serve`, `bench`: bin/commands.ts), so that the
 * engine never imports the browser server or the benchmarks.
 */
export type CommandRegistration = (program: Command, setExit: (code: number) => void) => void;

export function buildProgram(
  setExit: (code: number) => void,
  extraCommands: readonly CommandRegistration[] = [],
): Command {
  const program = new Command('evobox')
    .description(
      'Optimise the parameters of black-box programs with CMA-ES and other population-based search.',
    )
    .version(evoboxVersion)
    .exitOverride()
    .showHelpAfterError('(run evobox --help for usage)');

  program
    .command('run')
    .description('run an optimisation described by a problem file')
    .argument('<problem>', 'problem file (JSON)')
    .option('--strategy <id>', 'strategy id (see `evobox strategies`)')
    .option('--option <name=value>', 'strategy option, repeatable', collectOption, {})
    .option('--budget <evaluations>', 'evaluation budget', positiveInteger('--budget'))
    .option('--seconds <s>', 'time budget in seconds', finiteNumber('--seconds'))
    .option('--target <f>', 'stop when the best fitness reaches this', finiteNumber('--target'))
    .option('--seed <n>', 'random seed', nonNegativeInteger('--seed'))
    .option('--workers <n>', 'parallel evaluations', positiveInteger('--workers'))
    .option(
      '--executor <kind>',
      "where evaluations run (default: the problem's executor, else local)",
      executorFlag,
    )
    .option('--out <dir>', 'run folder to create (default runs/<time>-<name>)')
    .option('--runs-dir <dir>', 'parent folder for run folders', 'runs')
    .option('--json', 'print one JSON object with the result on stdout')
    .option('--no-progress', 'no progress bar')
    .addOption(stopGraceOption())
    .action(async (problem: string, flags: RunFlags) => setExit(await runCommand(problem, flags)));

  program
    .command('resume')
    .description('continue an interrupted run (also after kill -9)')
    .argument('<runDir>', 'run folder')
    .option(
      '--executor <kind>',
      'where evaluations run this time (default: as the run was started)',
      executorFlag,
    )
    .option(
      '--budget <evaluations>',
      'new total evaluation budget (continues a finished or stopped run too)',
      positiveInteger('--budget'),
    )
    .option('--seconds <s>', 'new total time budget in seconds', finiteNumber('--seconds'))
    .option('--json', 'print one JSON object with the result on stdout')
    .option('--no-progress', 'no progress bar')
    .addOption(stopGraceOption())
    .option(
      '--accept-missing-evaluations',
      'go on although the journal lost evaluation records the checkpoint counts (they stay missing)',
    )
    .action(async (runDir: string, flags: ResumeFlags) => setExit(await resumeCommand(runDir, flags)));

  program
    .command('export')
    .description('export a run: best parameters (json), all evaluations (csv) or a command line (cli)')
    .argument('<runDir>', 'run folder')
    .addOption(new Option('--format <format>', 'output format').choices([...exportFormats]).default('json'))
    .option('--output <file>', 'write to a file instead of stdout')
    .action((runDir: string, flags: { format: ExportFormat; output?: string }) => {
      if (!existsSync(runDir)) throw new UsageError(`run folder ${runDir} does not exist`);
      const text = exportRun(resolve(runDir), flags.format);
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
      setExit(exitCodes.ok);
    });

  program
    .command('probe')
    .description('evaluate the start point once: parsed value, timing, stderr tail')
    .argument('<problem>', 'problem file (JSON)')
    .option('--json', 'print the report as JSON')
    .action(async (problem: string, flags: { json?: boolean }) =>
      setExit(await probeCommand(problem, flags)),
    );

  registerTrain(program, setExit);
  registerPredict(program, setExit);

  program
    .command('strategies')
    .description('list the strategies with their options, defaults and descriptions')
    .option('--json', 'as JSON')
    .option(
      '--dimension <n>',
      'dimension for dimension-dependent defaults (JSON)',
      positiveInteger('--dimension'),
    )
    .action((flags: { json?: boolean; dimension?: number }) => setExit(strategiesCommand(flags)));

  registerWorkerCommand(program, setExit);
  registerSlurmCommand(program, setExit);
  for (const register of extraCommands) register(program, setExit);
  return program;
}

export async function main(
  argv: string[],
  extraCommands: readonly CommandRegistration[] = [],
): Promise<number> {
  let code: number = exitCodes.ok;
  const program = buildProgram((c) => (code = c), extraCommands);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      )
        return exitCodes.ok;
      return exitCodes.invalid; // commander already printed the message
    }
    if (error instanceof ProblemError || error instanceof UsageError || error instanceof OptionError) {
      process.stderr.write(`evobox: ${error.message.split('\n').join('\nevobox: ')}\n`);
      return exitCodes.invalid;
    }
    if (error instanceof ResumeError || error instanceof BudgetError) {
      process.stderr.write(`evobox: ${error.message}\n`);
      return exitCodes.invalid;
    }
    process.stderr.write(`evobox: ${(error as Error).message ?? error}\n`);
    return exitCodes.failure;
  }
}
