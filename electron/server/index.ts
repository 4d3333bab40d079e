/**
 * Browser mode (`evobox serve`): the built renderer and the same typed API as the desktop
 * app, over HTTP + server-sent events. Plain Node, no Electron.
 *
 * Safety model — the API can read files and start programs, so only the user who started
 * the server may reach it:
 * - bound to 127.0.0.1 only;
 * - a random token in the printed URL; every API request must carry it (header
 *   `x-evobox-token`, or `?token=` for EventSource, which cannot set headers); the page
 *   itself is only served with the token; static assets (the public build) are not secret;
 * - Host header must name the loopback address and our port (defeats DNS rebinding);
 *   Origin, when sent, must be our own origin (defeats cross-site requests);
 * - API calls are POST with `application/json` (no CORS-simple form posts), bodies are
 *   capped, responses are `no-store`, and the page's CSP allows only our own origin.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, posix, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronOnlyChannels, isInvokeChannel } from '../ipc-channels';
import type { EventChannel, EventPayloads, InvokeEnvelope } from '../ipc-contract';
import { heartbeatEvent, RequestError } from '../ipc-contract';
import { Backend } from '../backend/service';
import { newToken, readIdentity, writeIdentity } from './identity';
import { openInBrowser, type OpenedPage } from './open-browser';
import { buildApp } from './renderer-build';

export interface ServerOptions {
  /** 0 picks a free port; absent: the stored port (see `identityFile`), else a free one. */
  port?: number;
  /** Only loopback is accepted; anything else throws. */
  host?: string;
  runsDir: string;
  /** Open the URL in the default browser. */
  open?: boolean;
  /** Built renderer (default: out/renderer next to package.json). */
  rendererDir?: string;
  examplesDir?: string;
  /** Folder the file picker starts in (default: the process's working folder). */
  cwd?: string;
  /** Fixed token (tests); default the stored one (see `identityFile`), else 24 random bytes. */
  token?: string;
  /**
   * Keeps port and token across restarts in this file (0600; identity.ts), so open tabs
   * reconnect. `evobox serve` and `npm start` pass `defaultIdentityFile()`.
   */
  identityFile?: string;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Event batching interval. Default 75 ms. */
  batchIntervalMs?: number;
  /** Interval of the event stream's heartbeat. Default 500 ms (the page waits 1.5 s). */
  heartbeatMs?: number;
  /**
   * Build the UI first when the default renderer folder has no build (needs the dev
   * dependencies; without them the page explains how to build). Default true.
   */
  buildIfMissing?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte and chart.js set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The path every route and check sees: percent-decoded once, dot segments and doubled
 * slashes resolved, so `/%69ndex.html` and `/.%2findex.html` are `/index.html` and get the
 * token check and the CSP like it. Malformed encodings and NUL or backslash are 400.
 */
