/**
 * `evobox slurm submit|status|cancel`: `evobox worker` pilot jobs on a Slurm cluster, as one
 * `sbatch --array` job. Run on a login node; the compute nodes need outbound access to Redis.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultQueue } from '../executors/bullmq-protocol';
import { cancelWorkers, slurmScript, submitWorkers, workerStatus } from '../executors/bullmq-slurm';
import { positiveInteger } from './flags';
import { redisUrlFlag } from './worker';

interface SubmitFlags {
  redis: string;
  workers: number;
  concurrency: number;
  queue: string;
  tag: string[];
  pathMap: string[];
  partition?: string;
  time?: string;
  sbatchArg: string[];
  idleExit: number;
  stallSeconds?: number;
  dir: string;
  evobox?: string;
  dryRun?: boolean;
  json?: boolean;
}

const repeat = (value: string, previous: string[]) => [...previous, value];

/** This very evobox, started by this very node binary: what compute nodes run unless --evobox says otherwise. */
export function thisEvobox(from = fileURLToPath(import.meta.url)): string[] {
  // Found by walking up: this module runs from engine/node/cli/ (sources) and from out/node/
  // (the build), at different depths below the checkout's bin/.
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const launcher = join(dir, 'bin', 'evobox.mjs');
    if (existsSync(launcher)) return [process.execPath, launcher];
    if (dirname(dir) === dir) throw new Error(`bin/evobox.mjs not found above ${from}; pass --evobox`);
  }
}

export function registerSlurmCommand(program: Command, setExit: (code: number) => void): void {
  const slurm = program
    .command('slurm')
    .description('launch evobox workers on a Slurm cluster (pilot jobs reading the Redis queue)');

  slurm
    .command('submit')
    .description('write and submit an sbatch --array script of `evobox worker` pilot jobs; prints the job id')
    .requiredOption(
      '--redis <url>',
      'Redis URL the compute nodes can reach (its password goes via the environment)',
      redisUrlFlag('--redis'),
    )
    .requiredOption('--workers <n>', 'array tasks (one evobox worker each)', positiveInteger('--workers'))
    .option(
      '--concurrency <n>',
      'evaluations at once per worker (= --cpus-per-task)',
      positiveInteger('--concurrency'),
      1,
    )
    .option('--queue <name>', 'queue name', defaultQueue)
    .option('--tag <tag>', 'worker tag, repeatable', repeat, [] as string[])
    .option('--path-map <from=to>', 'path mapping for the workers, repeatable', repeat, [] as string[])
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'Slurm time limit per task (e.g. 4:00:00)')
    .option(
      '--sbatch-arg <arg>',
      'extra sbatch argument, repeatable (e.g. --sbatch-arg=--account=proj)',
      repeat,
      [] as string[],
    )
    .option(
      '--idle-exit <s>',
      'a worker exits after this many seconds without a job',
      positiveInteger('--idle-exit'),
      300,
    )
    .option('--stall-seconds <s>', "the workers' stall interval", positiveInteger('--stall-seconds'))
    .option('--dir <dir>', "folder for the script and the workers' output", 'slurm')
    .option('--evobox <command>', 'how a compute node starts evobox (default: this node and this evobox)')
    .option('--dry-run', 'print the script, submit nothing')
    .option('--json', 'print {"jobId", "script"} as JSON')
    .action((flags: SubmitFlags) => {
      const options = {
        redis: flags.redis,
        workers: flags.workers,
        concurrency: flags.concurrency,
        queue: flags.queue,
        tags: flags.tag,
        pathMaps: flags.pathMap,
        partition: flags.partition,
        time: flags.time,
        sbatchArgs: flags.sbatchArg,
        idleExitSeconds: flags.idleExit,
        stallSeconds: flags.stallSeconds,
        scriptDir: flags.dir,
        evobox: flags.evobox ? flags.evobox.split(/\s+/).filter(Boolean) : thisEvobox(),
      };
      if (flags.dryRun) {
        process.stdout.write(slurmScript(options));
        setExit(0);
        return;
      }
      const { jobId, script } = submitWorkers(options);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ jobId, script })}\n`
          : `${jobId}\nsubmitted ${flags.workers} evobox worker(s) as Slurm job ${jobId} (script ${script}); evobox slurm status ${jobId}\n`,
      );
      setExit(0);
    });

  slurm
    .command('status')
    .description("the worker tasks' Slurm states (all evobox-worker jobs of yours without a job id)")
    .argument('[jobId]', 'the array job id')
    .option('--json', 'as JSON')
    .action((jobId: string | undefined, flags: { json?: boolean }) => {
      const tasks = workerStatus(jobId);
      if (flags.json) process.stdout.write(`${JSON.stringify(tasks)}\n`);
      else if (tasks.length === 0) process.stdout.write('no evobox worker jobs in the Slurm queue\n');
      else
        process.stdout.write(
          `${tasks.map((t) => `${t.id}\t${t.state}\t${t.time}\t${t.where}`).join('\n')}\n`,
        );
      setExit(0);
    });

  slurm
    .command('cancel')
    .description('scancel the worker jobs (they finish their running evaluations on SIGTERM)')
    .argument('[jobId]', 'the array job id (default: all evobox-worker jobs of yours)')
    .action((jobId: string | undefined) => {
      cancelWorkers(jobId);
      process.stdout.write(`cancelled ${jobId ?? 'every evobox-worker job of yours'}\n`);
      setExit(0);
    });
}
