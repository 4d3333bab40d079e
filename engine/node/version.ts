import { readFileSync } from 'node:fs';

/** evobox's version, from package.json (read once). */
export const evoboxVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
