/**
 * The browser-mode server's identity across restarts: its port and access token, kept in a
 * file only the user can read (mode 0600, in a 0700 per-user state folder), so a tab left
 * open reconnects to `npm start` / `evobox serve` started again. An explicit port or token
 * wins over the stored ones; a file others could read is not trusted (its token is replaced).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ServerIdentity {
  token: string;
  port?: number;
}

/**
 * Per-user state folder: $EVOBOX_STATE_DIR, else $XDG_STATE_HOME/evobox (~/.local/state/evobox),
 * ~/Library/Application Support/evobox on macOS, %LOCALAPPDATA%\evobox on Windows.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.EVOBOX_STATE_DIR) return env.EVOBOX_STATE_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'evobox');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'evobox');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'evobox');
}

export function defaultIdentityFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'server.json');
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A folder only the user can enter (created, or tightened when it exists). */
export function privateFolder(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    const info = statSync(dir);
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
      throw new Error(
        `${dir} belongs to another user (uid ${info.uid}); set EVOBOX_STATE_DIR to a folder of yours`,
      );
    }
    if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  }
  return dir;
}

/** Writes `text` to `file` readable by the user only (0600 from the start, replaced atomically). */
export function writePrivateFile(file: string, text: string): void {
  privateFolder(dirname(file));
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    unlinkSync(temporary);
  } catch {
    // not there: the usual case
  }
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

/** The stored identity, or null when there is none, it is unreadable, or others could read it. */
export function readIdentity(file: string): ServerIdentity | null {
  try {
    const info = statSync(file);
    if (process.platform !== 'win32') {
      if ((info.mode & 0o077) !== 0) return null;
      if (typeof process.getuid === 'function' && info.uid !== process.getuid()) return null;
    }
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerIdentity>;
    if (typeof parsed.token !== 'string' || parsed.token.length < 16) return null;
    const port =
      Number.isInteger(parsed.port) && parsed.port! > 0 && parsed.port! < 65536 ? parsed.port : undefined;
    return { token: parsed.token, ...(port ? { port } : {}) };
  } catch {
    return null;
  }
}

export function writeIdentity(file: string, identity: ServerIdentity): void {
  writePrivateFile(file, `${JSON.stringify(identity, null, 2)}\n`);
}
