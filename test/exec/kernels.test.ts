import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prepareBought, runBought, type KernelChoice } from '../../src/exec/eval-bought.js';
import { boughtByDays, DayBucketCache } from '../../src/exec/day-buckets.js';
import type { BoughtTask } from '../../src/exec/bought-task.js';
import { Scratch } from '../../src/exec/scratch.js';
import { quantityFitsBytes } from '../../src/exec/sum-quantities.js';
import { Catalog } from '../../src/store/catalog.js';
import { DAY_SECONDS, Shard } from '../../src/store/shard.js';
import type { BoughtPlan } from '../../src/elements/bought/index.js';

/**
 * Every kernel that can answer a `<bought>` on a shard, against a plain
 * reference on random shards and plans. The kernels are hand-inlined copies
 * of one filter-count-threshold loop (eval-bought.ts, count-orders.ts,
 * scan-orders.ts, row-filters.ts, day-buckets.ts); this is what checks that
 * they agree. Each variant is forced on the same task:
 *
 * - byte counts (count-orders.ts) or acc counts and sums (KernelChoice.byteCounts)
 * - one slice (lines of an order adjacent) or several (a bit per order): the
 *   task's slices cut in two
 * - orders inside the window, or outside it against the totals (KernelChoice.complement)
 * - existence marks, with and without candidates
 * - day buckets (existence over whole days), before and after refunds and appends
 * - quantity bounds (sum-quantities.ts), over lines and over orders, and a
 *   saturating byte per customer (over one slice of lines, several, or orders)
 * - a fresh scratch with tiny buffers (flushes, buckets) and one reused dirty across runs
 */

const DAY = DAY_SECONDS;
const DAYS = 8;
const CUSTOMERS = 10;
const SKUS = ['s0', 's1', 's2', 's3'];
const CATEGORIES = ['c0', 'c1', 'c2'];
const SHOPS = ['p0', 'p1', 'p2'];

interface Line { sku: number; category: number; amount: number; quantity: number }
interface Order { customer: number; ts: number; shop: number; alive: boolean; lines: Line[] }

/** seconds within a day, often on its edges: same-second orders and window edges are common */
const secondArb = fc.oneof(fc.constantFrom(0, 1, DAY / 2, DAY - 1), fc.integer({ min: 0, max: DAY - 1 }));
const tsArb = fc.tuple(fc.integer({ min: 0, max: DAYS - 1 }), secondArb).map(([d, s]) => d * DAY + s);
const lineArb = fc.record({
  // few values: repeated SKUs and categories within an order
  sku: fc.integer({ min: 0, max: SKUS.length - 1 }),
  category: fc.integer({ min: 0, max: CATEGORIES.length - 1 }),
  amount: fc.constantFrom(0, 1, 99, 100, 250, 1000),
  // mostly one, as in real data; equal sums across customers are common; 120 reaches a byte's saturation (255)
  quantity: fc.constantFrom(1, 1, 1, 2, 3, 7, 1, 1, 2, 120),
});
const orderArb: fc.Arbitrary<Order> = fc.record({
  customer: fc.integer({ min: 0, max: CUSTOMERS - 1 }),
  ts: tsArb,
  shop: fc.integer({ min: 0, max: SHOPS.length - 1 }),
  alive: fc.integer({ min: 0, max: 9 }).map((n) => n >= 2), // a fifth refunded
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
});

/** a window edge: on a day boundary, one second either side, mid-day, or anywhere */
const edgeArb = fc.tuple(fc.integer({ min: -1, max: DAYS }), fc.constantFrom(-1, 0, 1, DAY / 2, DAY - 1, DAY)).map(([d, s]) => d * DAY + s);
const filterArb = (values: string[]) =>
  fc.option(fc.subarray([...values, 'unknown'], { minLength: 1 }).filter((v) => v.length > 1 || v[0] !== 'unknown'), { nil: undefined, freq: 2 });
