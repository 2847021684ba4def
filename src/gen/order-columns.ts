/**
 * The order generator's core: produces order LINES day by day, in time order,
 * straight into reusable typed-array columns. No per-record objects or
 * strings, so bulk consumers (a direct store builder) pay only for the random
 * draws. `generate()` builds its records from these same batches, so both
 * paths yield the same data set by construction.
 *
 * Per day: draw every order's second of the day (hour-of-day rhythm), bucket
 * them with a counting sort over the 86,400 seconds, then walk the seconds in
 * order drawing buyer, shop, lines and refund fate for each order.
 */
import type { Catalog } from './catalog.js';
import { customerId, orderId } from './ids.js';
import { planGeneration, type GenerateOptions, type GenPlan } from './plan.js';
import { createRng, type Sfc32 } from './random.js';
import { AliasTable } from './sampling.js';
import { hourWeights, isMidnightRushDay } from './seasonality.js';
import { SECONDS_PER_DAY, shanghaiDayStart, ShanghaiTsFormatter } from './time-format.js';

/** `refund` column values. */
export const REFUND_NONE = 0;
/** The order arrives with status `refunded` (it never counts). */
export const REFUND_AT_INGEST = 1;
/** The order arrives `paid`; a `refund` event follows in a later batch. */
export const REFUND_LATER = 2;

/** At most this many lines per order; a batch keeps an order's lines together. */
export const MAX_LINES_PER_ORDER = 5;
export const DEFAULT_BATCH_LINES = 65536;

/** Lines per order: mostly one. */
const LINE_COUNT_WEIGHTS = [72, 17, 6, 3, 2];
/** Quantity per line: mostly one, a long thin tail to 10. */
const QUANTITY_WEIGHTS = [82, 11, 4, 1.2, 0.8, 0.3, 0.2, 0.1, 0.1, 0.3];
/** Refunded with status `refunded` in the order record itself. */
const REFUND_AT_INGEST_RATE = 0.006;
/** Refunded by a later `refund` record; the two rates total about 3%. */
const REFUND_LATER_RATE = 0.024;
/** A refund event follows 1..21 days after its order (clamped to the last day). */
const MAX_REFUND_DELAY_DAYS = 21;
/** Extra lines that are free gifts (amount 0.00). */
const GIFT_LINE_RATE = 0.01;

const TWO_POW_32 = 4294967296;
const REFUND_AT_INGEST_U32 = REFUND_AT_INGEST_RATE * TWO_POW_32;
const REFUND_ANY_U32 = (REFUND_AT_INGEST_RATE + REFUND_LATER_RATE) * TWO_POW_32;
const GIFT_U32 = GIFT_LINE_RATE * TWO_POW_32;
const NO_REFUNDS = new Uint32Array(0);

/**
 * One batch of order lines, all columns `length` long (the arrays themselves
 * may be longer). Lines of one order are adjacent and never split across
 * batches; orders are numbered 0.. in time order. A batch never spans two
 * days: the refund events due at the end of a day come with that day's last
 * batch, to be applied after its orders. The arrays are reused: copy what
 * you keep before asking for the next batch.
 */
export interface OrderColumnBatch {
  length: number;
  /** index of the first order with lines in this batch */
  firstOrder: number;
  /** number of orders in this batch */
  orderCount: number;
  orderIndex: Uint32Array;
  customerIndex: Uint32Array;
  /** epoch seconds */
  ts: Uint32Array;
  shopIndex: Uint8Array;
  skuIndex: Uint32Array;
  categoryIndex: Uint16Array;
  quantity: Uint16Array;
  amountCents: Uint32Array;
  /** REFUND_NONE, REFUND_AT_INGEST or REFUND_LATER, same on every line of an order */
  refund: Uint8Array;
  /** order indices whose `refund` events come right after this batch's orders */
  refundEvents: Uint32Array;
}

/** Names behind the batch columns' indices. */
export interface GenDictionaries {
  orders: number;
  customers: number;
  customerId(index: number): string;
  orderId(index: number): string;
  /** epoch seconds as `YYYY-MM-DDTHH:MM:SS+08:00` */
  formatTs(epochSec: number): string;
  skus: readonly string[];
  /** category index of each SKU */
  skuCategory: Uint16Array;
  skuPriceCents: Uint32Array;
  categories: readonly string[];
  shops: readonly string[];
}

