/**
 * Worker-thread entry of the strategy comparison: runs the tasks it is sent, one at a time,
 * and posts each outcome back (see strategies-pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { runOne, type RunTask } from './strategies-runs';

parentPort?.on('message', (task: RunTask) => {
  parentPort?.postMessage(runOne(task));
});
