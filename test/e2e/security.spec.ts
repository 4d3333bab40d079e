/** Browser mode refuses requests that lack the token or come from elsewhere. */
import { expect, test } from '@playwright/test';
import { e2eOrigin, e2ePort, e2eToken } from './env';

const invoke = `${e2eOrigin}/api/invoke/app:info`;

test('a request without the token is refused', async ({ request }) => {
  const response = await request.post(invoke, { data: {} });
  expect(response.status()).toBe(401);
  const page = await request.get(`${e2eOrigin}/`);
  expect(page.status()).toBe(401);
  const events = await request.get(`${e2eOrigin}/api/events`);
  expect(events.status()).toBe(401);
});

test('the right token is accepted, a wrong one is not', async ({ request }) => {
  const ok = await request.post(invoke, { data: {}, headers: { 'x-evobox-token': e2eToken } });
  expect(ok.status()).toBe(200);
  expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
  const wrong = await request.post(invoke, { data: {}, headers: { 'x-evobox-token': `${e2eToken}x` } });
  expect(wrong.status()).toBe(401);
});

test('foreign Origin and Host headers are refused', async ({ request }) => {
  const origin = await request.post(invoke, {
    data: {},
    headers: { 'x-evobox-token': e2eToken, origin: 'http://evil.example' },
  });
  expect(origin.status()).toBe(403);
  const host = await request.post(invoke, {
    data: {},
    headers: { 'x-evobox-token': e2eToken, host: `evil.example:${e2ePort}` },
  });
  expect(host.status()).toBe(403);
});

test('oversized and malformed requests are refused', async ({ request }) => {
  const big = await request.post(`${e2eOrigin}/api/invoke/problem:validate`, {
    headers: { 'x-evobox-token': e2eToken, 'content-type': 'application/json' },
    data: JSON.stringify({ draft: { name: 'x'.repeat(2 * 1024 * 1024) }, baseDir: '/' }),
  });
  expect(big.status()).toBe(413);
  const invalid = await request.post(`${e2eOrigin}/api/invoke/run:control`, {
    headers: { 'x-evobox-token': e2eToken },
    data: { runDir: '/tmp', action: 'explode' },
  });
  expect(invalid.status()).toBe(400);
  expect(((await invalid.json()) as { error: string }).error).toContain('action');
});
