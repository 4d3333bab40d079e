/** Picks the transport: Electron's preload bridge when present, else browser mode over HTTP. */
import type { EvoboxApi, PreloadBridge } from '../../../electron/ipc-contract';
import { createHttpApi, readToken } from './http-client';
import { createIpcApi } from './ipc-client';

declare global {
  interface Window {
    evobox?: PreloadBridge;
  }
}

export function createApi(): EvoboxApi | { error: string } {
  if (window.evobox) return createIpcApi(window.evobox);
  let storage: Storage | null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  const token = readToken(window.location, storage);
  if (!token)
    return { error: 'No access token: open the URL that `evobox serve` printed (it ends in ?token=…).' };
  return createHttpApi(token);
}
