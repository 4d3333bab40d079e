/**
 * Electron main: owns the window and the native dialogs, and relays the contract's requests
 * to the engine host (a utility process, so the engine never runs on this thread).
 *
 * Hardening: contextIsolation, sandbox, no nodeIntegration, a strict CSP, navigation of any
 * frame and new windows blocked, permission requests and checks denied (guards.ts), every
 * IPC handler checks its sender and validates its payload against the contract before
 * anything else happens.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  session,
  utilityProcess,
  type IpcMainInvokeEvent,
  type UtilityProcess,
} from 'electron';
import { electronOnlyChannels, invokeChannelNames, type InvokeChannel } from '../ipc-channels';
import { parseRequest, type EventChannel, type InvokeEnvelope } from '../ipc-contract';
import type { HostMessage } from '../backend/host';
import { denyPermissions, guardContents } from './guards';

const here = fileURLToPath(new URL('.', import.meta.url));
const appRoot = app.getAppPath();
const runsDir = resolve(process.env.EVOBOX_RUNS_DIR ?? join(process.cwd(), 'runs'));
const examplesDir = join(appRoot, 'examples');
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '..', 'renderer', 'index.html');

const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  `connect-src 'self'${rendererUrl ? ' ws: http://localhost:*' : ''}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let mainWindow: BrowserWindow | null = null;

/* ------------------------------------------------------------------ engine host */

class EngineHost {
  private child: UtilityProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (envelope: InvokeEnvelope) => void>();

  private start(): UtilityProcess {
    const child = utilityProcess.fork(
      join(appRoot, 'electron', 'backend', 'host-launcher.mjs'),
      [runsDir, examplesDir, process.cwd()],
      {
        serviceName: 'evobox engine',
        stdio: 'inherit',
      },
    );
    child.on('message', (message: HostMessage) => {
      if ('id' in message) {
        this.pending.get(message.id)?.(message.envelope);
        this.pending.delete(message.id);
      } else {
        this.forward(message.event, message.payload);
      }
    });
    child.on('exit', (code) => {
      this.child = null;
      for (const resolveEnvelope of this.pending.values()) {
        resolveEnvelope({ ok: false, error: `the engine process exited (code ${code}); try again` });
      }
      this.pending.clear();
    });
    this.child = child;
    return child;
  }

  private forward(event: EventChannel, payload: unknown): void {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
  }

  invoke(channel: InvokeChannel, payload: unknown): Promise<InvokeEnvelope> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise((done) => {
      this.pending.set(id, done);
      child.postMessage({ id, channel, payload });
    });
  }

  stop(): void {
    this.child?.kill();
    this.child = null;
  }
}

const host = new EngineHost();

/* ------------------------------------------------------------------ IPC */

function trustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  if (rendererUrl) return url.startsWith(rendererUrl);
  return url.startsWith('file://') && decodeURIComponent(new URL(url).pathname) === rendererFile;
}

async function answerDialog(channel: InvokeChannel, payload: unknown): Promise<unknown> {
  const window = mainWindow ?? undefined;
  if (channel === 'dialog:open-file') {
    const { kind } = parseRequest('dialog:open-file', payload);
    const options: Electron.OpenDialogOptions = {
      title: kind === 'problem' ? 'Open problem' : 'Open executable',
      properties: ['openFile'],
      filters: kind === 'problem' ? [{ name: 'Problem files', extensions: ['json'] }] : [],
    };
    const result = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return result.canceled || result.filePaths.length === 0 ? null : { path: result.filePaths[0] };
  }
  const { suggestedName, content, defaultDir } = parseRequest('dialog:save-file', payload);
  const options: Electron.SaveDialogOptions = {
    defaultPath: join(defaultDir ?? app.getPath('documents'), suggestedName),
  };
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  if (content !== undefined) await writeFile(result.filePath, content);
  return { path: result.filePath };
}

function registerHandlers(): void {
  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<InvokeEnvelope> => {
      if (!trustedSender(event)) return { ok: false, error: 'request from an unexpected page' };
      try {
        if (electronOnlyChannels.includes(channel))
          return { ok: true, value: await answerDialog(channel, payload) };
        parseRequest(channel, payload); // refuse bad payloads before they cross to the engine
        return await host.invoke(channel, payload);
      } catch (error) {
        return { ok: false, error: (error as Error)?.message ?? String(error) };
      }
    });
  }
}

/* ------------------------------------------------------------------ window */

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'evobox',
    show: false,
    webPreferences: {
      preload: join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = null));
  if (rendererUrl) void mainWindow.loadURL(rendererUrl);
  else void mainWindow.loadFile(rendererFile);
}

app.on('web-contents-created', (_event, contents) => guardContents(contents));

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  denyPermissions(session.defaultSession);
  registerHandlers();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => host.stop());
