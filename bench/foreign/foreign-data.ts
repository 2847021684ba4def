/**
 * A stand-alone generator of "foreign-looking" contract records and segment
 * queries for `bench/foreign/foreign.ts`, deliberately unlike src/gen: its own
 * random numbers, id styles (UUID-like order ids; customer ids like C123456,
 * phone numbers and e-mail addresses), timestamps in random order and mixed
 * forms (+08:00, +0800, Z with milliseconds, epoch ms), three years of data,
 * 20 shops, 2000 SKUs in 50 categories, 1-5 lines per order, ~3% refund
 * events, customer attribute records (string and numeric values, later
 * updates and deletions) and tag add/remove events.
 *
 *   node dist/bench/foreign/foreign-data.js --lines 2900000 --out /tmp/foreign.ndjson [--queries-out DIR]
 *     [--customers 200000] [--seed 7] [--end 2026-11-30] [--years 3] [--bad 0]
 *
 * `--out X.csv` or `--out X.arrow` writes the order lines in that form and
 * the other records (refunds, customers, tags) to X.events.ndjson: give both
 * files to bench:foreign, the order lines first.
 * `--bad N` mixes N records that break the contract into the output.
 * `--queries-out DIR` writes ~23 XML segments over this vocabulary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RecordBatch, TimestampMillisecond, Utf8, makeVector, Table, tableToIPC, vectorFromArray } from 'apache-arrow';

// ------------------------------------------------------------------ random numbers (xoshiro128**)

class Rng {
  private s: Uint32Array;

  constructor(seed: number) {
    // splitmix32 to fill the state
    this.s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  u32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** [0, 1) */
  next(): number {
    return (this.u32() + (this.u32() >>> 11) / 2 ** 21) / 2 ** 32;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** Picks index i with probability weights[i] / sum (cumulative table, binary search). */
class Weighted {
  private readonly cum: Float64Array;

  constructor(weights: readonly number[]) {
    this.cum = new Float64Array(weights.length);
    let acc = 0;
    weights.forEach((w, i) => (this.cum[i] = acc += w));
  }

  pick(rng: Rng): number {
    const x = rng.next() * this.cum[this.cum.length - 1]!;
    let lo = 0, hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ------------------------------------------------------------------ vocabulary (fixed by the seed)

export const CATEGORIES = [
  'rice-noodles', 'snacks', 'tea', 'coffee', 'dairy', 'fresh-fruit', 'seafood', 'baby-formula', 'diapers', 'toys',
  'skincare', 'makeup', 'fragrance', 'haircare', 'oral-care', 'mens-grooming', 'sportswear', 'running-shoes', 'outdoor', 'yoga',
  'phones', 'phone-accessories', 'laptops', 'headphones', 'smart-home', 'kitchen-appliances', 'cookware', 'tableware', 'bedding', 'furniture',
  'lighting', 'storage', 'cleaning', 'pet-food', 'pet-supplies', 'books', 'stationery', 'office', 'luggage', 'watches',
  'jewelry', 'bags', 'womens-apparel', 'mens-apparel', 'kids-apparel', 'underwear', 'socks', 'automotive', 'garden', 'health-supplements',
] as const;

export const SHOPS = [
  'tmall-flagship', 'tmall-outlet', 'jd-self', 'jd-pop', 'pdd', 'douyin-live', 'kuaishou', 'xiaohongshu', 'wechat-mall', 'app-ios',
  'app-android', 'web', 'store-shanghai-jingan', 'store-shanghai-pudong', 'store-beijing-sanlitun', 'store-shenzhen-nanshan',
  'store-chengdu-taikoo', 'store-hangzhou-xihu', 'store-xiamen-zhongshan', 'wholesale-b2b',
] as const;
const SHOP_WEIGHTS = [18, 4, 14, 5, 9, 8, 4, 3, 6, 5, 5, 3, 2, 2, 2, 2, 1.5, 1.5, 1.5, 0.5];

export const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Guangzhou', 'Hangzhou', 'Chengdu', 'Xiamen', 'Wuhan', 'Nanjing', "Xi'an", 'Chongqing', 'Suzhou'] as const;
export const TAGS = ['vip', 'newsletter', 'churn-risk', 'wholesale', 'app-user', 'birthday-club'] as const;
const TAG_WEIGHTS = [3, 6, 2, 0.5, 4, 2];

const SKUS_PER_CATEGORY = 40;

export interface Vocabulary {
  /** skus[c][r]: the SKU of rank r (0 = best-selling) in category c */
  skus: string[][];
  /** list price in cents per SKU, same shape */
  prices: number[][];
}

export function vocabulary(seed: number): Vocabulary {
  const rng = new Rng(seed ^ 0x5eed);
  const seen = new Set<string>();
  const skus: string[][] = [];
  const prices: number[][] = [];
  CATEGORIES.forEach((cat, c) => {
    const prefix = cat.replace(/-/g, '').slice(0, 3).toUpperCase();
    const base = [800, 1500, 3000, 6000, 12000, 25000, 60000][c % 7]!;
    const list: string[] = [];
    const p: number[] = [];
    while (list.length < SKUS_PER_CATEGORY) {
      const id = `${prefix}-${rng.u32().toString(36).toUpperCase().padStart(7, '0').slice(-5)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      list.push(id);
      // prices end in .00, .50, .90 or .99, spread around the category's base
      const yuan = Math.max(1, Math.round((base * (0.3 + rng.next() * 1.7)) / 100));
      p.push(yuan * 100 + rng.pick([0, 0, 50, 90, 99]));
    }
    skus.push(list);
    prices.push(p);
  });
  return { skus, prices };
}

// ------------------------------------------------------------------ records

type Rec = Record<string, unknown>;

interface Plan {
  lines: number;
  customers: number;
  seed: number;
  endMs: number;
  years: number;
  bad: number;
}

function customerId(i: number): string {
  // a bijection of 0..899999 (48271 is prime and does not divide 900000), so ids are unique
  const n = ((i * 48271 + 12345) % 900_000) + 100_000;
  switch (i % 20) {
    case 0:
    case 1:
      return `1${[3, 5, 8][i % 3]}${String((i * 7_654_321 + 1_000_003) % 1_000_000_000).padStart(9, '0')}`; // phone-like
    case 2:
      return `user${n}@mail.example.cn`;
    default:
      return `C${n}`;
  }
}

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A timestamp in one of the contract's forms (seconds kept; the engine stores whole seconds). */
function tsValue(ms: number, rng: Rng): string | number {
  const r = rng.next();
  if (r < 0.15) return ms; // epoch milliseconds
  if (r < 0.3) return new Date(ms).toISOString(); // Z with milliseconds
  const local = new Date(ms + 8 * 3_600_000);
  const base = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return r < 0.4 ? `${base}+0800` : `${base}+08:00`;
}

function amountValue(cents: number, rng: Rng): string | number {
  const r = rng.next();
  if (r < 0.1) return cents / 100; // a JSON number (0.5, 12.99, 100)
  if (r < 0.15 && cents % 100 === 0) return String(cents / 100); // "100"
  return `${Math.floor(cents / 100)}.${pad(cents % 100)}`;
}

/**
 * All records in file order. Orders come in random time order; refunds,
 * attribute updates and tag removals are scheduled some orders after what
 * they follow up, so they always come later in the file.
 */
function* records(plan: Plan): Generator<Rec> {
  const rng = new Rng(plan.seed);
  const vocab = vocabulary(plan.seed);
  const startMs = plan.endMs - plan.years * 365 * 86_400_000;
  const span = plan.endMs - startMs;
  const shopPick = new Weighted(SHOP_WEIGHTS);
  const tagPick = new Weighted(TAG_WEIGHTS);
  const catPick = new Weighted(CATEGORIES.map((_, c) => 1 / (1 + c * 0.08)));
  const rankPick = new Weighted(Array.from({ length: SKUS_PER_CATEGORY }, (_, r) => 1 / (r + 1))); // Zipf within a category
  const linesPick = new Weighted([35, 25, 20, 12, 8]);
  const expectedOrders = Math.ceil(plan.lines / 2.33);
  const loyal = Math.max(1, Math.floor(plan.customers / 10));
  // customers known only from attribute or tag records (never order)
  const extra = Math.floor(plan.customers / 40);
  const allCustomers = plan.customers + extra;

  // side events: the first attribute record of 60% of customers and tag adds, spread over the file
  const side: Array<['attrs' | 'tag', number]> = [];
  for (let i = 0; i < allCustomers; i++) {
    if (i >= plan.customers || rng.chance(0.6)) side.push(['attrs', i]);
    if (rng.chance(0.3)) side.push(['tag', i]);
    if (rng.chance(0.08)) side.push(['tag', i]);
  }
  for (let i = side.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [side[i], side[j]] = [side[j]!, side[i]!];
  }
  let sideDone = 0;

  const later = new Map<number, Rec[]>();
  const schedule = (at: number, r: Rec) => {
    const due = at + 1 + rng.int(Math.max(1, Math.floor(expectedOrders / 4)));
    const list = later.get(due);
    if (list) list.push(r);
    else later.set(due, [r]);
  };

  const attrsOf = (i: number): Rec => {
    const attrs: Rec = {
      city: rng.pick(CITIES),
      level: 1 + Math.min(4, Math.floor(-Math.log(1 - rng.next()) * 1.2)), // a number 1..5, mostly low
      age: 18 + rng.int(50),
      vip_score: Math.round(rng.next() * 100) / 10,
      signup_date: new Date(startMs - rng.int(3 * 365) * 86_400_000).toISOString().slice(0, 10),
    };
    if (rng.chance(0.05)) attrs.level = String(attrs.level); // the same level written as a string
    if (rng.chance(0.4)) attrs.phone = `1${rng.int(10)}${String(rng.int(1e9)).padStart(9, '0')}`;
    if (rng.chance(0.5)) attrs.gender = rng.pick(['F', 'M', 'F']);
    return { type: 'customer', customer_id: customerId(i), attrs };
  };

  const recent: string[] = [];
  let badLeft = plan.bad;
  const badEvery = plan.bad > 0 ? Math.max(1, Math.floor(expectedOrders / (plan.bad + 1))) : Infinity;
  let badKind = 0;

  let lines = 0;
  let k = 0;
  while (lines < plan.lines) {
    // ---- one order
    const c = rng.chance(0.2) ? rng.int(loyal) : rng.int(plan.customers);
    let when = startMs + rng.next() * span;
    if (rng.chance(0.04)) when = Date.UTC(2024 + rng.int(3), 9, 31, 16) + rng.next() * 11 * 86_400_000; // Double-11 (Beijing time)
    if (when > plan.endMs) when = plan.endMs - rng.int(86_400_000);
    const ms = Math.floor(when / 1000) * 1000 + (rng.chance(0.2) ? rng.int(1000) : 0);
    const n = Math.min(linesPick.pick(rng) + 1, plan.lines - lines);
    const cat = catPick.pick(rng);
    const orderLines: Rec[] = [];
    const used = new Set<string>();
    for (let l = 0; l < n; l++) {
      const cc = l === 0 || rng.chance(0.5) ? cat : catPick.pick(rng);
      const r = rankPick.pick(rng);
      const sku = vocab.skus[cc]![r]!;
      if (used.has(sku)) continue;
      used.add(sku);
      const qty = rng.chance(0.8) ? 1 : 2 + rng.int(3);
      const discount = rng.chance(0.3) ? 0.8 + rng.next() * 0.15 : 1;
      const cents = Math.round(vocab.prices[cc]![r]! * qty * discount);
      orderLines.push({ sku, category: CATEGORIES[cc], quantity: qty, amount: amountValue(cents, rng) });
    }
    const id = uuid(rng);
    const status = rng.chance(0.007) ? 'refunded' : 'paid';
    yield { type: 'order', order_id: id, customer_id: customerId(c), ts: tsValue(ms, rng), shop: SHOPS[shopPick.pick(rng)], status, lines: orderLines };
    lines += orderLines.length;
    if (status === 'paid' && rng.chance(0.03)) schedule(k, { type: 'refund', order_id: id });
    if (recent.length < 100) recent.push(id);
    else recent[rng.int(100)] = id;

    // ---- side events due by now
    const sideDue = Math.min(side.length, Math.floor(((k + 1) / expectedOrders) * side.length));
    for (; sideDone < sideDue; sideDone++) {
      const [kind, i] = side[sideDone]!;
      if (kind === 'attrs') {
        yield attrsOf(i);
        if (rng.chance(0.15)) {
          const change: Rec = { level: 1 + rng.int(5) };
          if (rng.chance(0.3)) change.phone = null; // deletes it
          if (rng.chance(0.2)) change.city = rng.pick(CITIES);
          schedule(k, { type: 'customer', customer_id: customerId(i), attrs: change });
        }
      } else {
        const tag = TAGS[tagPick.pick(rng)];
        yield { type: 'tag', customer_id: customerId(i), tag, op: 'add' };
        if (rng.chance(0.2)) schedule(k, { type: 'tag', customer_id: customerId(i), tag, op: 'remove' });
      }
    }
    const due = later.get(k);
    if (due) {
      later.delete(k);
      yield* due;
    }

    // ---- now and then a record that breaks the contract
    if (badLeft > 0 && k % badEvery === badEvery - 1) {
      badLeft--;
      yield badRecord(badKind++, rng, recent, customerId(c));
    }
    k++;
  }
  for (; sideDone < side.length; sideDone++) {
    const [kind, i] = side[sideDone]!;
    yield kind === 'attrs' ? attrsOf(i) : { type: 'tag', customer_id: customerId(i), tag: TAGS[tagPick.pick(rng)], op: 'add' };
  }
  for (const key of [...later.keys()].sort((a, b) => a - b)) yield* later.get(key)!;
  while (badLeft-- > 0) yield badRecord(badKind++, rng, recent, customerId(0));
}

function badRecord(kind: number, rng: Rng, recent: string[], customer: string): Rec {
  const line = { sku: 'TEA-BAD01', category: 'tea', quantity: 1, amount: '10.00' };
  const order = (over: Rec): Rec => ({ type: 'order', order_id: uuid(rng), customer_id: customer, ts: '2026-06-01T10:00:00+08:00', shop: 'web', status: 'paid', lines: [line], ...over });
  switch (kind % 8) {
    case 0: return order({ order_id: rng.pick(recent) }); // a duplicate order id
    case 1: return { type: 'refund', order_id: uuid(rng) }; // refund of an unknown order
    case 2: return order({ lines: [{ ...line, amount: '-5.00' }] });
    case 3: return order({ customer_id: '' });
    case 4: return order({ ts: '2026-06-01 10:00:00' });
    case 5: return order({ lines: [{ ...line, quantity: 0 }] });
    case 6: return { type: 'coupon', customer_id: customer };
    default: return order({ lines: [{ ...line, amount: '1.005' }] });
  }
}

// ------------------------------------------------------------------ writers

class Sink {
  private fd: number;
  private buf: string[] = [];
  private size = 0;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }

  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.buf.length) fs.writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

function csvField(v: unknown): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

interface Counts {
  records: number;
  orders: number;
  lines: number;
  refunds: number;
  customers: number;
  tags: number;
}

function write(plan: Plan, out: string): { files: string[]; counts: Counts } {
  const ext = path.extname(out).toLowerCase();
  const counts: Counts = { records: 0, orders: 0, lines: 0, refunds: 0, customers: 0, tags: 0 };
  const tally = (r: Rec) => {
    counts.records++;
    if (r.type === 'order') {
      counts.orders++;
      counts.lines += (r.lines as unknown[]).length;
    } else if (r.type === 'refund') counts.refunds++;
    else if (r.type === 'customer') counts.customers++;
    else if (r.type === 'tag') counts.tags++;
  };
  if (ext === '.ndjson' || ext === '.jsonl') {
    const sink = new Sink(out);
    for (const r of records(plan)) {
      tally(r);
      sink.write(JSON.stringify(r) + '\n');
    }
    sink.close();
    return { files: [out], counts };
  }
  if (ext !== '.csv' && ext !== '.arrow') throw new Error(`--out must end in .ndjson, .jsonl, .csv or .arrow, got ${out}`);
  const eventsFile = out.slice(0, -ext.length) + '.events.ndjson';
  const events = new Sink(eventsFile);
  const isOrder = (r: Rec): boolean => r.type === 'order' && Array.isArray(r.lines) && r.lines.length > 0;
  if (ext === '.csv') {
    const sink = new Sink(out);
    sink.write('order_id,customer_id,ts,shop,status,sku,category,quantity,amount\r\n');
    for (const r of records(plan)) {
      tally(r);
      if (!isOrder(r)) {
        events.write(JSON.stringify(r) + '\n');
        continue;
      }
      for (const l of r.lines as Rec[]) {
        sink.write([r.order_id, r.customer_id, r.ts, r.shop, r.status, l.sku, l.category, l.quantity, l.amount].map(csvField).join(',') + '\r\n');
      }
    }
    sink.close();
  } else {
    // Arrow IPC file: ts as Timestamp[ms] (ISO text parsed here), quantity Int32, the rest Utf8
    const batches: RecordBatch[] = [];
    const cols = { order_id: [] as string[], customer_id: [] as string[], ts: [] as number[], shop: [] as string[], status: [] as string[], sku: [] as string[], category: [] as string[], quantity: [] as number[], amount: [] as string[] };
    const emit = () => {
      if (cols.order_id.length === 0) return;
      const table = new Table({
        order_id: vectorFromArray(cols.order_id, new Utf8()),
        customer_id: vectorFromArray(cols.customer_id, new Utf8()),
        ts: vectorFromArray(cols.ts.map((ms) => new Date(ms)), new TimestampMillisecond()),
        shop: vectorFromArray(cols.shop, new Utf8()),
        status: vectorFromArray(cols.status, new Utf8()),
        sku: vectorFromArray(cols.sku, new Utf8()),
        category: vectorFromArray(cols.category, new Utf8()),
        quantity: makeVector(Int32Array.from(cols.quantity)),
        amount: vectorFromArray(cols.amount, new Utf8()),
      });
      batches.push(...table.batches);
      for (const k of Object.keys(cols)) (cols as Record<string, unknown[]>)[k]!.length = 0;
    };
    for (const r of records(plan)) {
      tally(r);
      if (!isOrder(r) || typeof r.ts !== 'string' && typeof r.ts !== 'number') {
        events.write(JSON.stringify(r) + '\n');
        continue;
      }
      const ms = typeof r.ts === 'number' ? r.ts : Date.parse((r.ts as string).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (!Number.isFinite(ms)) {
        events.write(JSON.stringify(r) + '\n'); // (a bad record: keep it where it can be refused)
        continue;
      }
      for (const l of r.lines as Rec[]) {
        cols.order_id.push(String(r.order_id));
        cols.customer_id.push(String(r.customer_id));
        cols.ts.push(ms);
        cols.shop.push(String(r.shop));
        cols.status.push(String(r.status));
        cols.sku.push(String(l.sku));
        cols.category.push(String(l.category));
        cols.quantity.push(Number(l.quantity));
        cols.amount.push(String(l.amount));
      }
      if (cols.order_id.length >= 100_000) emit();
    }
    emit();
    fs.writeFileSync(out, tableToIPC(new Table(batches), 'file'));
  }
  events.close();
  return { files: [out, eventsFile], counts };
}

// ------------------------------------------------------------------ queries

export function queries(seed: number): Record<string, string> {
  const v = vocabulary(seed);
  const cat = (name: (typeof CATEGORIES)[number]): number => CATEGORIES.indexOf(name);
  const top = (name: (typeof CATEGORIES)[number], rank = 0): string => v.skus[cat(name)]![rank]!;
  const x = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
  const out: Record<string, string> = {};
  const seg = (name: string, body: string, attrs = ''): void => {
    out[name] = `<segment name="${name}"${attrs}>\n${body}\n</segment>\n`;
  };

  seg('cross-sell', [
    `  <bought sku="${top('coffee')}" from="2026-09-01" to="2026-11-11"/>`,
    `  <not><bought sku="${top('kitchen-appliances')}" from="2026-09-01" to="2026-11-11"/></not>`,
  ].join('\n'));

  seg('repurchase', [
    '  <bought category="diapers" last="90d" minCount="2"/>',
    '  <not><bought category="diapers" last="21d"/></not>',
  ].join('\n'));

  seg('high-value-vip', [
    '  <bought from="2026-01-01" minAmount="3000.00"/>',
    '  <tag name="vip"/>',
    '  <attr name="level" gte="2"/>',
  ].join('\n'));

  seg('dormant', [
    '  <bought minCount="4"/>',
    '  <not><bought last="180d"/></not>',
  ].join('\n'));

  {
    const months = Array.from({ length: 12 }, (_, i) => {
      const d = new Date(Date.UTC(2025, 11 + i, 1));
      const last = new Date(Date.UTC(2025, 12 + i, 0));
      return [d.toISOString().slice(0, 10), last.toISOString().slice(0, 10)] as const;
    });
    const terms = Array.from({ length: 40 }, (_, i) => {
      const [from, to] = months[i % 12]!;
      return `    <bought sku="${top(CATEGORIES[i]!, i % 3)}" shop="${SHOPS[i % 12]}" from="${from}" to="${to}"/>`;
    });
    seg('wide-or-40', `  <or>\n${terms.join('\n')}\n  </or>`);
  }

  seg('nested-not-or', [
    '  <bought category="skincare" last="365d"/>',
    '  <not>',
    '    <or>',
    '      <tag name="churn-risk"/>',
    `      <attr name="city"><value>Shanghai</value><value>${x("Xi'an")}</value></attr>`,
    '      <and>',
    '        <bought shop="pdd" last="30d"/>',
    '        <not><tag name="vip"/></not>',
    '      </and>',
    '    </or>',
    '  </not>',
  ].join('\n'));

  seg('age-band-beauty', [
    '  <attr name="age" gte="25" lt="35"/>',
    '  <bought last="26w"><category>makeup</category><category>fragrance</category></bought>',
  ].join('\n'));

  seg('app-last-72h', '  <bought last="72h"><shop>app-ios</shop><shop>app-android</shop><shop>wechat-mall</shop></bought>');

  seg('light-book-buyers', [
    '  <bought category="books" last="365d" maxCount="2" maxAmount="150"/>',
    '  <attr name="signup_date" exists="true"/>',
  ].join('\n'));

  seg('level-3-no-phone', [
    '  <attr name="level" eq="3"/>',
    '  <attr name="phone" exists="false"/>',
    '  <bought last="52w" minCount="2"/>',
  ].join('\n'));

  seg('double-11-basket', [
    `  <bought from="2026-11-10T20:00:00+08:00" to="2026-11-11T23:59:59+08:00" minAmount="300">`,
    '    <category>skincare</category><category>makeup</category><category>fragrance</category>',
    '  </bought>',
    '  <not>',
    '    <bought from="2026-11-10T20:00:00+08:00" to="2026-11-11T23:59:59+08:00">',
    ...[0, 1, 2].map((r) => `      <sku>${top('skincare', r)}</sku>`),
    '    </bought>',
    '  </not>',
  ].join('\n'));

  seg('ny-dst-week', [
    '  <bought category="coffee" from="2026-03-01" to="2026-03-08"/>',
    '  <tag name="newsletter"/>',
  ].join('\n'), ' asOf="2026-03-15T12:00:00-04:00" tz="America/New_York"');

  seg('lapsed-non-subscribers', [
    '  <not><tag name="newsletter"/></not>',
    '  <not><bought last="365d"/></not>',
  ].join('\n'));

  seg('score-band-repeat', [
    '  <attr name="vip_score" gt="7.5" lte="9.9"/>',
    '  <bought last="52w" minCount="3"><category>tea</category><category>coffee</category><category>snacks</category></bought>',
  ].join('\n'));

  seg('vip-not-dormant', [
    '  <ref segment="high-value-vip"/>',
    '  <not><ref segment="dormant"/></not>',
  ].join('\n'));

  // part two (contract 7): the CRM primitives
  seg('rfm-score', [
    '  <and>',
    '    <score by="recency" last="365d" min="4"/>',
    '    <score by="frequency" last="365d" min="4"/>',
    '    <score by="monetary" last="365d" min="4"/>',
    '  </and>',
  ].join('\n'));

  seg('spend-layer', '  <score by="monetary" last="365d" cuts="1000,5000,20000" min="3" max="3"/>');

  seg('new-customers', '  <firstOrder last="30d"/>');

  seg('lapsed', '  <lastOrder from="-365d" to="-90d"/>');

  seg('phone-then-case', [
    '  <sequence within="30d" last="365d">',
    `    <step sku="${top('phones')}"/>`,
    '    <step category="phone-accessories"/>',
    '  </sequence>',
  ].join('\n'));

  seg('phone-no-case', [
    '  <sequence within="30d">',
    `    <step sku="${top('phones')}"/>`,
    '    <absent category="phone-accessories"/>',
    '  </sequence>',
  ].join('\n'));

  seg('campaign-holdout', [
    '  <bought category="skincare" last="90d"/>',
    '  <not><sample seed="spring-24" from="0" to="10"/></not>',
  ].join('\n'));

  seg('bulk-buyer', '  <bought category="snacks" last="365d" minQuantity="10"/>');

  return out;
}

// ------------------------------------------------------------------ CLI

function main(): void {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' },
      out: { type: 'string' },
      customers: { type: 'string', default: '200000' },
      seed: { type: 'string', default: '7' },
      end: { type: 'string', default: '2026-11-30' },
      years: { type: 'string', default: '3' },
      bad: { type: 'string', default: '0' },
      'queries-out': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || (!values.out && !values['queries-out'])) {
    process.stdout.write(`usage: node dist/bench/foreign/foreign-data.js --lines N --out FILE.ndjson|.csv|.arrow [--customers M] [--seed S]
         [--end YYYY-MM-DD] [--years Y] [--bad B] [--queries-out DIR]
`);
    process.exit(values.help ? 0 : 2);
  }
  const int = (name: string, v: string): number => {
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
    return n;
  };
  const seed = int('seed', values.seed!);
  if (values.out) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.end!)) throw new Error('--end must be YYYY-MM-DD');
    const plan: Plan = {
      lines: int('lines', values.lines ?? '2900000'),
      customers: Math.max(10, int('customers', values.customers!)),
      seed,
      // the last second of --end in Beijing time
      endMs: Date.parse(`${values.end}T23:59:59+08:00`),
      years: Math.max(1, int('years', values.years!)),
      bad: int('bad', values.bad!),
    };
    const t0 = performance.now();
    const { files, counts } = write(plan, values.out);
    process.stderr.write(`wrote ${files.join(' + ')}: ${counts.records.toLocaleString('en-US')} records (${counts.orders.toLocaleString('en-US')} orders, ` +
      `${counts.lines.toLocaleString('en-US')} lines, ${counts.refunds.toLocaleString('en-US')} refunds, ${counts.customers.toLocaleString('en-US')} customer records, ` +
      `${counts.tags.toLocaleString('en-US')} tag events${plan.bad ? `, ${plan.bad} bad records` : ''}) in ${((performance.now() - t0) / 1000).toFixed(1)}s\n`);
    process.stderr.write(`the data ends ${values.end} 23:59:59 +08:00: use --as-of ${nextDay(values.end!)}T00:00:00+08:00\n`);
  }
  if (values['queries-out']) {
    const dir = values['queries-out'];
    fs.mkdirSync(dir, { recursive: true });
    const qs = queries(seed);
    for (const [name, xml] of Object.entries(qs)) fs.writeFileSync(path.join(dir, `${name}.xml`), xml);
    process.stderr.write(`wrote ${Object.keys(qs).length} segments to ${dir}\n`);
  }
}

function nextDay(date: string): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isMain) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`foreign-data: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
