import { describe, expect, it } from 'vitest';
import {
  electronOnlyChannels,
  invokeChannelNames,
  isEventChannel,
  isInvokeChannel,
  parseRequest,
  RequestError,
  requestSchemas,
} from '../../electron/ipc-contract';

describe('IPC contract', () => {
  it('has a request schema for exactly the channels the preload allows', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...invokeChannelNames].sort());
    for (const channel of electronOnlyChannels) expect(invokeChannelNames).toContain(channel);
  });

  it('recognises channel names and nothing else', () => {
    expect(isInvokeChannel('run:start')).toBe(true);
    expect(isInvokeChannel('run:progress')).toBe(false);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(isInvokeChannel(42)).toBe(false);
    expect(isEventChannel('run:progress')).toBe(true);
    expect(isEventChannel('run:start')).toBe(false);
  });

  it('accepts well-formed requests', () => {
    expect(parseRequest('app:info', undefined)).toEqual({});
    expect(parseRequest('run:control', { runDir: '/runs/a', action: 'pause' })).toEqual({
      runDir: '/runs/a',
      action: 'pause',
    });
    const draft = {
      name: 'p',
      objective: { builtin: 'sphere' },
      parameters: [{ name: 'x', lower: -1, upper: 1, scale: 'log' }],
      stop: { tolX: 1e-9 },
    };
    expect(parseRequest('problem:validate', { draft, baseDir: '/tmp' }).draft).toEqual(draft);
  });

  it('refuses malformed requests, naming the channel and the field', () => {
    const cases: [Parameters<typeof parseRequest>[0], unknown, RegExp][] = [
      ['run:control', { runDir: '/r', action: 'explode' }, /run:control: invalid request \(action: /],
      ['run:control', { runDir: '', action: 'stop' }, /runDir/],
      ['problem:open', { path: 7 }, /path/],
      ['app:info', { extra: true }, /app:info/],
      ['strategies:list', { dimension: 0 }, /dimension/],
      ['problem:validate', { draft: { name: 'p', objective: 'no' }, baseDir: '/' }, /draft\.objective/],
      [
        'problem:validate',
        { draft: { name: 'p', objective: {}, parameters: [{ name: 'x', lower: '1' }] }, baseDir: '/' },
        /draft\.parameters\.0\.lower/,
      ],
      ['run:export', { runDir: '/r', format: 'xml' }, /format/],
      ['fs:list', { dir: 'x'.repeat(5000) }, /dir/],
    ];
    for (const [channel, payload, message] of cases) {
      expect(() => parseRequest(channel, payload)).toThrow(RequestError);
      expect(() => parseRequest(channel, payload)).toThrow(message);
    }
  });
});