const planArb: fc.Arbitrary<BoughtPlan> = fc
  .record({
    skus: filterArb(SKUS),
    categories: filterArb(CATEGORIES),
    shops: filterArb(SHOPS),
    lo: fc.oneof(edgeArb, fc.constant(Number.NEGATIVE_INFINITY), tsArb),
    hiEdge: fc.option(edgeArb, { nil: undefined, freq: 2 }),
    span: fc.oneof(fc.integer({ min: 0, max: (DAYS + 2) * DAY }), fc.integer({ min: 0, max: DAYS + 2 }).map((d) => d * DAY - 1)),
    counts: fc.oneof(
      { weight: 3, arbitrary: fc.constant<{ minCount: number; maxCount?: number }>({ minCount: 1 }) }, // existence
      { weight: 3, arbitrary: fc.record({ minCount: fc.integer({ min: 1, max: 4 }), maxCount: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) }) },
      // a byte per customer decides minCount up to 255 and maxCount below it
      { weight: 1, arbitrary: fc.record({ minCount: fc.constantFrom(1, 2, 255, 256), maxCount: fc.constantFrom(254, 255, 256) }) },
    ),
    amounts: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.record({
          minAmountCents: fc.option(fc.constantFrom(0, 1, 100, 350, 1000), { nil: undefined }),
          maxAmountCents: fc.option(fc.constantFrom(0, 99, 350, 2000), { nil: undefined }),
        }),
      },
    ),
    // contract 7.2: bounds on the sum of the matching lines' quantities (sum-quantities.ts)
    quantities: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.record({
          // around 255: where a saturating byte per customer stops deciding (sum-quantities.ts)
          minQuantity: fc.option(fc.constantFrom(1, 2, 3, 4, 8, 125, 254, 255, 256), { nil: undefined }),
          maxQuantity: fc.option(fc.constantFrom(1, 2, 3, 5, 10, 240, 254, 255, 256, 400), { nil: undefined }),
        }),
      },
    ),
  })
  .map(({ skus, categories, shops, lo, hiEdge, span, counts, amounts, quantities }) => {
    // whole seconds, as resolved windows are
    let hi = Number.isFinite(lo) ? lo + span : (DAYS - 1) * DAY + Math.floor(span / 2);
    if (hiEdge !== undefined && hiEdge >= lo) hi = hiEdge;
    // the planner makes impossible bounds an empty plan: none reach a kernel
    const { minCount } = counts;
    const maxCount = counts.maxCount !== undefined && counts.maxCount >= minCount ? counts.maxCount : undefined;
    let { minAmountCents, maxAmountCents } = amounts ?? {};
    if (minAmountCents !== undefined && maxAmountCents !== undefined && maxAmountCents < minAmountCents) maxAmountCents = undefined;
    let { minQuantity, maxQuantity } = quantities ?? {};
    if (minQuantity !== undefined && maxQuantity !== undefined && maxQuantity < minQuantity) maxQuantity = undefined;
    return { kind: 'bought', key: 'k', estimate: 0, skus, categories, shops, lo, hi, minCount, maxCount, minAmountCents, maxAmountCents, minQuantity, maxQuantity };
  });

/** The obvious answer: every order line, grouped by order, then by customer. */
function reference(orders: readonly Order[], plan: BoughtPlan, candidates: ReadonlySet<number> | undefined): number[] {
  const count = new Map<number, number>(), sum = new Map<number, number>(), quantity = new Map<number, number>();
  for (const o of orders) {
    if (!o.alive || o.ts < plan.lo || o.ts > plan.hi) continue;
    if (plan.shops && !plan.shops.includes(SHOPS[o.shop]!)) continue;
    const lines = o.lines.filter((l) => (!plan.skus || plan.skus.includes(SKUS[l.sku]!)) && (!plan.categories || plan.categories.includes(CATEGORIES[l.category]!)));
    if (lines.length === 0) continue;
    count.set(o.customer, (count.get(o.customer) ?? 0) + 1);
    sum.set(o.customer, (sum.get(o.customer) ?? 0) + lines.reduce((s, l) => s + l.amount, 0));
    quantity.set(o.customer, (quantity.get(o.customer) ?? 0) + lines.reduce((s, l) => s + l.quantity, 0));
  }
  const members: number[] = [];
  for (const [c, n] of count) {
    const cents = sum.get(c)!;
    if (candidates && !candidates.has(c)) continue;
    if (n < plan.minCount || (plan.maxCount !== undefined && n > plan.maxCount)) continue;
    if ((plan.minAmountCents !== undefined && cents < plan.minAmountCents) || (plan.maxAmountCents !== undefined && cents > plan.maxAmountCents)) continue;
    const q = quantity.get(c)!;
    if ((plan.minQuantity !== undefined && q < plan.minQuantity) || (plan.maxQuantity !== undefined && q > plan.maxQuantity)) continue;
    members.push(c);
  }
  return members.sort((a, b) => a - b);
}