export function dictionariesOf(plan: GenPlan): GenDictionaries {
  const fmt = new ShanghaiTsFormatter();
  return {
    orders: plan.orders,
    customers: plan.customers,
    customerId,
    orderId,
    formatTs: (s) => fmt.format(s),
    skus: plan.catalog.skuNames,
    skuCategory: plan.catalog.skuCategory,
    skuPriceCents: plan.catalog.skuPriceCents,
    categories: plan.catalog.categoryNames,
    shops: plan.catalog.shopNames,
  };
}

/** Pull-style source of order line batches (the records path iterates it lazily). */
export class OrderColumnSource {
  private readonly plan: GenPlan;
  private readonly catalog: Catalog;
  private readonly rng: Sfc32;
  private readonly cap: number;
  private readonly batch: OrderColumnBatch;
  private readonly normalHours = new AliasTable(hourWeights(false));
  private readonly rushHours = new AliasTable(hourWeights(true));
  private readonly lineCounts = new AliasTable(LINE_COUNT_WEIGHTS);
  private readonly quantities = new AliasTable(QUANTITY_WEIGHTS);
  /** orders per second of the current day (counting sort of the day's times) */
  private readonly secCount = new Uint32Array(SECONDS_PER_DAY);
  /** refund events due at the end of each day, by order index */
  private readonly pendingRefunds: number[][];

  private day = 0;
  private dayStarted = false;
  private dayRemaining = 0;
  private dayStart = 0;
  private sec = -1;
  private secRemaining = 0;
  private nextOrder = 0;

  constructor(plan: GenPlan, batchLines = DEFAULT_BATCH_LINES) {
    if (!Number.isInteger(batchLines) || batchLines < 1) throw new RangeError(`batchLines must be >= 1, got ${batchLines}`);
    this.plan = plan;
    this.catalog = plan.catalog;
    this.rng = createRng(plan.seed, 'orders');
    this.cap = batchLines + MAX_LINES_PER_ORDER - 1;
    const n = this.cap;
    this.batch = {
      length: 0,
      firstOrder: 0,
      orderCount: 0,
      orderIndex: new Uint32Array(n),
      customerIndex: new Uint32Array(n),
      ts: new Uint32Array(n),
      shopIndex: new Uint8Array(n),
      skuIndex: new Uint32Array(n),
      categoryIndex: new Uint16Array(n),
      quantity: new Uint16Array(n),
      amountCents: new Uint32Array(n),
      refund: new Uint8Array(n),
      refundEvents: new Uint32Array(0),
    };
    this.pendingRefunds = Array.from({ length: plan.numDays }, () => []);
  }

  get dictionaries(): GenDictionaries {
    return dictionariesOf(this.plan);
  }

  /** The next batch, or undefined when all orders (and refunds) are out. */
  next(): OrderColumnBatch | undefined {
    const b = this.batch;
    const limit = this.cap - MAX_LINES_PER_ORDER + 1;
    b.length = 0;
    b.firstOrder = this.nextOrder;
    b.orderCount = 0;
    b.refundEvents = NO_REFUNDS;
    while (this.day < this.plan.numDays) {
      if (!this.dayStarted) this.startDay();
      this.fillBatch(b, limit);
      if (this.dayRemaining > 0) return b; // batch full mid-day
      const refunds = this.pendingRefunds[this.day]!;
      this.pendingRefunds[this.day] = [];
      this.day++;
      this.dayStarted = false;
      if (refunds.length > 0) b.refundEvents = Uint32Array.from(refunds);
      if (b.length > 0 || refunds.length > 0) return b;
    }
    return undefined;
  }

