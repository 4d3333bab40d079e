/**
 * `evobox predict model.json data.csv > predictions.csv`: the trained model's outputs for
 * every row of a data file (CSV or JSON lines with the model's input columns). Prints the
 * input columns and the outputs as CSV, numbers in their shortest round-trip form — the
 * same text the exported model.mjs and model.py print.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkModelFile, predictWithModel } from '../../train/model-file';
import { numericColumns, readTable, TrainDataError } from '../train/data';

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

export function registerPredict(program: Command, setExit: (code: number) => void): void {
  program
    .command('predict')
    .description('a trained model’s outputs for each row of a data file, as CSV on stdout')
    .argument('<model>', 'model.json from a training run folder')
    .argument('<data>', 'CSV (or .jsonl) with the model’s input columns')
    .action((modelPath: string, dataPath: string) => {
      try {
        process.stdout.write(predictCsv(modelPath, dataPath));
        setExit(0);
      } catch (error) {
        process.stderr.write(`evobox: ${(error as Error).message}\n`);
        setExit(error instanceof TrainDataError ? 2 : 1);
      }
    });
}
