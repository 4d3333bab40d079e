/**
 * `evobox probe`: evaluates the problem's start point once and reports what evobox made of
 * the program's answer — the parsed value, timing, stderr tail — so a problem can be
 * checked before a long run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchSpace } from '../../core/search-space';
import { substitute } from '../evaluation/placeholders';
import { createEvaluator } from '../evaluation/pool';
import type { EvaluationResult } from '../evaluation/types';
import type { Problem } from '../problem/schema';

export interface ProbeReport {
  params: Record<string, number>;
  result: EvaluationResult;
  /** How the objective was called (command line or module / built-in name). */
  invocation: string;
  protocol: string;
}

export async function probeProblem(problem: Problem, params?: Record<string, number>): Promise<ProbeReport> {
  const space = new SearchSpace(problem.parameters, { boundary: problem.boundary });
  const point = params ?? space.toParams(space.start());
  const scratchDir = mkdtempSync(join(tmpdir(), 'evobox-probe-'));
  const evaluator = await createEvaluator(problem.objective, {
    workers: 1,
    cwd: problem.baseDir,
    scratchDir,
    seed: problem.seed,
    parameterNames: problem.parameters.map((p) => p.name),
  });
  try {
    const [result] = await evaluator.evaluate([{ index: 0, params: point }]);
    const objective = problem.objective;
    const invocation =
      'command' in objective
        ? [
            objective.command,
            ...(objective.args ?? []).map((a) =>
              substitute(a, { params: point, id: 0, workdir: '<workdir>', problemdir: problem.baseDir }),
            ),
          ].join(' ')
        : 'module' in objective
          ? `${objective.module} → ${objective.export ?? 'evaluate'}(params)`
          : `built-in ${objective.builtin}`;
    const protocol =
      'command' in objective ? objective.protocol : 'module' in objective ? 'module' : 'builtin';
    return { params: point, result, invocation, protocol };
  } finally {
    await evaluator.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
