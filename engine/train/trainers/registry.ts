/**
 * Every trainer `evobox train` knows, by id: one file each in this folder, one line here.
 * The four black-box trainers are the answers of seed 000; `oracle` is the reference.
 */
import type { OptionValue } from '../../core/strategy';
import type { Trainer } from '../trainer';
import { es } from './es';
import { fdBackprop } from './fd-backprop';
import { oracle } from './oracle';
import { reinforce } from './reinforce';
import { surrogate } from './surrogate';
import { trainerIds, type TrainerId } from './ids';

export { trainerIds, type TrainerId };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own state/options types
type AnyTrainer = Trainer<any, any>;

/** One entry per id in ids.ts, in its order (a missing or extra entry does not compile). */
export const trainers = {
  'fd-backprop': fdBackprop,
  surrogate,
  reinforce,
  es,
  oracle,
} satisfies Record<TrainerId, AnyTrainer>;

export function getTrainer(id: string): Trainer<unknown, Record<string, OptionValue>> {
  const trainer = (trainers as Record<string, AnyTrainer>)[id];
  if (!trainer)
    throw new Error(`trainer.name must be one of ${trainerIds.join(', ')} (got ${JSON.stringify(id)})`);
  return trainer as Trainer<unknown, Record<string, OptionValue>>;
}
