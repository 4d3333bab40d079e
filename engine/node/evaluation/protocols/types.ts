/**
 * What a protocol is on the Node side: its catalog entry (id, title, summary, dispatch), the
 * checks that only it needs, and the session that talks to the program. A session is built
 * once per worker (thread or calling thread) and lives as long as the worker; per-evaluation
 * protocols start a process per job inside it, per-worker-session ones keep one running.
 */
import type { ProtocolDescriptor, ProtocolId } from '../../../problem/protocols';
import type { ExecutableSetup } from '../executable-setup';
import type { ScratchSpace } from '../scratch';
import type { EvaluationJob, EvaluationResult, EvaluatorOptions, ExecutableObjectiveConfig } from '../types';

/** What a session gets from the worker that owns it. */
export interface SessionContext {
  setup: ExecutableSetup;
  scratch: ScratchSpace;
  keepScratch: NonNullable<EvaluatorOptions['keepScratch']>;
  worker: number;
  /** Tells the pool which process is running, so `close()` can kill it. */
  onSpawn?: (pid: number | undefined) => void;
  /** True once the evaluator is closing: no new processes are started. */
  isClosing?: () => boolean;
}

export interface ProtocolSession {
  /** Results in job order. */
  evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]>;
  close(): Promise<void>;
}

/** What the shared setup has worked out when a protocol checks an objective. */
export interface ProtocolCheck {
  args: readonly string[];
  parameterNames: readonly string[];
  /** Each evaluation gets its own scratch directory (templates or `{workdir}`). */
  needsWorkdir: boolean;
}

export interface Protocol extends ProtocolDescriptor {
  id: ProtocolId;
  /** Throws a field-named error when the objective cannot work with this protocol. */
  validate(objective: ExecutableObjectiveConfig, check: ProtocolCheck): void;
  createSession(context: SessionContext): ProtocolSession;
}

/** A protocol's implementation; the descriptor comes from the pure catalog. */
export type ProtocolImplementation = Pick<Protocol, 'validate' | 'createSession'>;
