import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/server/index';
import { strategies } from '../../engine/strategies/registry';

let server: RunningServer;
const scratchDirs: string[] = [];

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'evobox-renderer-'));
  const runsDir = mkdtempSync(join(tmpdir(), 'evobox-server-runs-'));
  scratchDirs.push(rendererDir, runsDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>evobox</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startServer({
    port: 0,
    runsDir,
    rendererDir,
    token: 'test-token',
    maxBodyBytes: 64 * 1024,
    batchIntervalMs: 50,
  });
});

afterAll(async () => {
  await server.close();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** Raw request, so Host and Origin can be set freely. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const api = { 'x-evobox-token': 'test-token', 'content-type': 'application/json' };

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 only and prints a URL with the token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=test-token`);
    await expect(startServer({ host: '0.0.0.0', runsDir: '/tmp' })).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('serves the page only with the token, with a strict CSP', async () => {
    expect((await raw('GET', '/')).status).toBe(401);
    expect((await raw('GET', '/?token=wrong')).status).toBe(401);
    const page = await raw('GET', '/?token=test-token');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await raw('GET', '/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await raw('GET', '/../package.json')).status).toBe(404);
    expect((await raw('GET', '/assets/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });

  it('refuses API calls without the token, from foreign hosts or origins', async () => {
    expect(
      (await raw('POST', '/api/invoke/app:info', { 'content-type': 'application/json' }, '{}')).status,
    ).toBe(401);
    expect((await raw('POST', '/api/invoke/app:info', { ...api, host: 'evil.example' }, '{}')).status).toBe(
      403,
    );
    expect(
      (await raw('POST', '/api/invoke/app:info', { ...api, host: `attacker.test:${server.port}` }, '{}'))
        .status,
    ).toBe(403);
    expect(
      (await raw('POST', '/api/invoke/app:info', { ...api, origin: 'http://evil.example' }, '{}')).status,
    ).toBe(403);
    const sameOrigin = await raw(
      'POST',
      '/api/invoke/app:info',
      { ...api, origin: `http://127.0.0.1:${server.port}` },
      '{}',
    );
    expect(sameOrigin.status).toBe(200);
    expect(JSON.parse(sameOrigin.body)).toMatchObject({ ok: true, value: { mode: 'browser' } });
  });

  it('refuses wrong methods, content types, channels, bodies and payloads', async () => {
    expect((await raw('GET', '/api/invoke/app:info', api)).status).toBe(405);
    expect(
      (await raw('POST', '/api/invoke/app:info', { ...api, 'content-type': 'text/plain' }, '{}')).status,
    ).toBe(415);
    expect((await raw('POST', '/api/invoke/nope', api, '{}')).status).toBe(404);
    expect((await raw('POST', '/api/invoke/dialog:open-file', api, '{"kind":"problem"}')).status).toBe(404);
    expect((await raw('POST', '/api/invoke/app:info', api, '{oops')).status).toBe(400);
    const big = await raw(
      'POST',
      '/api/invoke/problem:validate',
      api,
      JSON.stringify({ pad: 'x'.repeat(100_000) }),
    );
    expect(big.status).toBe(413);
    const invalid = await raw(
      'POST',
      '/api/invoke/run:control',
      api,
      JSON.stringify({ runDir: '/x', action: 'boom' }),
    );
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error).toMatch(/run:control: invalid request \(action/);
    const failing = await raw(
      'POST',
      '/api/invoke/problem:open',
      api,
      JSON.stringify({ path: '/nonexistent.json' }),
    );
    expect(failing.status).toBe(200);
    expect(JSON.parse(failing.body)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ENOENT|no such file/),
    });
  });

  it('streams batched run events over server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${server.port}/api/events?token=test-token`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const finished = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
        if (text.includes('"status":"finished"')) return;
      }
    })();
    const draft = {
      name: 'sse',
      objective: { builtin: 'sphere' },
      parameters: [
        { name: 'a', lower: -5, upper: 5, init: 3 },
        { name: 'b', lower: -5, upper: 5, init: 1 },
      ],
      strategy: { name: Object.keys(strategies)[0] },
      budget: { evaluations: 300 },
    };
    const started = await fetch(`http://127.0.0.1:${server.port}/api/invoke/run:start`, {
      method: 'POST',
      headers: api,
      body: JSON.stringify({ draft, baseDir: '/tmp' }),
    });
    const { value } = (await started.json()) as { value: { runDir: string } };
    await finished;
    controller.abort();
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('event:'));
    const progress = frames.filter((frame) => frame.startsWith('event: run:progress'));
    expect(progress.length).toBeGreaterThan(0);
    const generations = progress.flatMap((frame) => JSON.parse(frame.split('\ndata: ')[1]).generations);
    expect(generations.length).toBeGreaterThanOrEqual(progress.length);
    expect(generations.at(-1).evaluations).toBeLessThanOrEqual(300);
    expect(frames.at(-1)).toContain(value.runDir);
  });
});
