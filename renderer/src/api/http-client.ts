/**
 * Browser mode's transport: invoke = POST /api/invoke/<channel> with the access token in a
 * header; events = one EventSource on /api/events (token in the query: EventSource cannot
 * set headers). The token comes from the URL `evobox serve` printed and is kept in
 * sessionStorage so a reload of the tab keeps working.
 */
import type {
  EventChannel,
  EventPayloads,
  EvoboxApi,
  InvokeChannel,
  InvokeEnvelope,
  InvokeRequest,
  InvokeResponses,
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

export function createHttpApi(token: string, base = ''): EvoboxApi {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<EventChannel, Set<Listener>>();
  let source: EventSource | null = null;

  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
    for (const event of ['run:progress', 'run:status'] as const) {
      source.addEventListener(event, (message) => {
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    }
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
  };
}
