import { appendFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import {
  JournalWriter,
  readJournal,
  writeJsonAtomic,
  type JournalRecord,
} from '../../../../engine/node/run/files';

const scratch = scratchDirectories('evobox-');

const record = (index: number): JournalRecord => ({
  index,
  generation: 0,
  params: { x: index / 3 },
  fitness: index,
  ms: 1,
  worker: 0,
});

describe('journal', () => {
  it('reads from a recorded byte offset and truncates a torn last line', () => {
    const path = join(scratch('evobox-journal-'), 'journal.jsonl');
    const writer = new JournalWriter(path);
    for (let i = 0; i < 3; i++) writer.append(record(i));
    writer.sync();
    const offset = writer.bytes;
    expect(offset).toBe(statSync(path).size);
    for (let i = 3; i < 5; i++) writer.append(record(i));
    writer.close();
    appendFileSync(path, '{"index":5,"generation":0,"par'); // a crash mid-write

    const all: number[] = [];
    readJournal(path, (r) => all.push(r.index));
    expect(all).toEqual([0, 1, 2, 3, 4]);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true); // torn line removed

    const tail: number[] = [];
    readJournal(path, (r) => tail.push(r.index), offset);
    expect(tail).toEqual([3, 4]);

    const reopened = new JournalWriter(path);
    expect(reopened.bytes).toBe(statSync(path).size);
    reopened.close();
  });

  it('replaces JSON files atomically, leaving no temporary file', () => {
    const dir = scratch('evobox-atomic-');
    const path = join(dir, 'best.json');
    writeJsonAtomic(path, { fitness: 1 });
    writeJsonAtomic(path, { fitness: 0.5 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ fitness: 0.5 });
    expect(readdirSync(dir)).toEqual(['best.json']);
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
  });

  it('refuses a value too large for one JSON string with a clear error, keeping the old file', () => {
    const dir = scratch('evobox-atomic-');
    const path = join(dir, 'checkpoint.json');
    writeJsonAtomic(path, { generation: 1 });
    // What JSON.stringify throws past the string limit (a 64M-entry matrix at n = 8000).
    const tooLarge = {
      toJSON: () => {
        throw new RangeError('Invalid string length');
      },
    };
    expect(() => writeJsonAtomic(path, tooLarge)).toThrow(
      /cannot write .*checkpoint\.json: its JSON would be longer than JavaScript's longest string \(Invalid string length\)/,
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ generation: 1 });
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
  });
});
