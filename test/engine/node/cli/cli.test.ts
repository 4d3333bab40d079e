/**
 * The `evobox` command as users and scripts call it: exit codes, the `--json` shape, and
 * resume after `kill -9`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStrategies, type StrategyInfo } from '../../../../engine/core/strategy-info';
import { strategies } from '../../../../engine/strategies/registry';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');
const fixtures = join(root, 'test/fixtures/runs');

function evobox(args: string[], cwd = root) {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const scratch = scratchDirectories('evobox-cli-');

describe('evobox CLI', () => {
  it('runs a problem and prints exactly one JSON object with --json', () => {
    const out = join(scratch(), 'run');
    const { code, stdout } = evobox([
      'run',
      join(fixtures, 'line.problem.json'),
      '--json',
      '--out',
      out,
      '--budget',
      '60',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(Object.keys(result).sort()).toEqual([
      'best',
      'evaluations',
      'failedEvaluations',
      'runDir',
      'stopReason',
    ]);
    expect(result).toMatchObject({
      runDir: out,
      evaluations: 60,
      failedEvaluations: 0,
      stopReason: 'budget-evaluations',
    });
    expect(Object.keys(result.best.params)).toEqual(['x', 'y', 'n']);
    expect(typeof result.best.fitness).toBe('number');

    const json = JSON.parse(evobox(['export', out, '--format', 'json']).stdout);
    expect(json.fitness).toBe(result.best.fitness);
    const csv = evobox(['export', out, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe('index,generation,x,y,n,fitness,ms,worker,error');
    expect(csv).toHaveLength(61);
    const cli = evobox(['export', out, '--format', 'cli']).stdout;
    expect(cli).toContain('quadratic-line.py');
    expect(cli).toContain(`"x":${result.best.params.x}`);
  });

  it('exits 2 naming the field for an invalid problem file or flag', () => {
    const dir = scratch();
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'b',
        objective: { builtin: 'sphere' },
        parameters: [{ name: 'x', lower: 1, upper: 0 }],
      }),
    );
    const invalid = evobox(['run', bad, '--json']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('parameters[0] (x).lower must be < upper');
    expect(invalid.stdout).toBe('');

    const flag = evobox(['run', join(fixtures, 'line.problem.json'), '--workers', 'many']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--workers expects a positive integer');

    const option = evobox(['run', join(fixtures, 'line.problem.json'), '--option', 'populationSize=1']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('strategy.options.populationSize must be ≥ 2');

    const strategy = evobox(['run', join(fixtures, 'line.problem.json'), '--strategy', 'nope']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain('strategy.name must be one of');
  });

  it('exits 1 with a clear message when every evaluation fails', () => {
    const { code, stdout, stderr } = evobox([
      'run',
      join(fixtures, 'always-fails.problem.json'),
      '--json',
      '--runs-dir',
      scratch(),
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).stopReason).toBe('too-many-failures');
    expect(stderr).toContain('evobox probe');
  });

  it('lists strategies with options, defaults and descriptions', () => {
    const { code, stdout } = evobox(['strategies', '--json']);
    expect(code).toBe(0);
    // The shape of the backend's strategies:list (one serialisation, engine/core/strategy-info.ts).
    const list = JSON.parse(stdout) as StrategyInfo[];
    expect(list).toEqual(describeStrategies(strategies, 10));
    const population = list.find((s) => s.id === 'cma-es')!.options.find((o) => o.name === 'populationSize')!;
    expect(population.default).toBe(10);
    expect(population.description.length).toBeGreaterThan(5);
  });

  it('probes the start point', () => {
    const { code, stdout } = evobox(['probe', join(fixtures, 'line.problem.json')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/fitness:\s+\d/);
    expect(stdout).toContain('protocol:   line');
  });

  it('resumes after kill -9 and ends as the uninterrupted run does', async () => {
    const problem = join(fixtures, 'slow.problem.json');
    const reference = JSON.parse(evobox(['run', problem, '--json', '--out', join(scratch(), 'ref')]).stdout);

    const out = join(scratch(), 'killed');
    const child = spawn(process.execPath, [bin, 'run', problem, '--json', '--out', out], {
      cwd: root,
      stdio: 'ignore',
    });
    const journal = join(out, 'journal.jsonl');
    await new Promise<void>((done, fail) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length : 0;
        if (lines > 300 && existsSync(join(out, 'checkpoint.json'))) {
          clearInterval(timer);
          child.kill('SIGKILL');
          done();
        } else if (Date.now() - started > 60_000) {
          clearInterval(timer);
          fail(new Error('run did not progress'));
        }
      }, 20);
    });
    await new Promise((done) => child.once('exit', done));
    expect(existsSync(join(out, 'result.json'))).toBe(false); // it really was cut off

    const resumed = evobox(['resume', out, '--json']);
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.evaluations).toBe(reference.evaluations);
    expect(result.best.fitness).toBe(reference.best.fitness);
    expect(result.stopReason).toBe(reference.stopReason);
    const indices = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).index as number);
    expect(new Set(indices).size).toBe(indices.length); // nothing evaluated twice
    expect(indices.length).toBe(reference.evaluations);
  });
});
