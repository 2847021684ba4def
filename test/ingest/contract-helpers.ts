/** Shared helpers for the contract-level ingest tests (contract-*.test.ts; not a test file itself). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { readRecords, type RecordItem } from '../../src/ingest/read-records.js';
import { ShandianError } from '../../src/model/errors.js';

const dirs: string[] = [];
export function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-ingest-'));
  dirs.push(d);
  return d;
}
export function cleanTmp(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes `content` to a fresh temp file named `name`; returns its path. */
export function writeFile(name: string, content: string | Uint8Array): string {
  const f = path.join(tmpDir(), name);
  fs.writeFileSync(f, content);
  return f;
}

export interface Collected {
  items: RecordItem[];
  /** what the reader threw at the end, if anything */
  thrown?: ShandianError;
  progress: Array<[number, number]>;
}

/** Every item of a file (through readRecords, by extension), and the error that ended reading, if any. */
export async function collect(file: string): Promise<Collected> {
  const items: RecordItem[] = [];
  const progress: Array<[number, number]> = [];
  let thrown: ShandianError | undefined;
  try {
    for await (const item of readRecords(file, { onProgress: (a, b) => progress.push([a, b]) })) items.push(item);
  } catch (e) {
    if (!(e instanceof ShandianError)) throw e;
    thrown = e;
  }
  return { items, thrown, progress };
}

/** The raw records of a file that must read without any error. */
export async function records(file: string): Promise<Array<Record<string, unknown>>> {
  const { items, thrown } = await collect(file);
  expect(thrown?.message).toBeUndefined();
  for (const i of items) expect(i.error?.message).toBeUndefined();
  return items.map((i) => i.raw as Record<string, unknown>);
}

/** The first error of a reading: a yielded error item or what was thrown. */
export function firstError(c: Collected): ShandianError | undefined {
  return c.items.find((i) => i.error)?.error ?? c.thrown;
}

export const HEADER = 'order_id,customer_id,ts,shop,status,sku,category,quantity,amount';

export const order = (id: string, customer: string, ts: string | number, sku: string, amount: string | number = '10.00') => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop: 'tmall', status: 'paid',
  lines: [{ sku, category: 'shoes', quantity: 1, amount }],
});

export function ndjson(rows: unknown[]): string {
  return rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}
