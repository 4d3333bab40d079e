// The journal floor of bench/end-to-end.ts: writes the journal a run of `evaluations`
// evaluations of `dimension` parameters writes — the same records, key order and number
// formatting, one JSON.stringify per evaluation, one writeSync per generation of `population`
// lines, as the runner batches them — and nothing else. Plain JavaScript, so it starts as fast
// as `node -e 0`. `objects`: `plain` builds each params object key by key, as a plain script
// would (V8 makes an object with that many keys a dictionary, slower to fill and stringify);
// `template` copies a parsed template as the runner does (fast properties): the stricter floor.
// Usage: node end-to-end-floor.mjs <journal path> <dimension> <evaluations> <population> <plain|template>
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';

const [path, dimensionText, evaluationsText, populationText, objects] = process.argv.slice(2);
if (objects !== 'plain' && objects !== 'template')
  throw new Error(`objects must be plain or template (got ${objects})`);
const dimension = Number(dimensionText);
const evaluations = Number(evaluationsText);
const population = Number(populationText);
const names = Array.from({ length: dimension }, (_, i) => `x${i}`);
const template = JSON.parse(`{${names.map((name) => `${JSON.stringify(name)}:0`).join(',')}}`);

const fd = openSync(path, 'w');
for (let first = 0, generation = 0; first < evaluations; first += population, generation++) {
  const lines = [];
  for (let index = first; index < Math.min(evaluations, first + population); index++) {
    const params = objects === 'plain' ? {} : { ...template };
    // Full-precision doubles in the box, as sampled parameters print.
    for (let i = 0; i < dimension; i++) params[names[i]] = Math.random() * 10 - 5;
    const record = { index, generation, params, fitness: Math.random() * 1e6, ms: 0.002, worker: 0 };
    lines.push(JSON.stringify(record));
  }
  writeSync(fd, Buffer.from(`${lines.join('\n')}\n`));
}
fdatasyncSync(fd);
closeSync(fd);
