import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIVE_CRASH_WRITER, liveCrashTrial, type KnownChanges } from '../../bench/live/live-crash-trial.js';

// The writer runs from the build (npm test builds first).
const built = fs.existsSync(LIVE_CRASH_WRITER);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-live-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.runIf(built)('kill -9 of a writer with live segments', () => {
  it('loses no acknowledged change, invents none, repeats no seq, and the feed\'s members are the segments\' members after reopen (8 trials)', async () => {
    const known: KnownChanges = new Map();
    let acked = 0;
    for (let trial = 0; trial < 8; trial++) acked = Math.max(acked, (await liveCrashTrial(dir, trial + 1, 20 + ((trial * 53) % 300), known)).ackedSeq);
    // the kills landed while changes were being recorded
    expect(known.size).toBeGreaterThan(50);
    expect(acked).toBeGreaterThan(0);
  }, 120_000);
});