function catalogOf(): Catalog {
  const catalog = new Catalog();
  for (const s of SKUS) catalog.skus.intern(s);
  for (const c of CATEGORIES) catalog.categories.intern(c);
  for (const p of SHOPS) catalog.shops.intern(p);
  return catalog;
}

const encode = (o: Order) => o.lines.map((l) => ({ skuId: l.sku, categoryId: l.category, quantity: l.quantity, amountCents: l.amount }));

/** Appended one by one (late rows when out of time order), or bulk-loaded (in time order: counting-sorted postings with order copies). */
function buildShard(orders: readonly Order[], bulk: boolean): Shard {
  const shard = new Shard();
  for (let c = 0; c < CUSTOMERS; c++) shard.customer(`u${c}`);
  if (!bulk) {
    for (const o of orders) shard.addOrder(o.customer, o.ts, o.shop, o.alive, encode(o));
    return shard;
  }
  const lines = orders.flatMap((o) => o.lines);
  shard.beginBulk(orders.length, lines.length);
  const cols = { skuIds: lines.map((l) => l.sku), categoryIds: lines.map((l) => l.category), quantities: lines.map((l) => l.quantity), amountCents: lines.map((l) => l.amount) };
  let at = 0;
  for (const o of orders) {
    shard.addOrderFromColumns(o.customer, o.ts, o.shop, o.alive, cols, at, at + o.lines.length);
    at += o.lines.length;
  }
  shard.finishBulk();
  return shard;
}

/** The same task over each slice cut in two: several slices, so an order's lines are no longer known adjacent. */
function cutSlices(task: BoughtTask): BoughtTask {
  return {
    ...task,
    slices: task.slices.flatMap((s) => {
      const mid = s.start + ((s.end - s.start) >>> 1);
      return [{ ...s, end: mid }, { ...s, start: mid }];
    }),
  };
}

function candidateBits(set: ReadonlySet<number>, customerCount: number): Int32Array {
  const bits = new Int32Array((customerCount + 31) >>> 5);
  for (const c of set) bits[c >>> 5]! |= 1 << (c & 31);
  return bits;
}

/** Which code path a task takes under a choice (mirrors runBought's dispatch): to check every path was reached. */
function pathOf(task: BoughtTask, choice: KernelChoice): string {
  if (task.minQuantity !== undefined || task.maxQuantity !== undefined) {
    const cands = task.candidates ? '+candidates' : '';
    if (choice.byteCounts !== false && quantityFitsBytes(task)) return `quantity/bytes/${task.unit === 'orders' ? 'orders' : task.slices.length === 1 ? 'one' : 'many'}${cands}`;
    return `quantity/${task.unit}${cands}`;
  }
  const bytes = choice.byteCounts !== false && !task.existence && !task.complement && task.minAmountCents === undefined &&
    task.maxAmountCents === undefined && task.minCount <= 255 && (task.maxCount === undefined || task.maxCount < 255);
  const slices = task.slices.length === 1 ? 'one' : 'many';
  const cands = task.candidates ? '+candidates' : '';
  if (bytes) return `bytes/${task.unit}${task.unit === 'lines' ? `/${slices}` : ''}${cands}`;
  if (task.unit === 'orders') return `orders/${task.complement ? 'complement' : task.existence ? 'existence' : 'counted'}${cands}`;
  if (task.existence) return `lines/existence${cands}`;
  return `lines/acc/${slices}${cands}`;
}

