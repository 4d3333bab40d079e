// The journal floor of bench/end-to-end.ts: writes the journal a run of `evaluations`
// evaluations of `dimension` parameters writes — the same records, key order and number
// formatting, one JSON.stringify per evaluation, one writeSync per generation of `population`
// lines, as the runner batches them — and nothing else. Plain JavaScript, so it starts as fast
// as `node -e 0`. Usage: node end-to-end-floor.mjs <journal path> <dimension> <evaluations> <population>
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';

const [path, dimensionText, evaluationsText, populationText] = process.argv.slice(2);
const dimension = Number(dimensionText);
const evaluations = Number(evaluationsText);
const population = Number(populationText);
const names = Array.from({ length: dimension }, (_, i) => `x${i}`);
// The same object shape as the runner's params (a copy of a parsed template keeps V8's fast
// properties; an object built key by key would be a slower dictionary and flatter the ratio).
const template = JSON.parse(`{${names.map((name) => `${JSON.stringify(name)}:0`).join(',')}}`);

const fd = openSync(path, 'w');
for (let first = 0, generation = 0; first < evaluations; first += population, generation++) {
  const lines = [];
  for (let index = first; index < Math.min(evaluations, first + population); index++) {
    const params = { ...template };
    // Full-precision doubles in the box, as sampled parameters print.
    for (let i = 0; i < dimension; i++) params[names[i]] = Math.random() * 10 - 5;
    const record = { index, generation, params, fitness: Math.random() * 1e6, ms: 0.002, worker: 0 };
    lines.push(JSON.stringify(record));
  }
  writeSync(fd, Buffer.from(`${lines.join('\n')}\n`));
}
fdatasyncSync(fd);
closeSync(fd);
