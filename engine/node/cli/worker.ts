/**
 * `evobox worker --redis redis://host:6379/0`: evaluates jobs of runs whose executor is
 * `bullmq`, on this machine. Outbound connections only. SIGTERM / Ctrl-C once: finish the
 * running jobs and take no new ones; twice: end them now and hand them back to the queue.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { defaultQueue, parsePathMap, redisOptions, type PathMapping } from '../executors/bullmq-protocol';

interface WorkerFlags {
  redis: string;
  queue: string;
  concurrency: number;
  pathMap: PathMapping[];
  tag: string[];
  scratch?: string;
  stallSeconds: number;
  idleExit?: number;
}

function positive(flag: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(
        `${flag} expects a positive ${integer ? 'integer' : 'number'} (got ${JSON.stringify(value)})`,
      );
    return n;
  };
}

/** `--redis <url>` checked while the flags are parsed: a malformed URL is a usage error (exit 2). */
export function redisUrlFlag(flag: string) {
  return (value: string): string => {
    try {
      redisOptions(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    return value;
  };
}

export async function workerCommand(flags: WorkerFlags): Promise<number> {
  // BullMQ and ioredis load only when a worker starts (they cost ≈ 0.3 s of every start).
  const { EvoboxWorker } = await import('../executors/bullmq-worker');
  const worker = new EvoboxWorker({
    redis: flags.redis,
    queue: flags.queue,
    concurrency: flags.concurrency,
    pathMap: flags.pathMap,
    tags: flags.tag,
    scratchDir: flags.scratch,
    stallSeconds: flags.stallSeconds,
    idleExitSeconds: flags.idleExit,
  });
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    void worker.stop(signals > 1);
    if (signals === 1)
      process.stderr.write('evobox worker: finishing running jobs (signal again: hand them back now)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.start();
    await worker.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

export function registerWorkerCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('worker')
    .description('evaluate jobs of distributed runs (executor bullmq) from a Redis queue on this machine')
    .requiredOption(
      '--redis <url>',
      'Redis URL: redis://[user:password@]host:6379/0 or rediss://… (password also from EVOBOX_REDIS_PASSWORD)',
      redisUrlFlag('--redis'),
    )
    .option('--queue <name>', 'queue name (the executor\'s "queue")', defaultQueue)
    .option('--concurrency <n>', 'evaluations at once on this machine', positive('--concurrency', true), 1)
    .option(
      '--path-map <from=to>',
      "the coordinator's path prefix and where it is here, repeatable (/shared=/mnt/shared)",
      (value: string, previous: PathMapping[]) => {
        try {
          return [...previous, parsePathMap(value)];
        } catch (error) {
          throw new InvalidArgumentError((error as Error).message);
        }
      },
      [] as PathMapping[],
    )
    .option(
      '--tag <tag>',
      'take only jobs of runs with this executor tag (e.g. gpu), repeatable',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--scratch <dir>', 'folder for evaluation scratch folders (default: a temporary folder)')
    .option(
      '--stall-seconds <s>',
      'a job whose worker is unheard of this long goes back to the queue',
      positive('--stall-seconds', false),
      30,
    )
    .option(
      '--idle-exit <s>',
      'exit after this many seconds without a job (pilot jobs)',
      positive('--idle-exit', false),
    )
    .action(async (flags: WorkerFlags) => setExit(await workerCommand(flags)));
}
