import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../../scratch-directories';
import {
  JournalWriter,
  readJournal,
  readStateFile,
  repairJournalTail,
  writeJsonAtomic,
  type JournalRecord,
} from '../../../../../engine/node/run/folder';
import { ParamRowsWriter } from '../../../../../engine/node/run/folder/param-rows';

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
  it('reads from a recorded byte offset; only a repair (resume) cuts a torn last line off', () => {
    const path = join(scratch('evobox-journal-'), 'journal.jsonl');
    const writer = new JournalWriter(path);
    for (let i = 0; i < 3; i++) writer.append(record(i));
    writer.sync();
    const offset = writer.bytes;
    expect(offset).toBe(statSync(path).size);
    for (let i = 3; i < 5; i++) writer.append(record(i));
    writer.close();
    appendFileSync(path, '{"index":5,"generation":0,"par'); // a crash mid-write

    const torn = readFileSync(path, 'utf8');
    const all: number[] = [];
    const scan = readJournal(path, (r) => all.push(r.index));
    expect(all).toEqual([0, 1, 2, 3, 4]);
    expect(scan.tornBytes).toBe('{"index":5,"generation":0,"par'.length);
    expect(readFileSync(path, 'utf8')).toBe(torn); // a reader never changes the file
    repairJournalTail(path, scan);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true); // torn line removed
    expect(statSync(path).size).toBe(scan.endBytes);

    const tail: number[] = [];
    readJournal(path, (r) => tail.push(r.index), offset);
    expect(tail).toEqual([3, 4]);

    const reopened = new JournalWriter(path);
    expect(reopened.bytes).toBe(statSync(path).size);
    reopened.close();
  });

  it('writes the same line and row from values as from params, and then never reads params', () => {
    const names = ['a', 'b', 'c'];
    const written = (withValues: boolean) => {
      const dir = scratch('evobox-journal-');
      const writer = new JournalWriter(
        join(dir, 'journal.jsonl'),
        new ParamRowsWriter(join(dir, 'params.f64'), names),
      );
      for (let i = 0; i < 3; i++) {
        const params = { a: i === 0 ? -0 : i / 3, b: -i, c: 1e-300 * i };
        const values = Float64Array.from(names, (name) => params[name as keyof typeof params]);
        const line: JournalRecord = {
          index: i,
          generation: 1,
          get params(): Record<string, number> {
            if (withValues) throw new Error('params read');
            return params;
          },
          fitness: i === 1 ? null : i,
          ms: 1.5,
          worker: 0,
          ...(i === 1 ? { error: 'failed', stderrTail: 'tail' } : { extras: { loss: i } }),
        };
        writer.append(line, withValues ? values : undefined);
      }
      writer.close();
      return [
        readFileSync(join(dir, 'journal.jsonl'), 'utf8'),
        readFileSync(join(dir, 'params.f64')),
      ] as const;
    };
    const [fromValues, rowsFromValues] = written(true);
    const [fromParams, rowsFromParams] = written(false);
    expect(fromValues).toBe(fromParams);
    expect(fromValues.split('\n')[1]).toBe(
      '{"index":1,"generation":1,"paramsRow":1,"fitness":null,"ms":1.5,"worker":0,"error":"failed","stderrTail":"tail"}',
    );
    expect(rowsFromValues.equals(rowsFromParams)).toBe(true);
    expect(rowsFromValues.length).toBe(3 * 3 * 8);
  });

  it('skips a damaged line inside the journal and keeps reading after it', () => {
    const path = join(scratch('evobox-journal-'), 'journal.jsonl');
    const lines = [
      JSON.stringify(record(0)),
      '{"index":1,"gen\u0000\u0000',
      JSON.stringify(record(2)),
      '"text"',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const seen: number[] = [];
    const scan = readJournal(path, (r) => seen.push(r.index));
    expect(seen).toEqual([0, 2]);
    expect(scan).toMatchObject({ records: 2, badLines: 2, tornBytes: 0 });
  });

  it('names the file when a state file is empty or not JSON', () => {
    const dir = scratch('evobox-state-');
    const path = join(dir, 'checkpoint.json');
    expect(readStateFile(path)).toBeNull();
    writeFileSync(path, '');
    expect(() => readStateFile(path)).toThrow(`checkpoint.json in ${dir} is empty`);
    writeFileSync(path, '{"version":1,"opt');
    expect(() => readStateFile(path)).toThrow(
      new RegExp(`^checkpoint\\.json in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON \\(`),
    );
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
