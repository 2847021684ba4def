// Seeded random datasets of contract-shaped raw records, built so that random
// queries hit: few SKUs/categories/shops, timestamps clustered on day
// boundaries (Asia/Shanghai, America/New_York incl. DST days, UTC) and on
// asOf - N*unit boundaries, +-1 s, in several ts spellings.

import { addDays, isoWithOffset, isoZ, startOfDay } from './time.js';

/** mulberry32: small, fast, seedable. */
export class Rng {
  private s: number;
  constructor(readonly seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    if (a.length === 0) throw new Error('pick from empty');
    return a[Math.floor(this.next() * a.length)]!;
  }
  /** k distinct elements (k clipped to length) */
  sample<T>(a: readonly T[], k: number): T[] {
    const c = [...a];
    for (let i = c.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [c[i], c[j]] = [c[j]!, c[i]!];
    }
    return c.slice(0, Math.min(k, c.length));
  }
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 2 ** 32));
  }
}

export const ZONES = ['Asia/Shanghai', 'America/New_York', 'UTC', 'Europe/London'] as const;
/** Zones whose day boundaries the data is clustered on. */
const CLUSTER_ZONES = ['Asia/Shanghai', 'America/New_York', 'UTC'];

/** Dates that queries use for date-only bounds; data clusters on their starts. */
export const DATES: string[] = (() => {
  const out: string[] = [];
  for (const [d0, n] of [
    ['2026-03-06', 5], // around NY DST start 2026-03-08
    ['2026-10-30', 5], // around NY DST end 2026-11-01
    ['2026-11-10', 3], // 11.11
  ] as const) {
    for (let i = 0; i < n; i++) out.push(addDays(d0, i));
  }
  return out;
})();

export const LAST_CHOICES: Array<{ n: number; unit: 'h' | 'd' | 'w' }> = [
  { n: 1, unit: 'h' },
  { n: 6, unit: 'h' },
  { n: 23, unit: 'h' },
  { n: 24, unit: 'h' },
  { n: 25, unit: 'h' },
  { n: 1, unit: 'd' },
  { n: 2, unit: 'd' },
  { n: 3, unit: 'd' },
  { n: 7, unit: 'd' },
  { n: 30, unit: 'd' },
  { n: 1, unit: 'w' },
  { n: 2, unit: 'w' },
];
export { unitMs } from './window.js';
import { unitMs } from './window.js';

/** Day-start instants (ms) of every DATES day (and the day after) in every cluster zone. */
export const DAY_STARTS: number[] = (() => {
  const s = new Set<number>();
  for (const d of [...DATES, ...DATES.map((x) => addDays(x, 1))]) for (const z of CLUSTER_ZONES) s.add(startOfDay(d, z));
  return [...s].sort((a, b) => a - b);
})();

/** asOf candidates: day starts, ms-bearing instants, and one after everything. */
export function asOfPool(): number[] {
  return [
    startOfDay('2026-11-12', 'Asia/Shanghai'),
    startOfDay('2026-11-02', 'America/New_York'),
    startOfDay('2026-03-09', 'America/New_York'),
    startOfDay('2026-03-09', 'Asia/Shanghai') + 500, // ms-bearing asOf
    Date.UTC(2026, 2, 8, 7, 30, 0, 250), // NY DST transition morning
    Date.UTC(2026, 10, 1, 6, 0, 0), // 01:00 EST, after fall back
    Date.UTC(2026, 10, 11, 3, 59, 59, 999),
    Date.UTC(2026, 11, 31, 0, 0, 0), // after all data
  ];
}

export interface Vocab {
  skus: string[];
  categories: string[];
  shops: string[];
  tags: string[];
  attrNames: string[];
  /** string attribute values present in the data */
  attrStrings: string[];
  /** numeric attribute values present in the data (as numbers) */
  attrNumbers: number[];
  /** line-amount sums that occur (cents) to put thresholds on */
  amountsCents: number[];
  customers: string[];
  asOfs: number[];
}

export interface Dataset {
  seed: number;
  records: Record<string, unknown>[];
  vocab: Vocab;
}

const SKUS = ['A', 'B', 'sku-3', 'S&K<U>', '鞋"1', 'x y'];
const CATEGORIES = ['shoes', 'bags', '服饰', "kid's & baby"];
const SHOPS = ['tmall-flagship', 'jd', 'store-xiamen-01', 'pop,up "1"'];
const TAGS = ['vip', 'churn-risk', '新客', 'a"b&c<d>', ' spaced ', "it's", 'tab\there'];
const ATTR_NAMES = ['city', 'level', 'age', 'score', '会员 等级', 'a&b'];
const ATTR_STRINGS = ['l1\nl2', 'Xiamen', 'xiamen', 'gold', 'platinum', '31', '18.5', '0', '厦门', 'a<b>&"c"', ' gold', ''];
const ATTR_NUMBERS = [31, 18.5, -2, 0, 100, 30, 1e6, 0.25];

function customerId(rng: Rng, i: number): string {
  switch (rng.int(0, 9)) {
    case 0:
      return `1380013${String(8000 + i).padStart(4, '0')}`;
    case 1:
      return `u${i}@ex.com`;
    case 2:
      return `客户-${i}`;
    case 3:
      return `x,"y${i}"`;
    case 4:
      return `<&'${i}>`;
    case 5:
      return i % 3 === 0 ? `line\n${i}` : ` sp${i} `;
    case 6:
      return `🐉${i}`;
    default:
      return `c${i}`;
  }
}

/** Renders an exact instant as a contract ts: ISO with one of several offsets, or epoch ms. */
export function renderTs(rng: Rng, ms: number): string | number {
  const r = rng.int(0, 5);
  if (r === 0) return ms;
  if (r === 1) return isoZ(ms);
  const off = rng.pick([480, -300, -240, 0, 330, 60]);
  return isoWithOffset(ms, off);
}

