/**
 * The `evobox train` problem file: `data`, `model`, `blackBox`, `trainer`, `budget`.
 * Validated with zod, unknown fields rejected, every error naming its field
 * (`model.hidden[0]: expected an integer ≥ 1`). Relative paths resolve against the file's folder.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { activations } from '../../train/mlp';
import { trainerIds } from '../../train/trainers/registry';
import { ExecutorConfigError, parseExecutorConfig, type ExecutorConfig } from '../executors/index';

export class TrainProblemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainProblemError';
  }
}

const columnName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_.-]*$/,
    'expected a name of letters, digits, _ . - (not starting with a digit)',
  );
const finite = z.number().refine(Number.isFinite, 'expected a finite number');

const output = z.union([
  columnName,
  z.object({ name: columnName, offset: finite.default(0), scale: finite.default(1) }).strict(),
]);

const commandBlackBox = z
  .object({
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    protocol: z.enum(['line', 'json-stdin', 'args']).default('line'),
    timeoutSeconds: z.number().positive().optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** A minibatch per request, `{"id", "batch": [params…]}` → `{"y": [[…], …]}` (line, json-stdin). */
    batch: z.boolean().optional(),
    /** Items per batched request (implies `batch`); default: the call split evenly over the workers. */
    batchSize: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((b) => !(b.batch || b.batchSize !== undefined) || b.protocol !== 'args', {
    message: 'a batched black box needs protocol "line" or "json-stdin" (args has no place for a batch)',
    path: ['batch'],
  });

const moduleBlackBox = z
  .object({
    module: z.string().min(1),
    export: z.string().min(1).default('evaluate'),
    /** An exported ∂F/∂o, for the `oracle` reference trainer only. */
    gradient: z.string().min(1).optional(),
    timeoutSeconds: z.number().positive().optional(),
  })
  .strict();

const trainProblemFile = z
  .object({
    name: z.string().min(1).default('train'),
    /** One line for the GUI's examples list. */
    description: z.string().optional(),
    data: z
      .object({
        file: z.string().min(1),
        inputs: z.array(columnName).min(1),
        targets: z.array(columnName).min(1),
        validation: z
          .union([
            z.object({ fraction: z.number().gt(0).lt(1) }).strict(),
            z.object({ file: z.string().min(1) }).strict(),
          ])
          .default({ fraction: 0.2 }),
      })
      .strict(),
    model: z
      .object({
        hidden: z.array(z.number().int().min(1)).default([16]),
        activation: z.enum(activations).default('tanh'),
        outputs: z.array(output).min(1),
      })
      .strict(),
    blackBox: z.union([commandBlackBox, moduleBlackBox]),
    trainer: z
      .object({
        name: z.enum(trainerIds),
        batchSize: z.number().int().min(1).default(32),
        options: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
      })
      .strict(),
    budget: z
      .object({ steps: z.number().int().min(1).optional(), fCalls: z.number().int().min(1).optional() })
      .strict()
      .refine(
        (b) => b.steps !== undefined || b.fCalls !== undefined,
        'expected "steps" or "fCalls" (or both)',
      ),
    validateEvery: z.number().int().min(1).default(10),
    checkpointEvery: z.number().int().min(1).default(10),
    seed: z.number().int().min(0).default(0),
    workers: z.number().int().min(1).default(1),
    /** Where F runs, as in an optimisation problem file: {"kind": "local"} (default) or {"kind": "bullmq", …}. */
    executor: z.object({ kind: z.string() }).passthrough().optional(),
  })
  .strict();

export type TrainProblemInput = z.input<typeof trainProblemFile>;
type Parsed = z.infer<typeof trainProblemFile>;

export type CommandBlackBox = z.infer<typeof commandBlackBox>;
export type ModuleBlackBox = z.infer<typeof moduleBlackBox>;
export type BlackBoxConfig = CommandBlackBox | ModuleBlackBox;

export interface OutputSpec {
  name: string;
  offset: number;
  scale: number;
}

export type TrainProblem = Omit<Parsed, 'model' | 'executor'> & {
  executor?: ExecutorConfig;
  model: Omit<Parsed['model'], 'outputs'> & { outputs: OutputSpec[] };
  /** The folder relative paths resolved against. */
  baseDir: string;
};

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = fieldPath(issue.path);
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown field`).join('\n');
      return `${path || '(problem)'}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('\n');
}

function resolveCommand(command: string, baseDir: string): string {
  if (command.includes('/')) return isAbsolute(command) ? command : resolve(baseDir, command);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // keep looking along PATH
    }
  }
  throw new TrainProblemError(`blackBox.command: ${JSON.stringify(command)} was not found on PATH`);
}

function mustExist(path: string, field: string): void {
  try {
    statSync(path);
  } catch {
    throw new TrainProblemError(`${field}: ${path} does not exist`);
  }
}

/** Validates a parsed problem object; paths resolve against baseDir. */
export function parseTrainProblem(json: unknown, baseDir: string): TrainProblem {
  const result = trainProblemFile.safeParse(json);
  if (!result.success) throw new TrainProblemError(describe(result.error));
  const p = result.data;
  const outputs = p.model.outputs.map((o) => (typeof o === 'string' ? { name: o, offset: 0, scale: 1 } : o));
  const names = [...p.data.inputs, ...outputs.map((o) => o.name)];
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      throw new TrainProblemError(
        `model.outputs: "${name}" is also an input column; F receives inputs and outputs as named parameters, so names must differ`,
      );
  });
  const file = resolve(baseDir, p.data.file);
  mustExist(file, 'data.file');
  const validation =
    'file' in p.data.validation ? { file: resolve(baseDir, p.data.validation.file) } : p.data.validation;
  if ('file' in validation) mustExist(validation.file, 'data.validation.file');
  let blackBox: BlackBoxConfig;
  if ('command' in p.blackBox) {
    const command = resolveCommand(p.blackBox.command, baseDir);
    mustExist(command, 'blackBox.command');
    try {
      accessSync(command, constants.X_OK);
    } catch {
      throw new TrainProblemError(`blackBox.command: ${command} is not executable (chmod +x it)`);
    }
    blackBox = { ...p.blackBox, command };
  } else {
    const module = resolve(baseDir, p.blackBox.module);
    mustExist(module, 'blackBox.module');
    blackBox = { ...p.blackBox, module };
  }
  if (p.trainer.name === 'oracle' && !('module' in blackBox && blackBox.gradient))
    throw new TrainProblemError(
      'trainer.name: "oracle" needs a module black box that exports its gradient (blackBox.gradient)',
    );
  let executor: ExecutorConfig | undefined;
  if (p.executor !== undefined) {
    try {
      executor = parseExecutorConfig(p.executor);
    } catch (error) {
      if (error instanceof ExecutorConfigError) throw new TrainProblemError(error.message);
      throw error;
    }
    if ('module' in blackBox && blackBox.gradient && executor.kind !== 'local' && p.trainer.name === 'oracle')
      throw new TrainProblemError(
        'executor: the oracle trainer calls its gradient in-process; use {"kind": "local"}',
      );
  }
  return {
    ...p,
    ...(executor ? { executor } : {}),
    data: { ...p.data, file, validation },
    model: { ...p.model, outputs },
    blackBox,
    baseDir,
  };
}

export function loadTrainProblem(path: string): TrainProblem {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TrainProblemError(`cannot read problem file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TrainProblemError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseTrainProblem(json, dirname(resolve(path)));
}
