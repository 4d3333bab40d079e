/**
 * `evobox train <problem>`: train a model through a black box (see engine/node/train). Only
 * the command's flags live here; what it does (train-commands.ts, the trainers) is loaded when
 * it runs, so `evobox run` and `--help` do not load it.
 */
import type { Command } from 'commander';
import { trainerIds } from '../../train/trainers/ids';
import { collectOption, executorFlag, nonNegativeInteger, positiveInteger } from './flags';
import type { TrainFlags } from './train-commands';

/** `evobox resume <runDir>` for a training run folder (main.ts dispatches here). */
export async function resumeTrainCommand(
  runDir: string,
  flags: { json?: boolean; progress?: boolean },
): Promise<number> {
  return (await import('./train-commands')).resumeTrainCommand(runDir, flags);
}

export function registerTrain(program: Command, setExit: (code: number) => void): void {
  program
    .command('train')
    .description(
      'train a model through a black box F(x, o): data, model, black box and trainer from a problem file',
    )
    .argument('<problem>', 'training problem file (JSON with data, model, blackBox, trainer, budget)')
    .option('--trainer <id>', `trainer: ${trainerIds.join(', ')}`)
    .option('--option <name=value>', 'trainer option, repeatable', collectOption, {})
    .option('--steps <n>', 'step budget', positiveInteger('--steps'))
    .option('--f-calls <n>', 'budget of training calls of F', positiveInteger('--f-calls'))
    .option('--seed <n>', 'random seed', nonNegativeInteger('--seed'))
    .option(
      '--executor <kind|url>',
      "where F runs: local, bullmq, or redis://host:port for the bullmq executor (default: the problem's executor, else local)",
      executorFlag,
    )
    .option('--out <dir>', 'run folder to create (default runs/<time>-<name>)')
    .option('--runs-dir <dir>', 'parent folder for run folders', 'runs')
    .option('--json', 'print one JSON object with the result on stdout')
    .option('--no-progress', 'no progress bar')
    .action(async (problem: string, flags: TrainFlags) =>
      setExit(await (await import('./train-commands')).trainCommand(problem, flags)),
    );
}
