/**
 * A chunk of jobs sent to a worker thread as one Float64Array of parameter values instead of
 * one params object per job: structured cloning an object costs a key string and a tagged
 * number per parameter (with 100 parameters, most of a module evaluation's time), an array of
 * doubles is one copy. The thread rebuilds each params object with the same keys, in the same
 * order, holding the same doubles, so an objective cannot tell the difference.
 */
import { paramsTemplate, type ParamValues } from '../../core/search-space';
import type { EvaluationJob } from './types';

export interface PackedJobs {
  indices: number[];
  /** Row-major: job j's value of names[i] at j·names.length + i. */
  values: Float64Array;
}

/** Whether params has exactly `names` as its keys, in that order, all numbers. */
function hasNames(params: ParamValues, names: readonly string[]): boolean {
  const keys = Object.keys(params);
  if (keys.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) {
    if (keys[i] !== names[i] || typeof params[names[i]] !== 'number') return false;
  }
  return true;
}

/**
 * The jobs packed, or null when some job carries more than index and params (a batch) or its
 * params are not exactly `names`: then the objects are sent as they are.
 */
export function packJobs(jobs: readonly EvaluationJob[], names: readonly string[]): PackedJobs | null {
  if (names.length === 0 || jobs.some((job) => job.batch !== undefined)) return null;
  const n = names.length;
  // Jobs that carry their values in `names` order (the run loop's): copied as they are, their
  // params objects never read. Otherwise the params objects must be exactly `names`.
  const fromValues = jobs.every((job) => job.values !== undefined && job.values.length === n);
  if (!fromValues && !jobs.every((job) => hasNames(job.params, names))) return null;
  const values = new Float64Array(jobs.length * n);
  jobs.forEach((job, j) => {
    if (fromValues) values.set(job.values!, j * n);
    else for (let i = 0; i < n; i++) values[j * n + i] = job.params[names[i]];
  });
  return { indices: jobs.map((job) => job.index), values };
}

/** Builds unpackers for one set of names (the template is made once per thread). */
export function jobUnpacker(names: readonly string[]): ((packed: PackedJobs) => EvaluationJob[]) & {
  /** Job j of the chunk alone, its params object built now. */
  one(packed: PackedJobs, j: number): EvaluationJob;
  withValues(packed: PackedJobs, j: number): EvaluationJob;
} {
  const template = paramsTemplate(names);
  const n = names.length;
  const one = ({ indices, values }: PackedJobs, j: number): EvaluationJob => {
    const params: ParamValues = template ? { ...template } : {};
    for (let i = 0; i < n; i++) params[names[i]] = values[j * n + i];
    return { index: indices[j], params };
  };
  /** Job j with its values (a view into the chunk) and a params object built only if read. */
  const withValues = (packed: PackedJobs, j: number): EvaluationJob => {
    let params: ParamValues | undefined;
    return {
      index: packed.indices[j],
      values: packed.values.subarray(j * n, (j + 1) * n),
      get params() {
        return (params ??= one(packed, j).params);
      },
    };
  };
  return Object.assign((packed: PackedJobs) => packed.indices.map((_, j) => one(packed, j)), {
    one,
    withValues,
  });
}
