/**
 * End to end: what a user waits for, as whole processes timed from outside (spawn to exit),
 * against references measured in the same rounds (issue 17):
 * - start-up: `evobox --help` against a bare `node -e 0`;
 * - the run loop: `evobox run` of the 100-D built-in ellipsoid, 30 000 evaluations, journal
 *   on, minus the start-up, against the plain JSON-journal floor (bench/end-to-end-floor.mjs:
 *   the same 30 000 journal lines with JSON.stringify and one write per generation, minus
 *   `node -e 0`), and against the stricter floor whose params objects keep fast properties;
 * - the same function as a JavaScript module objective (bench/fixtures/ellipsoid-100.mjs),
 *   run − start-up, against pycma's ask-evaluate-tell loop in process (PYCMA_PATH), with
 *   bounds [−5, 5] and without;
 * - the time from spawning `evobox run` to the objective's first call.
 * Each round runs every command once, in turn; ratios are taken round by round and their
 * median is reported, so a machine shared with other work moves both sides of a ratio.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/benchmark';
import { formatRatio, median } from './lib/format';
import { checkPycma, runPycmaDriver } from './lib/pycma';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';

const root = fileURLToPath(new URL('..', import.meta.url));
const launcher = join(root, 'bin', 'evobox.mjs');
const floorScript = fileURLToPath(new URL('./end-to-end-floor.mjs', import.meta.url));
const ellipsoidModule = fileURLToPath(new URL('./fixtures/ellipsoid-100.mjs', import.meta.url));
const ellipsoidVectorModule = fileURLToPath(new URL('./fixtures/ellipsoid-100-vector.mjs', import.meta.url));
const firstEvaluationModule = fileURLToPath(new URL('./fixtures/first-evaluation.mjs', import.meta.url));

const dimension = 100;
const evaluations = 30_000;
/** CMA-ES's default population at n = 100 (4 + ⌊3 ln n⌋), as the runner's journal batches. */
const population = 4 + Math.floor(3 * Math.log(dimension));
/** Start and σ₀ in parameter units, the same for evobox (σ₀ = 0.2 of the range) and pycma. */
const start = 1;
const boundedSigma = 2;
const unboundedSigma = 0.2;

/** Wall and CPU (user + system of the process and its threads) milliseconds of one run. */
interface Timed {
  wall: number;
  cpu: number;
}

/**
 * Runs a command to its exit under `sh`, whose `times` reports the CPU time of the children it
 * waited for (POSIX; resolution one clock tick, 10 ms): on a machine shared with other work,
 * CPU time moves far less than wall time. Rejects when the command fails.
 */
function timeProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const script = '"$@" 3>&-; status=$?; times >&3; exit $status';
    const child = spawn('sh', ['-c', script, 'sh', command, ...args], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env,
      cwd: tmpdir(),
    });
    let stderr = '';
    let times = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const timesStream = child.stdio[3] as NodeJS.ReadableStream;
    timesStream.setEncoding('utf8');
    timesStream.on('data', (chunk: string) => (times += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${[command, ...args].join(' ')} exited with ${code}: ${stderr.trim()}`));
        return;
      }
      // Second line: the children's user and system time, as `0m1.230000s 0m0.040000s`.
      const children = times.trim().split('\n')[1] ?? '';
      const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (parts.length !== 2) {
        reject(
          new Error(`sh's times printed ${JSON.stringify(times)}, not the children's user and system time`),
        );
        return;
      }
      resolve({ wall, cpu: (parts[0] + parts[1]) * 1000 });
    });
  });
}

function problem(name: string, objective: Record<string, unknown>, bounded: boolean, budget: number) {
  return {
    name,
    objective,
    parameters: Array.from({ length: dimension }, (_, i) =>
      bounded ? { name: `x${i}`, lower: -5, upper: 5, init: start } : { name: `x${i}`, init: start },
    ),
    strategy: { name: 'cma-es', options: { stepSize: bounded ? boundedSigma / 10 : unboundedSigma } },
    budget: { evaluations: budget },
    seed: 1,
    workers: 1,
  };
}

async function buildIsFresh(): Promise<boolean> {
  const state = pathToFileURL(join(root, 'scripts', 'node-build-state.mjs')).href;
  const { nodeBuildIsFresh } = (await import(state)) as { nodeBuildIsFresh(root: string): boolean };
  return nodeBuildIsFresh(root);
}

interface Round {
  node: Timed;
  help: Timed;
  floor: Timed;
  strictFloor: Timed;
  builtin: Timed;
  /** One run per module case (moduleCases), by key. */
  modules: Record<ModuleKey, Timed>;
  /** Wall milliseconds from spawning `evobox run` to the objective's first call. */
  firstEvaluation: number;
  pycmaBounded: Timed | null;
  pycmaUnbounded: Timed | null;
}

async function timePycma(pycmaPath: string, bounded: boolean): Promise<Timed> {
  let timed: Timed | null = null;
  await runPycmaDriver<{ seconds: number; cpu: number; evaluations: number }>(
    pycmaPath,
    {
      mode: 'end-to-end',
      dimension,
      evaluations,
      x0: start,
      sigma0: bounded ? boundedSigma : unboundedSigma,
      bounds: bounded ? [-5, 5] : null,
    },
    (record) => {
      if (record.evaluations !== evaluations)
        throw new Error(`pycma did ${record.evaluations} evaluations, not ${evaluations}`);
      timed = { wall: record.seconds * 1000, cpu: record.cpu * 1000 };
    },
  );
  if (!timed) throw new Error('the pycma driver printed no timing');
  return timed;
}

async function oneRound(work: string, k: number, pycmaPath: string | null): Promise<Round> {
  const node = process.execPath;
  const run = async (file: string, env?: NodeJS.ProcessEnv) => {
    const out = join(work, `run-${k}-${file.replace(/\W/g, '-')}`);
    const timed = await timeProcess(
      node,
      [launcher, 'run', join(work, file), '--out', out, '--no-progress'],
      env,
    );
    rmSync(out, { recursive: true, force: true });
    return timed;
  };
  const bare = await timeProcess(node, ['-e', '0']);
  const help = await timeProcess(node, [launcher, '--help']);
  const journal = join(work, `floor-${k}.jsonl`);
  const writeFloor = async (objects: 'plain' | 'template') => {
    const args = [floorScript, journal, `${dimension}`, `${evaluations}`, `${population}`, objects];
    const timed = await timeProcess(node, args);
    rmSync(journal, { force: true });
    return timed;
  };
  const floor = await writeFloor('plain');
  const strictFloor = await writeFloor('template');
  const builtin = await run('builtin.json');
  const modules = {} as Record<ModuleKey, Timed>;
  for (const { key } of moduleCases) modules[key] = await run(`${key}.json`);
  const marker = join(work, `first-${k}.txt`);
  const spawned = Date.now();
  await run('first.json', { ...process.env, EVOBOX_BENCH_FIRST_EVALUATION: marker });
  const firstEvaluation = Number(readFileSync(marker, 'utf8')) - spawned;
  return {
    node: bare,
    help,
    floor,
    strictFloor,
    builtin,
    modules,
    firstEvaluation,
    pycmaBounded: pycmaPath ? await timePycma(pycmaPath, true) : null,
    pycmaUnbounded: pycmaPath ? await timePycma(pycmaPath, false) : null,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

type Clock = 'cpu' | 'wall';

function summarise(rounds: Round[], report: Report, pycmaNote: string): void {
  const med = (f: (r: Round) => number) => median(rounds.map(f));
  const of = (clock: Clock) => ({
    loop: (r: Round) => r.builtin[clock] - r.help[clock],
    floor: (r: Round) => r.floor[clock] - r.node[clock],
    strictFloor: (r: Round) => r.strictFloor[clock] - r.node[clock],
    module: (key: ModuleKey) => (r: Round) => r.modules[key][clock] - r.help[clock],
  });
  const withPycma = rounds.every((r) => r.pycmaBounded !== null && r.pycmaUnbounded !== null);
  const row = (
    label: string,
    value: (clock: Clock) => (r: Round) => number,
    ratio?: (clock: Clock) => string,
  ) => [
    label,
    seconds(med(value('cpu'))),
    ratio ? ratio('cpu') : '',
    seconds(med(value('wall'))),
    ratio ? ratio('wall') : '',
  ];
  const rows: (string | number)[][] = [
    row('node -e 0', (c) => (r) => r.node[c]),
    row(
      'evobox --help',
      (c) => (r) => r.help[c],
      (c) => `${formatRatio(med((r) => r.help[c] / r.node[c]))} node -e 0`,
    ),
    row('journal floor (30 000 lines, params built key by key) − node -e 0', (c) => of(c).floor),
    row('strict journal floor (params with fast properties) − node -e 0', (c) => of(c).strictFloor),
    row(
      'evobox run, built-in ellipsoid − start-up',
      (c) => of(c).loop,
      (c) =>
        `${formatRatio(med((r) => of(c).loop(r) / of(c).floor(r)))} floor, ` +
        `${formatRatio(med((r) => of(c).loop(r) / of(c).strictFloor(r)))} strict floor`,
    ),
    ...moduleCases.map(({ label, key, bounded }) =>
      row(
        `evobox run, ${label} − start-up`,
        (c) => of(c).module(key),
        withPycma
          ? (c) => `${formatRatio(med((r) => of(c).module(key)(r) / pycmaOf(r, bounded)[c]))} pycma`
          : undefined,
      ),
    ),
  ];
  if (withPycma) {
    rows.push(
      row('pycma in process, bounds', (c) => (r) => r.pycmaBounded![c]),
      row('pycma in process, no bounds', (c) => (r) => r.pycmaUnbounded![c]),
    );
  }
  const first = med((r) => r.firstEvaluation);
  rows.push([
    'first evaluation after spawn (module objective)',
    '–',
    '',
    seconds(first),
    `${formatRatio(med((r) => r.firstEvaluation / r.node.wall))} node -e 0`,
  ]);
  report.text(
    `100-D ellipsoid (condition 1e6), CMA-ES, λ = ${population}, ${evaluations} evaluations, x0 = ${start}, ` +
      `σ₀ = ${boundedSigma} with bounds [−5, 5] (${unboundedSigma} without), one worker. Whole processes: CPU ` +
      "(user + system, threads included, from sh's `times`) and wall time, median of " +
      `${rounds.length} rounds; ratios are medians of the per-round ratios. Verdicts on CPU time, which a ` +
      `shared machine moves far less than wall time; the first evaluation is a latency, judged on wall time. ${pycmaNote}`,
  );
  report.text();
  report.table(['measured', 'CPU', 'ratio (CPU)', 'wall', 'ratio (wall)'], rows);

  const helpRatio = med((r) => r.help.cpu / r.node.cpu);
  report.check(
    '`evobox --help` ≤ 4× `node -e 0`',
    formatRatio(helpRatio),
    helpRatio <= 4,
    'start-up too slow',
  );
  const cpu = of('cpu');
  const loopRatio = med((r) => cpu.loop(r) / cpu.floor(r));
  report.check(
    'run − start-up ≤ 1.5× the JSON-journal floor (goal 1.2×)',
    `${formatRatio(loopRatio)} (strict floor ${formatRatio(med((r) => cpu.loop(r) / cpu.strictFloor(r)))})`,
    loopRatio <= 1.5,
    'the run loop costs more than the journal',
  );
  report.check(
    'first evaluation ≤ 0.3 s after start',
    `${seconds(first)} (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
    first <= 300,
    'start of a run too slow',
  );
  for (const { label, key, bounded } of moduleCases) {
    const target = `${label}: run − start-up ≤ 0.2× pycma in process`;
    if (!withPycma) {
      report.target({ target, measured: '–', status: 'skipped', reason: pycmaNote });
      continue;
    }
    const ratio = med((r) => cpu.module(key)(r) / pycmaOf(r, bounded).cpu);
    report.check(target, formatRatio(ratio), ratio <= 0.2, 'slower than a fifth of pycma');
  }
}

/**
 * The module-objective runs compared with pycma: in a worker thread (the default), inline, and
 * inline taking a vector; each with bounds and without.
 */
const moduleObjectives = [
  { label: 'module objective', key: 'module', objective: { module: ellipsoidModule } },
  { label: 'module objective inline', key: 'inline', objective: { module: ellipsoidModule, inline: true } },
  {
    label: 'module objective inline taking a vector',
    key: 'vector',
    objective: { module: ellipsoidVectorModule, input: 'vector', inline: true },
  },
] as const;

const moduleCases = moduleObjectives.flatMap(({ label, key, objective }) =>
  [true, false].map((bounded) => ({
    label: `${label}, ${bounded ? 'bounds' : 'no bounds'}`,
    key: `${key}-${bounded ? 'bounded' : 'free'}` as const,
    objective,
    bounded,
  })),
);

type ModuleKey = (typeof moduleCases)[number]['key'];

const pycmaOf = (r: Round, bounded: boolean): Timed => (bounded ? r.pycmaBounded! : r.pycmaUnbounded!);

export const endToEnd: Benchmark = {
  name: 'end-to-end',
  description:
    'whole evobox processes: start-up, the run loop vs the JSON-journal floor, a module objective vs pycma, first evaluation',
  async run(settings: BenchSettings, report: Report) {
    const fresh = await buildIsFresh();
    report.text(
      fresh
        ? 'evobox ran from its build (out/node/).'
        : '**The build in out/node/ is missing or older than the sources: evobox ran through tsx. Run `npm run build:node` first.**',
    );
    const pycma = await checkPycma(settings);
    const pycmaNote = pycma.ok
      ? `pycma ${pycma.versions.pycma} (numpy ${pycma.versions.numpy}, one BLAS thread), its loop timed inside Python.`
      : `pycma not run: ${pycma.reason}.`;
    const work = mkdtempSync(join(tmpdir(), 'evobox-end-to-end-'));
    try {
      const write = (file: string, json: unknown) => writeFileSync(join(work, file), JSON.stringify(json));
      write('builtin.json', problem('ellipsoid-builtin', { builtin: 'ellipsoid' }, true, evaluations));
      for (const { key, objective, bounded } of moduleCases)
        write(`${key}.json`, problem(`ellipsoid-${key}`, objective, bounded, evaluations));
      write('first.json', {
        name: 'first-evaluation',
        objective: { module: firstEvaluationModule },
        parameters: [{ name: 'x', lower: -1, upper: 1 }],
        budget: { evaluations: 1 },
        seed: 1,
        workers: 1,
      });
      const count = settings.quick ? 1 : 3;
      const rounds: Round[] = [];
      for (let k = 0; k < count; k++) {
        rounds.push(await oneRound(work, k, pycma.ok ? settings.pycmaPath : null));
        process.stderr.write(`end-to-end: round ${k + 1} of ${count} done\n`);
      }
      summarise(rounds, report, pycmaNote);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
