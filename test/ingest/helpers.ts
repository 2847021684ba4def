import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { RecordItem } from '../../src/ingest/record-item.js';

/** A fresh temp directory, removed after the test file. */
export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-ingest-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let n = 0;
/** Writes `content` to a new file named `*.ext` in `dir`. */
export function writeFile(dir: string, ext: string, content: string | Uint8Array): string {
  const file = path.join(dir, `f${n++}.${ext}`);
  fs.writeFileSync(file, content);
  return file;
}

/** Items as plain data: records, or `{ error: 'E_CODE line: reason', line }`. */
export type Plain = { raw: Record<string, unknown>; line: number } | { error: string; line: number; fatal?: boolean };

export async function collect(gen: AsyncIterable<RecordItem>): Promise<{ items: Plain[]; thrown?: Error & { code?: string } }> {
  const items: Plain[] = [];
  try {
    for await (const item of gen) {
      if (item.error) {
        const e = item.error;
        items.push({ error: `${e.code} ${e.where.line}: ${e.reason}`, line: item.line, ...(item.fatal ? { fatal: true } : {}) });
      } else items.push({ raw: item.raw, line: item.line });
    }
  } catch (e) {
    return { items, thrown: e as Error };
  }
  return { items };
}

/** The contract's order in raw (NDJSON) shape. */
export function rawOrder(id: string, lines: Array<[sku: string, category: string, quantity: unknown, amount: unknown]>, over: Record<string, unknown> = {}) {
  return {
    type: 'order',
    order_id: id,
    customer_id: 'c1',
    ts: '2026-11-11T00:00:00+08:00',
    shop: 'jd',
    status: 'paid',
    lines: lines.map(([sku, category, quantity, amount]) => ({ sku, category, quantity, amount })),
    ...over,
  };
}
