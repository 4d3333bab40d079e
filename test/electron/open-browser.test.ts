/**
 * The access token never goes on a command line: `evobox serve --open` hands the browser a
 * redirect page only the user can read, and no process's argv (/proc/<pid>/cmdline, readable
 * by every local user) carries the token. The server keeps its port and token across
 * restarts in a 0600 file; an explicit --port wins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserCommand, redirectPage } from '../../electron/server/open-browser';
import { readIdentity, writeIdentity } from '../../electron/server/identity';
import { scratchDirectories } from '../scratch-directories';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin/evobox.mjs');
const scratch = scratchDirectories('evobox-open-');
const ports = [47851, 47852];

/** Every process's argv we can read, joined by spaces. */
function commandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 25));
  }
}

interface Served {
  child: ChildProcess;
  url: URL;
  stop(): Promise<void>;
}

async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await until(() => {
    if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
    return /evobox UI: (\S+)/.exec(stdout)?.[1];
  }, 'the server to print its URL');
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return { child, url: new URL(line), stop };
}

describe('opening the UI', () => {
  it('builds the browser command from $BROWSER (with or without %s) or the platform opener', () => {
    expect(browserCommand('file:///x.html', { BROWSER: 'firefox --new-tab %s:chromium' }, 'linux')).toEqual({
      command: 'firefox',
      args: ['--new-tab', 'file:///x.html'],
    });
    expect(browserCommand('file:///x.html', { BROWSER: 'chromium' }, 'linux')).toEqual({
      command: 'chromium',
      args: ['file:///x.html'],
    });
    expect(browserCommand('file:///x.html', {}, 'linux')).toEqual({
      command: 'xdg-open',
      args: ['file:///x.html'],
    });
    expect(redirectPage('http://127.0.0.1:1/?token=a"<b')).toContain(
      'url=http://127.0.0.1:1/?token=a&#34;&#60;b"',
    );
  });

  it('does not trust an identity file others can read', () => {
    const file = join(scratch(), 'state', 'server.json');
    writeIdentity(file, { token: 'a-token-of-24-characters', port: 4000 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(readIdentity(file)).toEqual({ token: 'a-token-of-24-characters', port: 4000 });
    chmodSync(file, 0o644);
    expect(readIdentity(file)).toBeNull();
  });

  it('serve --open: no argv holds the token while the browser opens; port and token survive a restart', async () => {
    const dir = scratch();
    const log = join(dir, 'browser-argv.txt');
    const fakeBrowser = join(dir, 'fake-browser.sh');
    // Records its argv and stays alive a moment, as a browser would, while /proc is scanned.
    writeFileSync(fakeBrowser, `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}"\nsleep 2\n`, { mode: 0o755 });
    const env = {
      ...process.env,
      BROWSER: fakeBrowser,
      EVOBOX_STATE_DIR: join(dir, 'state'),
      XDG_RUNTIME_DIR: join(dir, 'runtime'),
    };
    const first = await serve(['--open', '--port', String(ports[0]), '--runs-dir', join(dir, 'runs')], env);
    try {
      const token = first.url.searchParams.get('token')!;
      expect(token.length).toBeGreaterThanOrEqual(24);
      await until(() => (existsSync(log) ? true : undefined), 'the browser to start');
      const lines = commandLines();
      expect(lines.some((line) => line.includes(fakeBrowser))).toBe(true); // the scan sees it
      expect(lines.filter((line) => line.includes(token))).toEqual([]);

      // What the browser was given: a private redirect page, not the URL.
      const [target] = readFileSync(log, 'utf8').trim().split('\n');
      expect(target).toMatch(/^file:\/\//);
      expect(target).not.toContain(token);
      const page = fileURLToPath(target);
      expect(page.startsWith(join(dir, 'runtime', 'evobox'))).toBe(true);
      expect(statSync(page).mode & 0o777).toBe(0o600);
      expect(statSync(join(page, '..')).mode & 0o777).toBe(0o700);
      expect(readFileSync(page, 'utf8')).toContain(first.url.href);

      // Stored for the next start, readable by the user only.
      const identityFile = join(dir, 'state', 'server.json');
      expect(statSync(identityFile).mode & 0o777).toBe(0o600);
      await first.stop();
      expect(existsSync(page)).toBe(false);

      const second = await serve(['--runs-dir', join(dir, 'runs')], env);
      expect(second.url.href).toBe(first.url.href);
      await second.stop();
      const third = await serve(['--port', String(ports[1]), '--runs-dir', join(dir, 'runs')], env);
      expect(third.url.port).toBe(String(ports[1]));
      expect(third.url.searchParams.get('token')).toBe(token);
      await third.stop();
    } finally {
      await first.stop();
    }
  }, 120_000);
});
