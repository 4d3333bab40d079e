/**
 * Standalone inference code for a trained model, with no dependencies: a `.mjs` for Node or
 * a browser and a `.py` for Python 3 (standard library only). Each embeds the model and
 * computes what `predictWithModel` (engine/train/model-file.ts) computes; run as a script,
 * each reads a CSV with the input columns and writes the predictions as CSV.
 */
import type { ModelFile } from '../../train/model-file';

export function modelModuleJs(model: ModelFile): string {
  return `// Trained by evobox (${model.trainer}, step ${model.step}). No dependencies.
// import { predict } from './model.mjs'; predict({ ${model.inputs.map((n) => `${n}: 0`).join(', ')} })
// node model.mjs data.csv > predictions.csv
export const model = ${JSON.stringify(model)};

function activate(v) {
  return model.activation === 'tanh' ? Math.tanh(v) : model.activation === 'relu' ? Math.max(0, v) : v;
}

/** The outputs for one row: an object of input values by name (or an array in model.inputs order). */
export function predict(row) {
  let values = model.inputs.map((name, i) => ((Array.isArray(row) ? row[i] : row[name]) - model.inputMean[i]) / model.inputStd[i]);
  model.layers.forEach((layer, l) => {
    const last = l === model.layers.length - 1;
    values = layer.weights.map((weights, r) => {
      let sum = layer.bias[r];
      for (let c = 0; c < weights.length; c++) sum += weights[c] * values[c];
      return last ? sum : activate(sum);
    });
  });
  return Object.fromEntries(model.outputs.map((o, j) => [o.name, o.offset + o.scale * values[j]]));
}

async function main(file) {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(file, 'utf8').split(/\\r?\\n/).filter((line) => line.trim() !== '');
  const header = lines[0].split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
  const out = [[...model.inputs, ...model.outputs.map((o) => o.name)].join(',')];
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((s) => s.trim());
    const row = Object.fromEntries(header.map((name, c) => [name, Number(cells[c])]));
    const o = predict(row);
    out.push([...model.inputs.map((n) => row[n]), ...model.outputs.map((p) => o[p.name])].map(String).join(','));
  }
  process.stdout.write(out.join('\\n') + '\\n');
}

if (typeof process !== 'undefined' && process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]);
}
`;
}

export function modelModulePy(model: ModelFile): string {
  return `#!/usr/bin/env python3
"""Trained by evobox (${model.trainer}, step ${model.step}). Standard library only.

from model import predict; predict({${model.inputs.map((n) => `"${n}": 0.0`).join(', ')}})
python3 model.py data.csv > predictions.csv
"""
import csv
import json
import math
import sys

MODEL = json.loads(${JSON.stringify(JSON.stringify(model))})


def _activate(v):
    if MODEL["activation"] == "tanh":
        return math.tanh(v)
    if MODEL["activation"] == "relu":
        return max(0.0, v)
    return v


def predict(row):
    """The outputs for one row: a dict of input values by name (or a list in MODEL["inputs"] order)."""
    names = MODEL["inputs"]
    raw = [row[i] if isinstance(row, (list, tuple)) else row[n] for i, n in enumerate(names)]
    values = [(float(v) - m) / s for v, m, s in zip(raw, MODEL["inputMean"], MODEL["inputStd"])]
    layers = MODEL["layers"]
    for l, layer in enumerate(layers):
        last = l == len(layers) - 1
        out = []
        for weights, bias in zip(layer["weights"], layer["bias"]):
            total = bias
            for w, v in zip(weights, values):
                total += w * v
            out.append(total if last else _activate(total))
        values = out
    return {o["name"]: o["offset"] + o["scale"] * z for o, z in zip(MODEL["outputs"], values)}


def main(path):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle, skipinitialspace=True)
        outputs = [o["name"] for o in MODEL["outputs"]]
        print(",".join(MODEL["inputs"] + outputs))
        for record in reader:
            row = {n: float(record[n]) for n in MODEL["inputs"]}
            o = predict(row)
            print(",".join(repr(v) for v in [row[n] for n in MODEL["inputs"]] + [o[n] for n in outputs]))


if __name__ == "__main__":
    main(sys.argv[1])
`;
}
