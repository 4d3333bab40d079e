/**
 * `evobox predict model.json data.csv > predictions.csv`: the command's arguments; what it does
 * (predict-csv.ts, the model and data readers) is loaded when it runs.
 */
import type { Command } from 'commander';

export function registerPredict(program: Command, setExit: (code: number) => void): void {
  program
    .command('predict')
    .description('a trained model’s outputs for each row of a data file, as CSV on stdout')
    .argument('<model>', 'model.json from a training run folder')
    .argument('<data>', 'CSV (or .jsonl) with the model’s input columns')
    .action(async (modelPath: string, dataPath: string) => {
      const { predictCsv, TrainDataError } = await import('./predict-csv');
      try {
        process.stdout.write(predictCsv(modelPath, dataPath));
        setExit(0);
      } catch (error) {
        process.stderr.write(`evobox: ${(error as Error).message}\n`);
        setExit(error instanceof TrainDataError ? 2 : 1);
      }
    });
}
