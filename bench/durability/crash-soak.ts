/**
 * `node dist/bench/durability/crash-soak.js [--trials 20] [--max-delay-ms 500]`: SIGKILL a
 * writer (batches of 1 to 1,000 orders, fsync) at random moments, many times
 * in a row on one store, checking after each kill that no acknowledged order
 * is lost, none is invented, batches are whole and the store reopens unaided.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { crashTrial, type KnownBatches } from './crash-trial.js';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '20' }, 'max-delay-ms': { type: 'string', default: '500' } } });
const trials = Number(values.trials), maxDelay = Number(values['max-delay-ms']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-soak-'));
const known: KnownBatches = new Map();
let failures = 0;
try {
  for (let t = 0; t < trials; t++) {
    const delay = Math.floor(Math.random() * maxDelay);
    try {
      const r = await crashTrial(dir, t + 1, delay, known);
      console.log(`trial ${t + 1}: killed after ${delay} ms; ${r.acked} batches acknowledged, ${r.present} present, ${r.orders} orders: ok`);
    } catch (e) {
      failures++;
      console.log(`trial ${t + 1}: killed after ${delay} ms: FAILED: ${(e as Error).message}`);
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(failures ? `${failures} of ${trials} trials failed` : `all ${trials} trials passed`);
process.exitCode = failures ? 1 : 0;
