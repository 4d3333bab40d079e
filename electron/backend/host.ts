/**
 * The engine host: runs in an Electron utility process (off the main process, so a busy
 * run never stalls windows or dialogs) and answers the contract's requests with the same
 * Backend the browser-mode server uses. Messages:
 *   main → host  { id, channel, payload }
 *   host → main  { id, envelope }          (answer)
 *                { event, payload }        (run:progress / run:status)
 */
import type { EventChannel, EventPayloads, InvokeEnvelope } from '../ipc-contract';
import { isInvokeChannel } from '../ipc-channels';
import { Backend } from './service';

export interface HostRequest {
  id: number;
  channel: string;
  payload: unknown;
}

export type HostMessage =
  { id: number; envelope: InvokeEnvelope } | { event: EventChannel; payload: EventPayloads[EventChannel] };

/** The part of Electron's `process.parentPort` used here (typed locally: no electron import in the host). */
interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface HostConfig {
  runsDir: string;
  examplesDir: string;
  cwd: string;
}

/** Wires a Backend to a message port; returns it for shutdown. */
export function serveOnPort(port: ParentPort, config: HostConfig): Backend {
  const backend = new Backend({
    mode: 'electron',
    runsDir: config.runsDir,
    examplesDir: config.examplesDir,
    cwd: config.cwd,
    emit: (event, payload) => port.postMessage({ event, payload } satisfies HostMessage),
  });
  port.on('message', ({ data }) => {
    const request = data as Partial<HostRequest>;
    if (typeof request?.id !== 'number') return;
    const id = request.id;
    const reply = (envelope: InvokeEnvelope) => port.postMessage({ id, envelope } satisfies HostMessage);
    if (!isInvokeChannel(request.channel)) {
      reply({ ok: false, error: `unknown channel ${String(request.channel)}` });
      return;
    }
    backend
      .invoke(request.channel, request.payload)
      .then((value) => reply({ ok: true, value }))
      .catch((error: unknown) => reply({ ok: false, error: (error as Error)?.message ?? String(error) }));
  });
  return backend;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  const [runsDir, examplesDir, cwd] = process.argv.slice(2);
  const backend = serveOnPort(parentPort, {
    runsDir: runsDir ?? 'runs',
    examplesDir: examplesDir ?? 'examples',
    cwd: cwd ?? process.cwd(),
  });
  process.once('SIGTERM', () => void backend.dispose().then(() => process.exit(0)));
}
