/**
 * Pure helpers of the training workbench's form: the model's hidden sizes as typed, the
 * weight count the trainer options' dimension-dependent defaults need, and the points the
 * prediction and residual plots draw.
 */

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
