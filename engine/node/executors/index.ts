/**
 * Every executor kind evobox knows, by kind. Adding one is a file in this folder and one line
 * here; the problem file's `executor` field, `--executor` and the contract test
 * (test/engine/node/executors/contract.test.ts) pick it up from this map.
 */
import type { z } from 'zod';
import { localExecutor } from './local';
import type { Executor, ExecutorKind, ExecutorRequest } from './types';

export type { Executor, ExecutorKind, ExecutorRequest } from './types';

export const executorKinds = {
  local: localExecutor,
} satisfies Record<string, ExecutorKind>;

export type ExecutorKindId = keyof typeof executorKinds;

/** The problem file's `executor` object, validated: `kind` plus that kind's own fields. */
export type ExecutorConfig = { kind: string } & Record<string, unknown>;

export const defaultExecutorConfig: ExecutorConfig = { kind: 'local' };

export class ExecutorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutorConfigError';
  }
}

const kindIds = (): string => Object.keys(executorKinds).join(', ');

function kindOf(id: unknown, field: string): ExecutorKind {
  if (typeof id !== 'string' || !Object.hasOwn(executorKinds, id)) {
    throw new ExecutorConfigError(`${field}: expected one of ${kindIds()} (got ${JSON.stringify(id)})`);
  }
  return executorKinds[id as ExecutorKindId] as ExecutorKind;
}

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].join('.');
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => `${path}.${key}: unknown field`).join('\n');
      return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('\n');
}

/** Checks an `executor` object against its kind's schema; errors name the field (`executor.kind: …`). */
export function parseExecutorConfig(raw: unknown, field = 'executor'): ExecutorConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ExecutorConfigError(`${field}: expected an object like {"kind": "local"}`);
  }
  const kind = kindOf((raw as { kind?: unknown }).kind, `${field}.kind`);
  const parsed = kind.configSchema.safeParse(raw);
  if (!parsed.success) throw new ExecutorConfigError(describeIssues(parsed.error, field));
  return parsed.data as ExecutorConfig;
}

/** `--executor <kind>`: a kind with no settings of its own. */
export function executorFromFlag(value: string): ExecutorConfig {
  kindOf(value, '--executor');
  return parseExecutorConfig({ kind: value });
}

/** Creates the executor a run asked for (the local pool when it asked for none). */
export async function createExecutor(
  config: ExecutorConfig | undefined,
  request: ExecutorRequest,
): Promise<Executor> {
  const parsed = parseExecutorConfig(config ?? defaultExecutorConfig);
  return kindOf(parsed.kind, 'executor.kind').create(parsed, request);
}
