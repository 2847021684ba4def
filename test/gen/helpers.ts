/** Shared helpers for generator tests (not a test file itself). */
import { generate } from '../../src/gen/generate.js';
import type { GenerateOptions } from '../../src/gen/plan.js';
import type { GenRecord } from '../../src/gen/records.js';

const cache = new Map<string, GenRecord[]>();

/** All records for the options, generated once per test file. */
export function records(opts: GenerateOptions): GenRecord[] {
  const key = JSON.stringify(opts);
  let r = cache.get(key);
  if (!r) {
    r = [...generate(opts)];
    cache.set(key, r);
  }
  return r;
}

export const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
export const AMOUNT = /^\d+(\.\d{1,2})?$/;
