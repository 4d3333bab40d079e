/**
 * Parsers of command-line values shared by the commands: each throws commander's
 * InvalidArgumentError naming the flag, which the CLI turns into exit code 2.
 */
import { InvalidArgumentError } from 'commander';
import { executorFromFlag, type ExecutorConfig } from '../executors/index';

export function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} expects a positive integer (got ${JSON.stringify(value)})`);
    return n;
  };
}

export function nonNegativeInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${flag} expects a non-negative integer (got ${JSON.stringify(value)})`);
    return n;
  };
}

/** `--executor <kind|url>`: executorFromFlag's config, its message on a bad value. */
export function executorFlag(value: string): ExecutorConfig {
  try {
    return executorFromFlag(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function finiteNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n))
      throw new InvalidArgumentError(`${flag} expects a number (got ${JSON.stringify(value)})`);
    return n;
  };
}

/** `--option name=value` (repeatable): numbers and booleans parsed, anything else kept as text. */
export function collectOption(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError(`--option expects name=value (got ${JSON.stringify(value)})`);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  if (raw === 'true' || raw === 'false') parsed = raw === 'true';
  else if (raw.trim() !== '' && Number.isFinite(Number(raw))) parsed = Number(raw);
  return { ...previous, [value.slice(0, eq)]: parsed };
}
