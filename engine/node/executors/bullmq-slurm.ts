/**
 * Slurm pilot jobs for the BullMQ executor: one `sbatch --array` script whose tasks each run
 * `evobox worker` on a compute node until no job has come for `idleExitSeconds`. Only
 * outbound connections from the nodes to Redis are needed. The Redis password never goes
 * into the script or a command line: it travels in EVOBOX_REDIS_PASSWORD, which sbatch
 * passes to the job's environment (its default `--export=ALL`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultQueue, redisOptions } from './bullmq-protocol';

export interface SlurmSubmitOptions {
  redis: string;
  workers: number;
  concurrency?: number;
  queue?: string;
  tags?: string[];
  pathMaps?: string[];
  partition?: string;
  time?: string;
  sbatchArgs?: string[];
  idleExitSeconds?: number;
  stallSeconds?: number;
  /** Folder for the script and the workers' output files. */
  scriptDir: string;
  /** How a compute node starts evobox: the command and its first arguments (default: this node + this evobox). */
  evobox: string[];
}

/** Quotes a word for bash (single quotes, ' as '\''). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The URL with its password taken out (it goes through the environment instead). */
export function splitPassword(url: string): { url: string; password?: string } {
  redisOptions(url, '--redis'); // validates
  const parsed = new URL(url);
  if (!parsed.password) return { url };
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), password };
}

export function slurmScript(options: SlurmSubmitOptions): string {
  const concurrency = options.concurrency ?? 1;
  const { url } = splitPassword(options.redis);
  const worker = [
    ...options.evobox,
    'worker',
    '--redis',
    url,
    '--concurrency',
    String(concurrency),
    '--queue',
    options.queue ?? defaultQueue,
    '--idle-exit',
    String(options.idleExitSeconds ?? 300),
    ...(options.stallSeconds ? ['--stall-seconds', String(options.stallSeconds)] : []),
    ...(options.tags ?? []).flatMap((tag) => ['--tag', tag]),
    ...(options.pathMaps ?? []).flatMap((map) => ['--path-map', map]),
  ];
  const out = resolve(options.scriptDir, 'evobox-worker-%A_%a.out');
  const directives = [
    '--job-name=evobox-worker',
    `--array=0-${options.workers - 1}`,
    '--ntasks=1',
    `--cpus-per-task=${concurrency}`,
    `--output=${out}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
  ];
  return [
    '#!/bin/bash',
    '# evobox worker pilot jobs: each array task evaluates jobs from the Redis queue until idle.',
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'echo "evobox worker ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)"',
    // exec: scancel's SIGTERM reaches the worker itself, which finishes its running jobs.
    `exec ${worker.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

export class SlurmError extends Error {}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const out = spawnSync(command, args, { encoding: 'utf8', env: env ?? process.env, timeout: 60_000 });
  if (out.error) {
    const code = (out.error as NodeJS.ErrnoException).code;
    throw new SlurmError(
      code === 'ENOENT'
        ? `${command} was not found: run this on a Slurm login node (or put Slurm's commands on PATH)`
        : `${command} failed: ${out.error.message}`,
    );
  }
  if (out.status !== 0)
    throw new SlurmError(`${command} ${args.join(' ')} failed (exit ${out.status}): ${out.stderr.trim()}`);
  return out.stdout;
}

/** Writes the script, submits it, returns the array job's id and the script's path. */
export function submitWorkers(options: SlurmSubmitOptions): { jobId: string; script: string } {
  mkdirSync(options.scriptDir, { recursive: true });
  const script = join(resolve(options.scriptDir), `evobox-workers-${Date.now()}.sbatch`);
  writeFileSync(script, slurmScript(options), { mode: 0o755 });
  const { password } = splitPassword(options.redis);
  const env = password ? { ...process.env, EVOBOX_REDIS_PASSWORD: password } : process.env;
  const stdout = run('sbatch', ['--parsable', ...(options.sbatchArgs ?? []), script], env);
  const jobId = stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId))
    throw new SlurmError(`sbatch answered ${JSON.stringify(stdout.trim())}, not a job id`);
  return { jobId, script };
}

export interface SlurmTask {
  id: string;
  state: string;
  time: string;
  where: string;
}

/** The tasks of an array job (or of every evobox-worker job of this user). */
export function workerStatus(jobId?: string): SlurmTask[] {
  const args = ['-h', '-r', '-o', '%i|%T|%M|%R'];
  args.push(...(jobId ? ['-j', jobId] : ['--name=evobox-worker', '--me']));
  return run('squeue', args)
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [id, state, time, where] = line.split('|');
      return { id, state, time, where };
    });
}

export function cancelWorkers(jobId?: string): void {
  run('scancel', jobId ? [jobId] : ['--name=evobox-worker', '--me']);
}
