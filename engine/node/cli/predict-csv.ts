/**
 * `evobox predict model.json data.csv > predictions.csv`: the trained model's outputs for
 * every row of a data file (CSV or JSON lines with the model's input columns). Prints the
 * input columns and the outputs as CSV, numbers in their shortest round-trip form — the
 * same text the exported model.mjs and model.py print. Loaded only by that command
 * (predict.ts registers it).
 */
import { readFileSync } from 'node:fs';
import { checkModelFile, predictWithModel } from '../../train/model-file';
import { numericColumns, readTable, TrainDataError } from '../train/data';

export { TrainDataError };

export function predictCsv(modelPath: string, dataPath: string): string {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(modelPath, 'utf8'));
  } catch (error) {
    throw new TrainDataError(`cannot read model ${modelPath}: ${(error as Error).message}`);
  }
  let model;
  try {
    model = checkModelFile(json, modelPath);
  } catch (error) {
    throw new TrainDataError((error as Error).message);
  }
  const rows = numericColumns(readTable(dataPath), model.inputs, `${modelPath} inputs`);
  const lines = [[...model.inputs, ...model.outputs.map((o) => o.name)].join(',')];
  for (const x of rows) lines.push([...x, ...predictWithModel(model, x)].map(String).join(','));
  return `${lines.join('\n')}\n`;
}
