/**
 * Channel names only, without schemas: the sandboxed preload needs the allow-list but not
 * zod. ipc-contract.ts keys its request schemas by exactly these names (checked by the
 * type system there).
 */
export const invokeChannelNames = [
  'app:info',
  'examples:list',
  'fs:list',
  'problem:open',
  'problem:from-executable',
  'problem:validate',
  'problem:save',
  'problem:probe',
  'strategies:list',
  'run:start',
  'run:control',
  'run:resume-dir',
  'runs:live',
  'run:attach',
  'runs:list',
  'runs:read',
  'run:export',
  'executor:status',
  'runs:evaluations',
  'runs:evaluation',
  'runs:evaluation-sample',
  'runs:generations',
  'dialog:open-file',
  'dialog:save-file',
  // Train a model (issue 15): electron/backend/train-service.ts
  'train:preview',
  'train:trainers',
  'train:start',
  'train:control',
  'train:read',
  'train:list',
  'train:export',
  'train:open',
] as const;

export type InvokeChannel = (typeof invokeChannelNames)[number];

export const eventChannelNames = ['run:progress', 'run:status'] as const;

export type EventChannel = (typeof eventChannelNames)[number];

/** Channels the Electron main process answers itself (native dialogs); the rest go to the engine host. */
export const electronOnlyChannels: readonly InvokeChannel[] = ['dialog:open-file', 'dialog:save-file'];

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && (invokeChannelNames as readonly string[]).includes(channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && (eventChannelNames as readonly string[]).includes(channel);
}
