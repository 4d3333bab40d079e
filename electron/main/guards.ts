/**
 * The window's hardening as plain functions over the few Electron members they touch, so
 * they are unit-tested without launching Electron: every navigation (main frame, sub-frames,
 * redirects), new window and <webview> is refused; permission requests and permission
 * checks (camera, notifications, clipboard…, which a page can query without asking) are denied.
 */

interface Preventable {
  preventDefault(): void;
}

/** The parts of a WebContents the guards use. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (event: Preventable) => void,
  ): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** The parts of a Session the guards use. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

const refuse = (event: Preventable) => event.preventDefault();

export const navigationEvents = [
  'will-navigate',
  'will-frame-navigate',
  'will-redirect',
  'will-attach-webview',
] as const;

export function guardContents(contents: GuardedContents): void {
  for (const event of navigationEvents) contents.on(event, refuse);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function denyPermissions(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
