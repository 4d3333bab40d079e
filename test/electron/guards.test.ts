/** The Electron window's guards, as pure functions over fake contents and session objects. */
import { describe, expect, it } from 'vitest';
import {
  denyPermissions,
  guardContents,
  navigationEvents,
  type GuardedContents,
  type GuardedSession,
} from '../../electron/main/guards';

function fakeContents() {
  const listeners = new Map<string, ((event: { preventDefault(): void }) => void)[]>();
  let openHandler: (() => { action: 'deny' }) | null = null;
  const contents: GuardedContents = {
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  /** Emits `event` and says whether a listener refused it. */
  const emit = (event: string) => {
    let prevented = false;
    for (const listener of listeners.get(event) ?? []) listener({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents, emit, openHandler: () => openHandler };
}

describe('Electron guards', () => {
  it('refuses navigation of the main frame and of every sub-frame, redirects and webviews', () => {
    const fake = fakeContents();
    guardContents(fake.contents);
    expect(navigationEvents).toContain('will-frame-navigate');
    for (const event of navigationEvents) expect(fake.emit(event)).toBe(true);
    expect(fake.emit('did-finish-load')).toBe(false);
    expect(fake.openHandler()?.()).toEqual({ action: 'deny' });
  });

  it('denies permission requests and permission checks', () => {
    let request: Parameters<GuardedSession['setPermissionRequestHandler']>[0] | null = null;
    let check: Parameters<GuardedSession['setPermissionCheckHandler']>[0] | null = null;
    denyPermissions({
      setPermissionRequestHandler: (handler) => (request = handler),
      setPermissionCheckHandler: (handler) => (check = handler),
    });
    const answers: boolean[] = [];
    request!(null, 'media', (granted) => answers.push(granted));
    expect(answers).toEqual([false]);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'serial', 'hid']) {
      expect(check!(null, permission)).toBe(false);
    }
  });
});
