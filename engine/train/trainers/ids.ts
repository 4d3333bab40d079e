/**
 * The ids of the trainers in registry.ts, as plain data: what the CLI's help needs without
 * loading the trainers (registry.ts checks that it has exactly these).
 */
export const trainerIds = ['fd-backprop', 'surrogate', 'reinforce', 'es', 'oracle'] as const;

export type TrainerId = (typeof trainerIds)[number];