function renderAmount(rng: Rng, cents: number): string | number {
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  if (rng.bool(0.3)) return cents / 100; // number; String() gives <= 2 decimals
  if (frac === 0) return rng.pick([`${whole}`, `${whole}.0`, `${whole}.00`]);
  if (frac % 10 === 0) return rng.pick([`${whole}.${frac / 10}`, `${whole}.${String(frac).padStart(2, '0')}`]);
  return `${whole}.${String(frac).padStart(2, '0')}`;
}

export interface GenOptions {
  minCustomers?: number;
  maxCustomers?: number;
}

export function genDataset(seed: number, opts: GenOptions = {}): Dataset {
  const rng = new Rng(seed);
  const nCust = rng.int(opts.minCustomers ?? 20, opts.maxCustomers ?? 200);
  const customers = [...new Set(Array.from({ length: nCust }, (_, i) => customerId(rng, i)))];
  const skus = rng.sample(SKUS, rng.int(3, SKUS.length));
  const categories = rng.sample(CATEGORIES, rng.int(2, CATEGORIES.length));
  const shops = rng.sample(SHOPS, rng.int(2, SHOPS.length));
  const tags = rng.sample(TAGS, rng.int(3, TAGS.length));
  const asOfs = rng.sample(asOfPool(), 4);
  const lasts = rng.sample(LAST_CHOICES, 5);
  const anchors: number[] = [...DAY_STARTS, ...asOfs];
  for (const a of asOfs) for (const l of lasts) anchors.push(a - l.n * unitMs(l.unit));
  const lo = Date.UTC(2026, 1, 20);
  const hi = Date.UTC(2026, 11, 31);

  const tsMs = (): number => {
    if (rng.bool(0.65)) {
      const a = rng.pick(anchors);
      const d = rng.pick([-1000, -1000, -1, 0, 0, 0, 1, 999, 1000, 1000]);
      return a + d;
    }
    if (rng.bool(0.6)) {
      // somewhere inside the clustered date ranges (+- a day)
      const d = rng.pick(DATES);
      return startOfDay(d, 'UTC') + rng.int(-86400, 2 * 86400) * 1000 + (rng.bool(0.2) ? rng.int(0, 999) : 0);
    }
    return rng.int(lo / 1000, hi / 1000) * 1000 + (rng.bool(0.2) ? rng.int(0, 999) : 0);
  };

  // skewed customer choice so some customers have many orders
  const hot = customers.slice(0, Math.max(3, Math.floor(customers.length / 5)));
  const pickCust = () => (rng.bool(0.4) ? rng.pick(hot) : rng.pick(customers));

  const records: Record<string, unknown>[] = [];
  const orderIds: string[] = [];
  const refunded = new Set<string>();
  const amountsCents = new Set<number>();
  const attrStrings = new Set<string>();
  const attrNumbers = new Set<number>();
  const nEvents = Math.floor((customers.length * rng.int(40, 70)) / 10);
  let orderSeq = 0;
  for (let e = 0; e < nEvents; e++) {
    const kind = rng.next();
    if (kind < 0.6) {
      const nLines = rng.pick([1, 1, 1, 2, 2, 3, 4]);
      const lines = [];
      let orderCents = 0;
      for (let i = 0; i < nLines; i++) {
        const cents = rng.pick([0, 100, 1000, 1050, 29900, 9999, 5, rng.int(0, 60000)]);
        orderCents += cents;
        amountsCents.add(cents);
        lines.push({ sku: rng.pick(skus), category: rng.pick(categories), quantity: rng.int(1, 3), amount: renderAmount(rng, cents) });
      }
      amountsCents.add(orderCents);
      const id = rng.bool(0.1) ? `T-${orderSeq}-订单,"q"` : `T${1000 + orderSeq}`;
      orderSeq++;
      orderIds.push(id);
      records.push({
        type: 'order',
        order_id: id,
        customer_id: pickCust(),
        ts: renderTs(rng, tsMs()),
        shop: rng.pick(shops),
        status: rng.bool(0.1) ? 'refunded' : 'paid',
        lines,
      });
    } else if (kind < 0.68) {
      const cands = orderIds.filter((o) => !refunded.has(o));
      if (cands.length === 0) continue;
      const id = rng.pick(cands);
      refunded.add(id);
      records.push({ type: 'refund', order_id: id });
    } else if (kind < 0.85) {
      const attrs: Record<string, string | number | null> = {};
      for (const name of rng.sample(ATTR_NAMES, rng.int(0, 3))) {
        const r = rng.next();
        if (r < 0.15) attrs[name] = null;
        else if (r < 0.55) {
          const v = rng.pick(ATTR_STRINGS);
          attrs[name] = v;
          attrStrings.add(v);
        } else {
          const v = rng.pick(ATTR_NUMBERS);
          attrs[name] = v;
          attrNumbers.add(v);
        }
      }
      // customers sometimes outside of order customers
      const cid = rng.bool(0.1) ? `attr-only-${e}` : pickCust();
      records.push({ type: 'customer', customer_id: cid, attrs });
    } else {
      const cid = rng.bool(0.05) ? `tag-only-${e}` : pickCust();
      records.push({ type: 'tag', customer_id: cid, tag: rng.pick(tags), op: rng.bool(0.65) ? 'add' : 'remove' });
    }
  }
  return {
    seed,
    records,
    vocab: {
      skus,
      categories,
      shops,
      tags,
      attrNames: ATTR_NAMES,
      attrStrings: [...attrStrings],
      attrNumbers: [...attrNumbers],
      amountsCents: [...amountsCents],
      customers,
      asOfs,
    },
  };
}
