/**
 * Every path gets the same checks: encoded spellings of the page (`/%69ndex.html`,
 * `/.%2findex.html`) need the token and carry the CSP like `/index.html`; a malformed
 * percent-encoding is a 400, not a 500.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalisePath, startServer, type RunningServer } from '../../electron/server/index';

let server: RunningServer;
const scratchDirs: string[] = [];

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'evobox-renderer-'));
  const runsDir = mkdtempSync(join(tmpdir(), 'evobox-paths-runs-'));
  scratchDirs.push(rendererDir, runsDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>evobox</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startServer({ port: 0, runsDir, rendererDir, token: 'paths-token-0123456789' });
});

afterAll(async () => {
  await server.close();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A raw request: the path goes on the wire exactly as given. */
function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'GET',
        path,
        headers: { host: `127.0.0.1:${server.port}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

describe('request paths', () => {
  it.each(['/%69ndex.html', '/.%2findex.html', '//index.html', '/assets/..%2findex.html', '/%2e/index.html'])(
    '%s is the page: refused without the token, served with the CSP with it',
    async (path) => {
      const without = await get(path);
      expect(without.status).toBe(401);
      expect(without.body).not.toContain('<title>evobox</title>');
      const withToken = await get(`${path}?token=paths-token-0123456789`);
      expect(withToken.status).toBe(200);
      expect(withToken.body).toContain('<title>evobox</title>');
      expect(String(withToken.headers['content-security-policy'])).toContain("default-src 'self'");
    },
  );

  it('the page is not served as a static file under another spelling of its name', async () => {
    expect((await get('/INDEX.HTML')).status).toBe(404);
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/assets/%61pp.js')).status).toBe(200);
  });

  it.each(['/%E0%A4%A', '/%', '/api/invoke/%E0%A4%A', '/assets/%ZZ.js'])(
    '%s is a 400 naming the problem',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(response.body).toContain('malformed percent-encoding');
    },
  );

  it('an encoded API path gets the token check as well', async () => {
    expect((await get('/%61pi/events')).status).toBe(401);
    expect((await get('/api/%2e%2e/api/events')).status).toBe(401);
  });

  it('normalises once: dot segments, doubled slashes, NUL and backslash', () => {
    expect(normalisePath('/a/./b//c/../d')).toBe('/a/b/d');
    expect(normalisePath('/../../etc/passwd')).toBe('/etc/passwd');
    expect(normalisePath('/%2e%2e/x')).toBe('/x');
    expect(() => normalisePath('/a%00b')).toThrow(/bad character/);
    expect(() => normalisePath('/a%5cb')).toThrow(/bad character/);
  });
});
