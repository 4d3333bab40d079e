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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own state/options types
type AnyTrainer = Trainer<any, any>;

export const trainers = {
  'fd-backprop': fdBackprop,
  surrogate,
  reinforce,
  es,
  oracle,
} satisfies Record<string, AnyTrainer>;

export type TrainerId = keyof typeof trainers;
export const trainerIds = Object.keys(trainers) as [TrainerId, ...TrainerId[]];

export function getTrainer(id: string): Trainer<unknown, Record<string, OptionValue>> {
  const trainer = (trainers as Record<string, AnyTrainer>)[id];
  if (!trainer)
    throw new Error(`trainer.name must be one of ${trainerIds.join(', ')} (got ${JSON.stringify(id)})`);
  return trainer as Trainer<unknown, Record<string, OptionValue>>;
}
