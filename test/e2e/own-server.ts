/**
 * A browser-mode server of a spec's own (test/e2e/live-server.ts): for specs that start,
 * stop and kill it, and for specs that leave runs behind, so the shared test server's
 * History stays as the other specs expect it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { repoRoot } from './env';

export interface LiveServer {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts test/e2e/live-server.ts and waits for the URL it prints. */
export async function startLiveServer(env: NodeJS.ProcessEnv): Promise<LiveServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/e2e/live-server.ts')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await expect
    .poll(() => {
      if (child.exitCode !== null) throw new Error(`live server exited: ${stderr}`);
      return /evobox UI: (\S+)/.test(stdout);
    })
    .toBe(true);
  const url = /evobox UI: (\S+)/.exec(stdout)![1];
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGCONT');
      child.kill('SIGTERM');
    });
  return { child, url, stop };
}
