/**
 * Browser mode's connection state, with a scripted EventSource and fake timers: a stream
 * that errors or falls silent is `lost` within the silence limit, is reopened every retry
 * interval, and is `connected` again once a stream opens; events still reach listeners.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../electron/ipc-contract';
import { createHttpApi } from '../../renderer/src/api/http-client';

class FakeEventSource {
  static made: FakeEventSource[] = [];
  readonly listeners = new Map<string, ((event: { data?: string }) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.made.push(this);
  }
  addEventListener(type: string, listener: (event: { data?: string }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data?: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
  static get last(): FakeEventSource {
    return FakeEventSource.made[FakeEventSource.made.length - 1];
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.made = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function connect() {
  const api = createHttpApi('tok', { silenceMs: 1500, retryMs: 1000 });
  const states: ConnectionState[] = [];
  api.onConnection!((state) => states.push(state));
  return { api, states };
}

describe('browser-mode connection state', () => {
  it('is lost when heartbeats stop, reconnects by itself, and is connected again', () => {
    const { api, states } = connect();
    const statuses: string[] = [];
    api.on('run:status', (event) => statuses.push(event.status));
    expect(FakeEventSource.made).toHaveLength(1);
    expect(FakeEventSource.last.url).toBe('/api/events?token=tok');
    FakeEventSource.last.emit('open');
    expect(states).toEqual(['connecting', 'connected']);

    // Heartbeats keep it connected however long it runs.
    for (let k = 0; k < 10; k++) {
      vi.advanceTimersByTime(500);
      FakeEventSource.last.emit('heartbeat', '{}');
    }
    expect(states).toEqual(['connecting', 'connected']);

    // Silence (a hung server): lost after 1.5 s, the stream closed, a new one a second later.
    const hung = FakeEventSource.last;
    vi.advanceTimersByTime(1499);
    expect(states[states.length - 1]).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(states[states.length - 1]).toBe('lost');
    expect(hung.closed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.made).toHaveLength(2);

    // The server refuses (restarting): error, lost still, another attempt after the retry wait.
    FakeEventSource.last.emit('error');
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.made).toHaveLength(3);
    FakeEventSource.last.emit('open');
    expect(states).toEqual(['connecting', 'connected', 'lost', 'connected']);
    FakeEventSource.last.emit('run:status', JSON.stringify({ runDir: '/r', status: 'paused' }));
    expect(statuses).toEqual(['paused']);
  });

  it('an error on the stream is lost at once, and a stream that never opens is lost too', () => {
    const { states } = connect();
    FakeEventSource.last.emit('open');
    FakeEventSource.last.emit('error');
    expect(states).toEqual(['connecting', 'connected', 'lost']);
    vi.advanceTimersByTime(1000);
    // Accepted but never answered: the silence limit applies from the attempt on.
    vi.advanceTimersByTime(1500);
    expect(FakeEventSource.made.length).toBeGreaterThanOrEqual(2);
    expect(FakeEventSource.made[1].closed).toBe(true);
    expect(states[states.length - 1]).toBe('lost');
  });
});
