/**
 * The journal record of one evaluated candidate. Its `params` is the candidate's own object,
 * built on first read (a JSON journal line, a failure's event, a replay read it; a binary
 * params.f64 row does not), through a getter on the prototype: an object literal with a getter
 * costs a closure and an accessor per evaluation, about a third of what the run loop allocated
 * per evaluation at n = 100. `toJSON` writes the line the literal wrote, in its key order.
 */
import type { Candidate } from '../../core/optimizer';
import type { EvaluationResult } from '../evaluation/types';
import type { JournalRecord } from './folder/journal';

export class EvaluatedRecord implements JournalRecord {
  readonly index: number;
  readonly generation: number;
  readonly fitness: number | null;
  readonly ms: number;
  readonly worker: number;
  declare readonly extras?: Record<string, unknown>;
  declare readonly error?: string;
  declare readonly stderrTail?: string;
  declare readonly host?: string;
  declare readonly stdoutTail?: string;
  readonly #candidate: Candidate;

  constructor(candidate: Candidate, result: EvaluationResult) {
    this.index = candidate.index;
    this.generation = candidate.generation;
    this.fitness = result.fitness;
    this.ms = Math.round(result.ms * 1000) / 1000;
    this.worker = result.worker;
    // Only what the result has, in this order: the line's keys after `worker`.
    if (result.extras && Object.keys(result.extras).length) this.extras = result.extras;
    if (result.error) this.error = result.error;
    if (result.stderrTail) this.stderrTail = result.stderrTail;
    if (result.host) this.host = result.host;
    if (result.stdoutTail) this.stdoutTail = result.stdoutTail;
    this.#candidate = candidate;
  }

  get params(): Record<string, number> {
    return this.#candidate.params;
  }

  toJSON(): Record<string, unknown> {
    const { index, generation, params, ...rest } = { ...this, params: this.params };
    return { index, generation, params, ...rest };
  }
}
