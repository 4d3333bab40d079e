/**
 * Opening the UI in a browser without putting the access token on any command line (an
 * argv is readable by every local user in /proc): as Jupyter does, the tokened URL goes into
 * a redirect page only the user can read (0600 in a 0700 folder), and the browser is given
 * that file's path. $BROWSER (a command, `%s` for the page, as Python's webbrowser reads it)
 * is honoured, else the platform's opener.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { privateFolder, stateDir, writePrivateFile } from './identity';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function redirectPage(url: string): string {
  const target = escapeHtml(url);
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="0;url=${target}">`,
    '<title>Opening evobox…</title></head>',
    `<body><p>Opening evobox… If nothing happens, <a href="${target}">follow this link</a>.</p></body></html>`,
    '',
  ].join('\n');
}

/** Where the redirect page goes: $XDG_RUNTIME_DIR/evobox (per user, 0700) or the state folder. */
export function openFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'evobox') : join(stateDir(env), 'open');
}

/** The command that opens `target` (a file URL): $BROWSER's first entry, else the platform's opener. */
export function browserCommand(
  target: string,
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): { command: string; args: string[] } {
  const chosen = env.BROWSER?.split(platform === 'win32' ? ';' : ':')[0]?.trim();
  if (chosen) {
    const words = chosen.split(/\s+/);
    const hasPlaceholder = words.some((word) => word.includes('%s'));
    const args = words.slice(1).map((word) => word.replaceAll('%s', target));
    return { command: words[0], args: hasPlaceholder ? args : [...args, target] };
  }
  if (platform === 'darwin') return { command: 'open', args: [target] };
  if (platform === 'win32') return { command: 'explorer', args: [target] };
  return { command: 'xdg-open', args: [target] };
}

export interface OpenedPage {
  /** The redirect page (removed by `remove`). */
  file: string;
  remove(): void;
}

/** Writes the redirect page for `url` and opens it; the token never reaches an argv or a log. */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): OpenedPage {
  const file = join(privateFolder(openFolder(env)), `open-${process.pid}.html`);
  writePrivateFile(file, redirectPage(url));
  const { command, args } = browserCommand(pathToFileURL(file).href, env);
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser opener: the URL is printed on the owner's terminal anyway
  }
  return { file, remove: () => rmSync(file, { force: true }) };
}
