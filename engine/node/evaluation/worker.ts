/**
 * The piscina worker: one per thread. It builds its objective runner on first use and keeps
 * it for the thread's life — a JS module stays imported, a `line` process stays running.
 */
import { workerData } from 'piscina';
import { receiveInit } from './init-channel';
import { createObjectiveRunner, type ObjectiveRunner, type RunnerSettings } from './objective-runner';
import { jobUnpacker, type PackedJobs } from './packed-jobs';
import { isModuleObjective, type EvaluationJob, type EvaluationResult, type ObjectiveConfig } from './types';
import { WorkerControl } from './worker-control';

/** What a thread runs: the objective and the runner's settings. */
export interface WorkerInit {
  objective: ObjectiveConfig;
  settings: RunnerSettings;
}

/**
 * A thread's piscina workerData: the pool's control block, and its init — given, or to be
 * received over the named channel when the threads started before the objective was known
 * (warm-pool.ts).
 */
export type WorkerData = { control: SharedArrayBuffer } & ({ init: WorkerInit } | { initChannel: string });

export type WorkerTask =
  | { kind: 'evaluate'; jobs: EvaluationJob[] }
  | ({ kind: 'evaluate-packed' } & PackedJobs)
  | { kind: 'shutdown'; threads: number };

const data = workerData as WorkerData;
const control = new WorkerControl(data.control);
const workerId = control.claimWorkerId();
let runner: ObjectiveRunner | undefined;
let init!: WorkerInit;
let unpack!: ReturnType<typeof jobUnpacker>;
const start = (given: WorkerInit) => {
  init = given;
  unpack = jobUnpacker(given.settings.parameterNames);
};
// A thread started before its objective was known (warm-pool.ts) receives it; tasks wait for it.
// (Not a top-level await: under tsx, piscina loads this file through require.)
let waiting: Promise<void> | undefined;
if ('init' in data) start(data.init);
else waiting = receiveInit<WorkerInit>(data.initChannel).then(start);

function getRunner(): ObjectiveRunner {
  runner ??= createObjectiveRunner(init.objective, init.settings, workerId, {
    onSpawn: (pid) => control.setPid(workerId, pid),
    isClosing: () => control.isClosing(),
    onModuleJob: (index) => control.setBusy(workerId, index),
  });
  return runner;
}

export default async function handle(task: WorkerTask): Promise<EvaluationResult[] | null> {
  if (waiting) {
    await waiting;
    waiting = undefined;
  }
  if (task.kind === 'evaluate') return getRunner().evaluate(task.jobs);
  if (task.kind === 'evaluate-packed') {
    if (!isModuleObjective(init.objective)) return getRunner().evaluate(unpack(task));
    // A module is called once per job anyway: build each params object just before its call,
    // so one is alive at a time instead of the chunk's (n = 10 000, 31 jobs: 31 dictionaries of
    // ≈ 0.4 MB that outlived the young generation; 102 → 72 ms of CPU a generation).
    // A module that takes a vector gets the chunk's values and no params object at all.
    const job = init.objective.input === 'vector' ? unpack.withValues : unpack.one;
    const results: EvaluationResult[] = [];
    for (let j = 0; j < task.indices.length; j++)
      results.push(...(await getRunner().evaluate([job(task, j)])));
    return results;
  }
  await runner?.close();
  runner = undefined;
  control.arriveAndWait(task.threads, 5000);
  return null;
}
