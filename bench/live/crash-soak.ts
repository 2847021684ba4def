/**
 * `node dist/bench/live/crash-soak.js [--trials 50] [--max-delay-ms 800]`
 * (`npm run bench:live-soak -- --trials 200`): SIGKILL a writer with live
 * segments at random moments, many times in a row on one store, checking
 * the feed after each kill (bench/live/live-crash-trial.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { liveCrashTrial, type KnownChanges } from './live-crash-trial.js';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '50' }, 'max-delay-ms': { type: 'string', default: '800' } } });
const trials = Number(values.trials), maxDelay = Number(values['max-delay-ms']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-live-soak-'));
const known: KnownChanges = new Map();
let failures = 0;
try {
  for (let t = 0; t < trials; t++) {
    const delay = Math.floor(Math.random() * maxDelay);
    try {
      const r = await liveCrashTrial(dir, t + 1, delay, known);
      console.log(`trial ${t + 1}: killed after ${delay} ms; ${r.batches} batches acknowledged, changes up to seq ${r.ackedSeq} acknowledged, feed ends at ${r.lastSeq}: ok`);
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
