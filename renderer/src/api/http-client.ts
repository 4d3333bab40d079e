/**
 * Browser mode's transport: invoke = POST /api/invoke/<channel> with the access token in a
 * header; events = one EventSource on /api/events (token in the query: EventSource cannot
 * set headers). The token comes from the URL `evobox serve` printed and is kept in
 * sessionStorage so a reload of the tab keeps working.
 *
 * Connection state: the server sends a heartbeat event every 500 ms. When the stream errors
 * or stays silent for `silenceMs`, the connection is `lost`: the stream is closed and opened
 * again every `retryMs` until the server answers (it keeps its port and token across
 * restarts), then it is `connected` again.
 */
import {
  eventChannelNames,
  heartbeatEvent,
  type ConnectionState,
  type EventChannel,
  type EventPayloads,
  type EvoboxApi,
  type InvokeChannel,
  type InvokeEnvelope,
  type InvokeRequest,
  type InvokeResponses,
} from '../../../electron/ipc-contract';

const STORAGE_KEY = 'evobox-token';

export function readToken(location: Location, storage: Storage | null): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    storage?.setItem(STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  return storage?.getItem(STORAGE_KEY) ?? null;
}

export interface HttpApiOptions {
  base?: string;
  /** Silence on the event stream after which the connection counts as lost. */
  silenceMs?: number;
  /** Wait between reconnection attempts. */
  retryMs?: number;
}

export function createHttpApi(token: string, options: HttpApiOptions = {}): EvoboxApi {
  const base = options.base ?? '';
  const silenceMs = options.silenceMs ?? 1500;
  const retryMs = options.retryMs ?? 1000;
  type Listener = (payload: unknown) => void;
  const listeners = new Map<EventChannel, Set<Listener>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let source: EventSource | null = null;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const arm = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(lose, silenceMs);
  };

  function lose(): void {
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
    source?.close();
    source = null;
    setState('lost');
    if (!retry) {
      retry = setTimeout(() => {
        retry = null;
        connect();
      }, retryMs);
    }
  }

  function connect(): void {
    const stream = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
    source = stream;
    arm(); // a server that accepts the connection but never answers is lost too
    stream.addEventListener('open', () => {
      arm();
      setState('connected');
    });
    stream.addEventListener('error', () => {
      if (source === stream) lose();
    });
    stream.addEventListener(heartbeatEvent, arm);
    for (const event of eventChannelNames) {
      stream.addEventListener(event, (message) => {
        arm();
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    }
  }

  const ensureSource = () => {
    if (!source && !retry) connect();
  };

  return {
    mode: 'browser',
    async invoke<C extends InvokeChannel>(
      channel: C,
      request: InvokeRequest<C>,
    ): Promise<InvokeResponses[C]> {
      const response = await fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-evobox-token': token },
        body: JSON.stringify(request ?? {}),
      });
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('application/json')) {
        throw new Error(`${channel}: ${response.status} ${(await response.text()).slice(0, 500)}`);
      }
      const envelope = (await response.json()) as InvokeEnvelope;
      if (!envelope.ok) throw new Error(envelope.error);
      return envelope.value as InvokeResponses[C];
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      ensureSource();
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      const wrapped = listener as Listener;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    onConnection(listener: (next: ConnectionState) => void): () => void {
      ensureSource();
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