const seen = new Set<string>();
const REQUIRED_PATHS = [
  'bytes/orders', 'bytes/lines/one', 'bytes/lines/many', 'orders/existence', 'orders/counted', 'orders/complement',
  'lines/existence', 'lines/acc/one', 'lines/acc/many', 'day-buckets/lines', 'day-buckets/orders',
  'quantity/lines', 'quantity/orders', 'quantity/bytes/one', 'quantity/bytes/many', 'quantity/bytes/orders',
];

describe('every <bought> kernel against a plain reference', () => {
  afterAll(() => {
    // a generator change that stops reaching a kernel must not pass silently
    for (const p of REQUIRED_PATHS) expect(seen, `no run reached ${p}`).toContain(p);
    for (const p of REQUIRED_PATHS.filter((q) => !q.startsWith('day-buckets'))) expect(seen, `no run reached ${p} with candidates`).toContain(`${p}+candidates`);
  });

  // reused across runs: a kernel that leaves scratch dirty shows in a later run
  const shared = new Scratch();
  const candidatesArb = fc.option(fc.subarray([...Array(CUSTOMERS).keys()]), { nil: undefined });

  it('gives the reference members for every variant, before and after refunds and appends', () => {
    fc.assert(property(fc.tuple(planArb, candidatesArb)), { numRuns: 400 });
  });

  it('gives the reference members from day buckets: existence over whole days, edges to the second', () => {
    const bucketed = fc.tuple(planArb, edgeArb, edgeArb, fc.integer({ min: 0, max: 4 })).map(([plan, lo, hi, days]): [BoughtPlan, undefined] => [
      { ...plan, lo, hi: Math.max(lo, hi + days * DAY), minCount: 1, maxCount: undefined, minAmountCents: undefined, maxAmountCents: undefined, minQuantity: undefined, maxQuantity: undefined },
      undefined,
    ]);
    fc.assert(property(bucketed), { numRuns: 200 });
  });

  it('gives the reference members from a byte of quantity per customer: a minQuantity and no count or amount bound', () => {
    const byQuantity = fc.tuple(planArb, fc.constantFrom(1, 2, 3, 8, 125, 255), fc.constantFrom(undefined, 3, 10, 254), candidatesArb)
      .map(([plan, minQuantity, maxQuantity, candidates]): [BoughtPlan, number[] | undefined] => [
        { ...plan, minCount: 1, maxCount: undefined, minAmountCents: undefined, maxAmountCents: undefined, minQuantity, maxQuantity: maxQuantity !== undefined && maxQuantity >= minQuantity ? maxQuantity : undefined },
        candidates,
      ]);
    fc.assert(property(byQuantity), { numRuns: 150 });
  });

  it('saturates a byte quantity sum at 255 instead of wrapping, over one slice of lines, several, and orders', () => {
    // customer 0: 3 x 120 = 360 in c0 (a wrapped byte would hold 104); customer 1: 2 x 120 = 240
    const line = (quantity: number): Line => ({ sku: 0, category: 0, amount: 100, quantity });
    const orders: Order[] = [
      { customer: 0, ts: DAY, shop: 0, alive: true, lines: [line(120), line(120)] },
      { customer: 1, ts: 2 * DAY, shop: 0, alive: true, lines: [line(120), line(120)] },
      { customer: 0, ts: 3 * DAY, shop: 1, alive: true, lines: [line(120)] },
      // customer 2 (60 in all, none in c0, shop p2): lines enough that the orders of shops p0 and p1
      // are searched one by one (TUNING.QUANTITY_WIDE_ORDERS_PER_LINE), not summed in a pass over every line
      ...Array.from({ length: 15 }, (_, k): Order => ({ customer: 2, ts: 4 * DAY + k, shop: 2, alive: true, lines: Array.from({ length: 4 }, () => ({ ...line(1), category: 1 })) })),
    ];
    const scratch = new Scratch();
    for (const bulk of [false, true]) {
      const shard = buildShard(orders, bulk);
      for (const [minQuantity, maxQuantity, want] of [[255, undefined, [0]], [241, 254, []], [240, 254, [1]], [200, undefined, [0, 1]]] as const) {
        // over lines (a category), over orders (no filter, or shops: every line of an order matches)
        for (const filter of [{ categories: ['c0'] }, {}, { shops: ['p0', 'p1'] }]) {
          const plan: BoughtPlan = { kind: 'bought', key: 'k', estimate: 0, ...filter, lo: 0, hi: DAYS * DAY, minCount: 1, minQuantity, maxQuantity };
          const task = prepareBought(plan, shard, catalogOf(), 's')!;
          for (const t of [task, cutSlices(task)]) {
            expect(quantityFitsBytes(t)).toBe(true);
            // one scratch for the byte and the acc runs: a byte run must leave acc clear
            for (const choice of [{}, { byteCounts: false }] satisfies KernelChoice[]) {
              expect(runBought(t, scratch, choice).toArray(), `${JSON.stringify(filter)} ${minQuantity}..${maxQuantity}`).toEqual(want);
            }
          }
        }
      }
    }
  });

  function property(planAndCandidates: fc.Arbitrary<[BoughtPlan, number[] | undefined]>) {
    return fc.property(
      fc.array(orderArb, { maxLength: 60 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.array(orderArb, { maxLength: 10 }),
      fc.array(planAndCandidates, { minLength: 1, maxLength: 4 }),
      fc.record({ pending: fc.integer({ min: 1, max: 8 }), bucketShift: fc.integer({ min: 0, max: 3 }) }),
      (initial, bulk, refunds, appended, plans, sizes) => {
        const catalog = catalogOf();
        // bulk loads come in time order, as the generator's
        const orders = (bulk ? [...initial].sort((a, b) => a.ts - b.ts) : initial).map((o) => ({ ...o }));
        const shard = buildShard(orders, bulk);
        const tiny = new Scratch(sizes);
        const cache = new DayBucketCache(1 << 20, 0);

        const check = (): void => {
          for (const [plan, candidateList] of plans) {
            const candidates = candidateList && new Set(candidateList);
            const want = reference(orders, plan, candidates);
            const bits = candidates && candidateBits(candidates, shard.customerCount);
            const unfiltered = !plan.skus && !plan.categories && !plan.shops;
            for (const complement of unfiltered ? [undefined, true, false] : [undefined]) {
              const task = prepareBought(plan, shard, catalog, 's', bits, { complement });
              if (!task) {
                expect(want, 'prepareBought found nothing to match').toEqual([]);
                continue;
              }
              for (const t of [task, cutSlices(task)]) {
                for (const choice of [{}, { byteCounts: false }] satisfies KernelChoice[]) {
                  for (const scratch of [shared, tiny]) {
                    const label = pathOf(t, choice);
                    seen.add(label);
                    expect(runBought(t, scratch, choice).toArray(), label).toEqual(want);
                  }
                }
              }
              if (!bits && complement === undefined) {
                // day buckets are built on a filter's second use; the first may answer by scanning (undefined)
                for (let round = 0; round < 2; round++) {
                  const got = boughtByDays(plan, shard, catalog, shared, cache, task);
                  if (!got) continue;
                  seen.add(`day-buckets/${task.unit}`);
                  expect(got.toArray(), `day buckets, round ${round}`).toEqual(want);
                }
              }
            }
          }
        };

        check();
        // refunds and appends move the day versions: buckets must be rebuilt, totals follow
        for (const r of refunds) {
          if (orders.length === 0) break;
          const at = r % orders.length;
          shard.refund(at);
          orders[at]!.alive = false;
        }
        for (const o of appended) {
          shard.addOrder(o.customer, o.ts, o.shop, o.alive, encode(o));
          orders.push({ ...o });
        }
        check();
      },
    );
  }
});
