import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_WRITER, crashTrial, type KnownBatches } from '../../bench/durability/crash-trial.js';

// The writer runs from the build (npm test builds first).
const built = fs.existsSync(CRASH_WRITER);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.runIf(built)('kill -9 of a writer', () => {
  it('loses no acknowledged batch, invents none, applies each batch whole, and reopens without help (12 trials)', async () => {
    const known: KnownBatches = new Map();
    for (let trial = 0; trial < 12; trial++) await crashTrial(dir, trial + 1, (trial * 37) % 250, known);
    // the kills landed while batches were being written, not before the first one
    expect(known.size).toBeGreaterThan(12);
  });
});