export function normalisePath(rawPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the request path');
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    throw new HttpError(400, 'bad character in the request path');
  const normalised = posix.normalize(decoded.startsWith('/') ? decoded : `/${decoded}`);
  return normalised.startsWith('/') ? normalised : `/${normalised}`;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function baseHeaders(): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((done, fail) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      fail(new HttpError(413, `request body larger than ${limit} bytes`));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        fail(new HttpError(413, `request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) done(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', (error) => {
      if (!failed) fail(error);
    });
  });
}

/** Listens on 127.0.0.1:`port`; rejects with the listen error (EADDRINUSE…). */
function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`evobox serve listens on 127.0.0.1 only (got host ${JSON.stringify(host)})`);
  }
  const stored = options.identityFile ? readIdentity(options.identityFile) : null;
  const token = options.token ?? stored?.token ?? newToken();
  const rendererDir = resolve(options.rendererDir ?? join(repoRoot, 'out', 'renderer'));
  if (
    !options.rendererDir &&
    options.buildIfMissing !== false &&
    !existsSync(join(rendererDir, 'index.html'))
  ) {
    process.stderr.write('evobox: the UI is not built yet; building it (electron-vite build)…\n');
    try {
      buildApp(repoRoot);
    } catch (error) {
      process.stderr.write(`evobox: could not build the UI: ${(error as Error).message}\n`);
    }
  }
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 500;
  const heartbeatFrame = `event: ${heartbeatEvent}\ndata: {}\n\n`;
  const clients = new Set<ServerResponse>();
  let port = 0;

  const emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const backend = new Backend({
    mode: 'browser',
    runsDir: options.runsDir,
    examplesDir: resolve(options.examplesDir ?? join(repoRoot, 'examples')),
    cwd: options.cwd ?? process.cwd(),
    emit,
    batchIntervalMs: options.batchIntervalMs,
  });

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  function checkHostAndOrigin(request: IncomingMessage): void {
    const hostHeader = request.headers.host ?? '';
    if (!allowedHosts().has(hostHeader)) throw new HttpError(403, 'forbidden host');
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) throw new HttpError(403, 'forbidden origin');
  }

  function serveStatic(response: ServerResponse, relativePath: string, headOnly: boolean): void {
    const file = normalize(join(rendererDir, relativePath));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) throw new HttpError(404, 'not found');
    // The page is served by the token-checked route only (also on case-insensitive disks).
    if (extname(file).toLowerCase() === '.html') throw new HttpError(404, 'not found');
    if (!existsSync(file) || !statSync(file).isFile()) throw new HttpError(404, 'not found');
    const body = readFileSync(file);
    response.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': mimeTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    });
    response.end(headOnly ? undefined : body);
  }

  function serveIndex(response: ServerResponse): void {
    const index = join(rendererDir, 'index.html');
    if (!existsSync(index)) {
      throw new HttpError(
        503,
        `the UI is not built (no ${index}); run \`npx electron-vite build\` (or \`npm run build\`) first`,
      );
    }
    const body = readFileSync(index);
    response.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': contentSecurityPolicy,
      'Cache-Control': 'no-store',
      'Content-Length': body.length,
    });
    response.end(body);
  }

  async function handleInvoke(
    request: IncomingMessage,
    response: ServerResponse,
    channel: string,
  ): Promise<void> {
    if (request.method !== 'POST') throw new HttpError(405, 'use POST');
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/json'))
      throw new HttpError(415, 'expected Content-Type: application/json');
    if (!isInvokeChannel(channel) || electronOnlyChannels.includes(channel)) {
      throw new HttpError(404, `unknown channel ${JSON.stringify(channel)}`);
    }
    const text = await readBody(request, maxBody);
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : {};
    } catch {
      throw new HttpError(400, 'request body is not valid JSON');
    }
    let envelope: InvokeEnvelope;
    let status = 200;
    try {
      envelope = { ok: true, value: await backend.invoke(channel, payload) };
    } catch (error) {
      status = error instanceof RequestError ? 400 : 200;
      envelope = { ok: false, error: (error as Error).message ?? String(error) };
    }
    sendJson(response, status, envelope);
  }

  function handleEvents(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    clients.add(response);
    // A named event (comments reach no listener): the page says "connection lost" when
    // heartbeats stop, also when the server hangs without closing the socket.
    const heartbeat = setInterval(() => response.write(heartbeatFrame), heartbeatMs);
    request.on('close', () => {
      clearInterval(heartbeat);
      clients.delete(response);
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    checkHostAndOrigin(request);
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const path = normalisePath(url.pathname);
    const queryToken = url.searchParams.get('token');
    const headerToken = request.headers['x-evobox-token'];
    const authorised = sameToken(typeof headerToken === 'string' ? headerToken : queryToken, token);

    if (path.startsWith('/api/')) {
      if (!authorised)
        throw new HttpError(401, 'missing or wrong token (use the URL printed by `evobox serve`)');
      if (path === '/api/events') {
        if (request.method !== 'GET') throw new HttpError(405, 'use GET');
        handleEvents(request, response);
        return;
      }
      if (path.startsWith('/api/invoke/')) {
        await handleInvoke(request, response, path.slice('/api/invoke/'.length));
        return;
      }
      throw new HttpError(404, 'not found');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'use GET');
    if (path === '/' || path === '/index.html') {
      if (!authorised)
        throw new HttpError(401, 'missing or wrong token (use the URL printed by `evobox serve`)');
      serveIndex(response);
      return;
    }
    serveStatic(response, path, request.method === 'HEAD');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const status = error instanceof HttpError ? error.status : 500;
      sendText(response, status, (error as Error).message ?? 'error');
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;

  const wantedPort = options.port ?? stored?.port ?? 0;
  try {
    await listen(server, wantedPort);
  } catch (error) {
    // The stored port is taken (by another program): any free port, stored for next time.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port !== undefined || !wantedPort)
      throw error;
    process.stderr.write(
      `evobox: port ${wantedPort} is in use; using another one (open tabs will not reconnect)\n`,
    );
    await listen(server, 0);
  }
  port = (server.address() as AddressInfo).port;
  if (options.identityFile && options.token === undefined)
    writeIdentity(options.identityFile, { token, port });
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  let opened: OpenedPage | null = null;
  if (options.open) {
    try {
      opened = openInBrowser(url);
    } catch (error) {
      process.stderr.write(`evobox: could not open a browser: ${(error as Error).message}\n`);
    }
  }

  return {
    url,
    port,
    token,
    async close() {
      opened?.remove();
      await backend.dispose();
      for (const client of clients) client.end();
      clients.clear();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
