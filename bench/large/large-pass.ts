/**
 * Phase 1 of bench/large/large.ts, the part both kinds share (large-duck.ts, and
 * large-stats.ts with --engine-only): one pass over the generated records
 * computing the Fingerprint, the DataStats the scenarios are picked from and
 * the number of distinct customers, with a progress line now and then.
 */
import fs from 'node:fs';
import type { GenRecord } from '../../src/index.js';
import { DataStats, Fingerprint } from '../standard/data.js';
import { fmtInt, log, secs, type DataPassOutput } from './large-protocol.js';

/** how often the pass reports progress */
const PROGRESS_MS = 15_000;

/** Customer indices past this go to the Set (the bitmap would take more than 128 MiB). */
const MAX_BITMAP_INDEX = 2 ** 30;

/**
 * The index behind a generator customer id (`c0000001` is 1; wider numbers
 * are unpadded, see src/gen/ids.ts), or -1 for any other string, so two
 * different strings never share an index.
 */
function customerIndex(id: string): number {
  const len = id.length;
  if (len < 8 || len > 16 || id.charCodeAt(0) !== 99 /* c */) return -1;
  if (len > 8 && id.charCodeAt(1) === 48 /* 0 */) return -1;
  let n = 0;
  for (let i = 1; i < len; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n >= 1 && n < MAX_BITMAP_INDEX ? n : -1;
}

/**
 * Distinct customer ids, as DuckDB's `customers` table holds them: a bitmap
 * over the generator's numbered ids (4 MiB at 30M customers), a Set for any
 * other id (the generator makes none).
 */
export class DistinctCustomers {
  private bits = new Uint32Array(1024);
  private numbered = 0;
  private readonly other = new Set<string>();

  add(id: string): void {
    const n = customerIndex(id);
    if (n < 0) {
      this.other.add(id);
      return;
    }
    const word = n >>> 5;
    if (word >= this.bits.length) {
      let len = this.bits.length;
      while (len <= word) len *= 2;
      const grown = new Uint32Array(len);
      grown.set(this.bits);
      this.bits = grown;
    }
    const bit = 1 << (n & 31);
    if ((this.bits[word]! & bit) === 0) {
      this.bits[word]! |= bit;
      this.numbered++;
    }
  }

  get size(): number {
    return this.numbered + this.other.size;
  }
}

export class DataPass {
  readonly fingerprint = new Fingerprint();
  readonly stats = new DataStats();
  private readonly customers = new DistinctCustomers();
  private readonly started: number;
  private nextLog: number;

  /** `label` starts each progress line, e.g. `duckdb load` */
  constructor(private readonly label: string, private readonly requestedLines: number, started = performance.now()) {
    this.started = started;
    this.nextLog = started + PROGRESS_MS;
  }

  add(batch: readonly GenRecord[]): void {
    const fp = this.fingerprint;
    for (const r of batch) {
      fp.add(r);
      switch (r.type) {
        case 'order':
          this.stats.addOrder(r.lines);
          this.customers.add(r.customer_id);
          break;
        case 'customer':
        case 'tag':
          this.customers.add(r.customer_id);
          break;
        case 'refund':
          break;
      }
    }
    const now = performance.now();
    if (now >= this.nextLog) {
      const pct = (100 * fp.lines) / this.requestedLines;
      log(`${this.label}: ${fmtInt(fp.lines)} lines (~${pct.toFixed(1)}% of ${fmtInt(this.requestedLines)}), ${secs(now - this.started)} elapsed, ` +
        `${fmtInt(fp.lines / ((now - this.started) / 1000))} lines/s with generation`);
      this.nextLog = now + PROGRESS_MS;
    }
  }

  /** The DataStats for the other phases, so they need not regenerate the data. */
  saveStats(file: string): void {
    fs.writeFileSync(file, JSON.stringify(this.stats.toJSON()) + '\n');
  }

  /** What phases 2 and 3 check the store against. */
  output(): DataPassOutput {
    return { fingerprint: this.fingerprint.summary(), customers: this.customers.size };
  }
}
