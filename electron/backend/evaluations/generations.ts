/** runs:generations: the run folder's per-generation log, from a byte offset on (read-only). */
import { join } from 'node:path';
import type { GenerationLog } from '../../ipc-contract';
import { generationLogFile, readGenerationLog } from '../../../engine/node/run/generation-log';

/** Bytes per answer at most; the renderer asks again from `next` until it has caught up. */
const maxBytesPerAnswer = 8 << 20;

export function readGenerations(runDir: string, from: number): GenerationLog {
  return readGenerationLog(join(runDir, generationLogFile), from, maxBytesPerAnswer);
}
