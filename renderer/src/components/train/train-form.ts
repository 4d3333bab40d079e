/**
 * Pure helpers of the training workbench's form: the black box F as the problem carries it,
 * the model's hidden sizes as typed, the weight count the trainer options' dimension-dependent
 * defaults need, and the points the prediction and residual plots draw.
 */
import type { TrainProblemDraft } from '../../../../electron/ipc-contract';

export type BlackBoxKind = 'command' | 'module';

/** F as the form edits it: an executable and its protocol, or a JS module and its exports. */
export interface BlackBoxFields {
  kind: BlackBoxKind;
  command: string;
  protocol: string;
  batch: boolean;
  module: string;
  /** The module's export of F (blank: the engine's default, `evaluate`). */
  exportName: string;
  /** The module's export of ∂y/∂o (blank: none; the `oracle` trainer needs it). */
  gradientName: string;
}

/** The problem's `blackBox` for the form's fields (the engine checks paths and exports). */
export function blackBoxDraft(fields: BlackBoxFields): TrainProblemDraft['blackBox'] {
  if (fields.kind === 'module') {
    const exportName = fields.exportName.trim();
    const gradientName = fields.gradientName.trim();
    return {
      module: fields.module.trim(),
      ...(exportName ? { export: exportName } : {}),
      ...(gradientName ? { gradient: gradientName } : {}),
    };
  }
  return {
    command: fields.command.trim(),
    protocol: fields.protocol as 'line',
    ...(fields.batch ? { batch: true } : {}),
  };
}

/**
 * Why a trainer cannot train with this kind of F, or null. Only the kind is checked here: a
 * module without its gradient export is the engine's to report (it names the field).
 */
export function trainerProblem(
  trainer: { id: string; needsGradient: boolean } | undefined,
  kind: BlackBoxKind,
): string | null {
  if (trainer?.needsGradient && kind !== 'module')
    return `the ${trainer.id} trainer needs a JS module F with its gradient`;
  return null;
}

/** "16, 8" → [16, 8]; "" → [] (a linear model); otherwise why not. */
export function parseHidden(text: string): number[] | string {
  const parts = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const sizes: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1)
      return `expected positive integers separated by commas (got ${JSON.stringify(part)})`;
    sizes.push(n);
  }
  return sizes;
}

/** Weights and biases of an MLP inputs → hidden… → outputs. */
export function parameterCount(inputs: number, hidden: readonly number[], outputs: number): number {
  const sizes = [inputs, ...hidden, outputs];
  let count = 0;
  for (let i = 1; i < sizes.length; i++) count += (sizes[i - 1] + 1) * sizes[i];
  return count;
}

export interface ScatterPoint {
  x: number;
  y: number;
}

/** Per target column j: (target, prediction) of every validation row F answered. */
export function predictionPoints(
  targets: readonly (readonly number[])[],
  predictions: readonly (readonly number[] | null)[],
  column: number,
): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  targets.forEach((row, r) => {
    const predicted = predictions[r];
    if (predicted) out.push({ x: row[column], y: predicted[column] });
  });
  return out;
}

/** Per target column j: (target, prediction − target). */
export function residualPoints(
  targets: readonly (readonly number[])[],
  predictions: readonly (readonly number[] | null)[],
  column: number,
): ScatterPoint[] {
  return predictionPoints(targets, predictions, column).map((p) => ({ x: p.x, y: p.y - p.x }));
}
