/**
 * The benchmark's data: the generator's contract-shaped raw records, cut
 * into batches. Both engines get the same records: each side runs the
 * deterministic generator afresh (so neither holds the other's copy in
 * memory) and the two passes are checked to agree on a fingerprint.
 */
import { generate, type GenRecord } from '../../src/index.js';

export const SEED = 1;
/** Measured: the generator averages 1.459-1.461 lines per order (1.46 at 100k, 1.459 at 1M). */
export const LINES_PER_ORDER = 1.46;
export const BATCH_RECORDS = 10_000;

export function ordersFor(lines: number): number {
  return Math.round(lines / LINES_PER_ORDER);
}

/** What one pass over the records saw; two passes must agree exactly. */
export class Fingerprint {
  records = 0;
  orders = 0;
  lines = 0;
  refunds = 0;
  customerRecords = 0;
  tagEvents = 0;
  /** FNV-1a over ids, timestamps and amounts: checks content, not just counts */
  private h = 0x811c9dc5;

  add(r: GenRecord): void {
    this.records++;
    switch (r.type) {
      case 'order':
        this.orders++;
        this.lines += r.lines.length;
        this.mix(r.order_id);
        this.mix(r.ts);
        this.mix(r.lines[0]!.amount);
        break;
      case 'refund': this.refunds++; this.mix(r.order_id); break;
      case 'customer': this.customerRecords++; break;
      case 'tag': this.tagEvents++; this.mix(r.customer_id); break;
    }
  }

  private mix(s: string): void {
    let h = this.h;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    this.h = h >>> 0;
  }

  get hash(): string {
    return this.h.toString(16).padStart(8, '0');
  }

  summary(): { records: number; orders: number; lines: number; refunds: number; customerRecords: number; tagEvents: number; hash: string } {
    return { records: this.records, orders: this.orders, lines: this.lines, refunds: this.refunds, customerRecords: this.customerRecords, tagEvents: this.tagEvents, hash: this.hash };
  }
}

export type FingerprintSummary = ReturnType<Fingerprint['summary']>;

/** The records of `generate({ orders, seed })` in arrays of `size`. */
export function* recordBatches(orders: number, size = BATCH_RECORDS): Generator<GenRecord[]> {
  let batch: GenRecord[] = [];
  for (const r of generate({ orders, seed: SEED })) {
    batch.push(r);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** DataStats as JSON: `[sku number, lines, category index]` per SKU sold. */
export interface DataStatsJson {
  maxSkus: number;
  categories: string[];
  skus: Array<[number, number, number]>;
}

/**
 * Line counts per SKU (to pick scenario SKUs by rank). Preallocated before
 * the memory baseline so it does not count as store memory.
 */
export class DataStats {
  private readonly skuLines: Float64Array;
  private readonly skuCategory: Int16Array;
  private readonly categories: string[] = [];
  private readonly categoryIndex = new Map<string, number>();

  constructor(maxSkus = 200_000) {
    this.skuLines = new Float64Array(maxSkus);
    this.skuCategory = new Int16Array(maxSkus).fill(-1);
  }

  /** Only the SKUs sold, so another process can pick the same scenarios without regenerating the data. */
  toJSON(): DataStatsJson {
    const skus: Array<[number, number, number]> = [];
    for (let i = 0; i < this.skuLines.length; i++) if (this.skuLines[i]! > 0) skus.push([i, this.skuLines[i]!, this.skuCategory[i]!]);
    return { maxSkus: this.skuLines.length, categories: [...this.categories], skus };
  }

  static fromJSON(j: DataStatsJson): DataStats {
    const s = new DataStats(j.maxSkus);
    j.categories.forEach((c, i) => {
      s.categories.push(c);
      s.categoryIndex.set(c, i);
    });
    for (const [i, lines, category] of j.skus) {
      if (!Number.isInteger(i) || i < 0 || i >= j.maxSkus || !(category >= 0 && category < j.categories.length)) {
        throw new Error(`bench: bad DataStats entry [${i}, ${lines}, ${category}]`);
      }
      s.skuLines[i] = lines;
      s.skuCategory[i] = category;
    }
    return s;
  }

  addOrder(lines: ReadonlyArray<{ sku: string; category: string }>): void {
    for (const l of lines) {
      const i = skuNumber(l.sku);
      this.skuLines[i]!++;
      if (this.skuCategory[i] === -1) {
        let c = this.categoryIndex.get(l.category);
        if (c === undefined) {
          c = this.categories.length;
          this.categories.push(l.category);
          this.categoryIndex.set(l.category, c);
        }
        this.skuCategory[i] = c;
      }
    }
  }

  private ranked(): number[] {
    const idx: number[] = [];
    for (let i = 0; i < this.skuLines.length; i++) if (this.skuLines[i]! > 0) idx.push(i);
    return idx.sort((a, b) => this.skuLines[b]! - this.skuLines[a]! || a - b);
  }

  /** The `n` best-selling SKUs by lines, best first (ties by name). */
  topSkus(n: number): string[] {
    return this.ranked().slice(0, n).map(skuName);
  }

  /** The best-selling SKU of a category. */
  topSkuIn(category: string): string {
    const c = this.categoryIndex.get(category);
    const best = c === undefined ? undefined : this.ranked().find((i) => this.skuCategory[i] === c);
    if (best === undefined) throw new Error(`bench: no SKU of category ${category} was sold`);
    return skuName(best);
  }
}

function skuNumber(sku: string): number {
  const n = Number(sku.slice(4));
  if (!sku.startsWith('SKU-') || !Number.isInteger(n)) throw new Error(`bench: unexpected SKU name ${sku}`);
  return n;
}

const skuName = (i: number): string => 'SKU-' + String(i).padStart(6, '0');