  /** Draws the times of all of today's orders and counting-sorts them by second. */
  private startDay(): void {
    const d = this.plan.firstDay + this.day;
    const k = this.plan.dayCounts[this.day]!;
    const hours = isMidnightRushDay(d) ? this.rushHours : this.normalHours;
    const rng = this.rng;
    const secCount = this.secCount;
    secCount.fill(0);
    for (let i = 0; i < k; i++) secCount[hours.sample(rng) * 3600 + rng.nextInt(3600)]++;
    this.dayStarted = true;
    this.dayRemaining = k;
    this.dayStart = shanghaiDayStart(d);
    this.sec = -1;
    this.secRemaining = 0;
  }

  /**
   * Emits today's next orders until the day is done or the batch has reached
   * `limit` lines. One loop with everything in locals: this is the hot path.
   */
  private fillBatch(b: OrderColumnBatch, limit: number): void {
    const rng = this.rng;
    const catalog = this.catalog;
    const activity = this.plan.activity;
    const lineCounts = this.lineCounts;
    const quantities = this.quantities;
    const secCount = this.secCount;
    const skuCategory = catalog.skuCategory;
    const skuPrice = catalog.skuPriceCents;
    const { orderIndex, customerIndex, ts: tsCol, shopIndex, skuIndex, categoryIndex, quantity, amountCents, refund: refundCol } = b;
    const lastDay = this.plan.numDays - 1;
    const dayStart = this.dayStart;
    let sec = this.sec;
    let secRemaining = this.secRemaining;
    let remaining = this.dayRemaining;
    let order = this.nextOrder;
    let len = b.length;
    let orders = b.orderCount;
    while (remaining > 0 && len < limit) {
      while (secRemaining === 0) secRemaining = secCount[++sec]!;
      secRemaining--;
      remaining--;
      const ts = dayStart + sec;
      const customer = activity.pick(rng);
      const shop = catalog.pickShop(rng, (sec / 3600) | 0);
      const nLines = lineCounts.sample(rng) + 1;
      const fate = rng.nextI32() >>> 0;
      let refund = REFUND_NONE;
      if (fate < REFUND_AT_INGEST_U32) refund = REFUND_AT_INGEST;
      else if (fate < REFUND_ANY_U32) {
        refund = REFUND_LATER;
        const due = Math.min(this.day + 1 + rng.nextInt(MAX_REFUND_DELAY_DAYS), lastDay);
        this.pendingRefunds[due]!.push(order);
      }
      const first = len;
      for (let l = 0; l < nLines; l++) {
        // a basket rarely holds the same SKU twice: redraw a couple of times
        let sku = catalog.pickSku(rng);
        for (let tries = 0, j = first; tries < 3 && j < len; ) {
          if (skuIndex[j] === sku) {
            sku = catalog.pickSku(rng);
            tries++;
            j = first;
          } else j++;
        }
        const qty = quantities.sample(rng) + 1;
        const gift = l > 0 && rng.nextI32() >>> 0 < GIFT_U32;
        orderIndex[len] = order;
        customerIndex[len] = customer;
        tsCol[len] = ts;
        shopIndex[len] = shop;
        skuIndex[len] = sku;
        categoryIndex[len] = skuCategory[sku]!;
        quantity[len] = qty;
        amountCents[len] = gift ? 0 : skuPrice[sku]! * qty;
        refundCol[len] = refund;
        len++;
      }
      order++;
      orders++;
    }
    this.sec = sec;
    this.secRemaining = secRemaining;
    this.dayRemaining = remaining;
    this.nextOrder = order;
    b.length = len;
    b.orderCount = orders;
  }
}

/**
 * Columnar fast path: calls `onBatch` with each batch of order lines (views
 * valid only during the call) and returns the dictionaries. Customer and tag
 * records are not part of it; take them from `customerRecords`/`tagRecords`
 * with `plan.profiles`, or from `generate()`.
 */
export function generateOrderColumns(
  opts: GenerateOptions,
  onBatch: (batch: OrderColumnBatch, dict: GenDictionaries) => void,
  batchLines = DEFAULT_BATCH_LINES,
): GenDictionaries {
  const plan = planGeneration(opts);
  const source = new OrderColumnSource(plan, batchLines);
  const dict = source.dictionaries;
  for (let b = source.next(); b !== undefined; b = source.next()) onBatch(b, dict);
  return dict;
}
