import { fail } from '../model/errors.js';
import type { AttrValue } from '../model/records.js';
import { AttributeIndex } from '../index/attribute-index.js';
import { DimensionIndex } from '../index/dimension-index.js';
import { TagIndex } from '../index/tag-index.js';
import { OrderPosting, type OrderColumns } from '../index/order-posting.js';
import { fillByCountingSort, identityRows } from '../index/build-postings.js';
import { TimePosting } from '../index/time-posting.js';
import { OrderEdges } from '../index/order-edges.js';
import type { RowTime } from '../index/time-posting.js';
import { Dictionary } from './dictionary.js';
import { F64Column, NarrowColumn, U32Column, U8Column } from '../columns/growable.js';

/** A line as the shard stores it: dictionary ids and integer cents. */
export interface EncodedLine {
  skuId: number;
  categoryId: number;
  quantity: number;
  amountCents: number;
}

/** Seconds in a UTC day (order times are epoch seconds). */
export const DAY_SECONDS = 86_400;

/**
 * A disjoint partition of the customers, with shard-local dense customer ids,
 * its own order and line columns and its own indexes. Every condition is
 * evaluated per shard; nothing here ever looks at another shard.
 */
export class Shard {
  /** external customer id <-> local dense id; the universe is 0..size-1 */
  customers = new Dictionary();

  // Order columns, indexed by shard-local order ordinal.
  readonly orderCustomer = new U32Column();
  // Narrow columns (Uint16/Uint32 until a value needs more: growable.ts)
  /** epoch seconds */
  readonly orderTs = new NarrowColumn('u32');
  readonly orderShop = new NarrowColumn('u16');
  /** 1 while the order counts; 0 once refunded (or refunded at ingest) */
  readonly orderAlive = new U8Column();
  /** integer cents, the sum of the order's line amounts (derived; snapshots since format 4 keep it) */
  readonly orderAmount = new NarrowColumn('u32');

  // Per-customer totals over alive orders, by shard-local customer id (derived:
  // rebuilt on load). A window's count is the total minus the orders outside
  // it, which is cheaper than the orders inside when the window is wide.
  // Customers past `length` have no orders.
  /**
   * A version per UTC day (slot day mod 2^16), bumped by every append and
   * refund of an order on that day: cached per-day results (exec/day-buckets.ts)
   * built at an older version are stale. Two days sharing a slot only cost
   * an extra rebuild.
   */
  private readonly dayVersions = new Int32Array(1 << 16);
  readonly customerOrders = new U32Column();
  readonly customerCents = new F64Column();

  // Line columns, indexed by line row. Lines of one order are contiguous.
  readonly lineOrder = new U32Column();
  readonly lineSku = new U32Column();
  readonly lineCategory = new NarrowColumn('u16');
  readonly lineQuantity = new NarrowColumn('u16');
  /** integer cents (a Float64Array, exact to 2^53, once one exceeds Uint32) */
  readonly lineAmount = new NarrowColumn('u32');

  // Indexes over line rows, ordered by time.
  readonly bySku = new DimensionIndex();
  readonly byCategory = new DimensionIndex();
  // Indexes over order ordinals, ordered by time: a <bought> without a sku or
  // category filter counts whole orders, so it scans orders, not lines.
  /** the shop is the order's, so this posting holds orders */
  readonly byShop = new DimensionIndex();
  readonly allOrders = new OrderPosting();

  readonly tags = new TagIndex();
  readonly attributes = new Map<string, AttributeIndex>();

  /** between beginBulk and finishBulk: postings are not kept up to date */
  private bulk = false;

  /** ts of a line row, through its order. */
  readonly rowTime: RowTime = (row) => this.orderTs.data[this.lineOrder.data[row]!]!;
  /** ts of an order ordinal. */
  readonly orderTime: RowTime = (order) => this.orderTs.data[order]!;

  /** What order postings copy from (the current buffers). */
  get orderColumns(): OrderColumns {
    return { orderTime: this.orderTime, orderCustomer: this.orderCustomer.data, orderAmount: this.orderAmount.data };
  }

  get customerCount(): number {
    return this.customers.size;
  }

  get orderCount(): number {
    return this.orderCustomer.length;
  }

  get lineCount(): number {
    return this.lineOrder.length;
  }

  customer(externalId: string): number {
    return this.customers.intern(externalId);
  }

  /** Appends one order with its lines; returns its shard-local ordinal. */
  addOrder(customer: number, ts: number, shopId: number, alive: boolean, lines: readonly EncodedLine[]): number {
    const order = this.pushOrder(customer, ts, shopId, alive);
    let cents = 0;
    for (const line of lines) {
      const row = this.lineOrder.length;
      this.lineOrder.push(order);
      this.lineSku.push(line.skuId);
      this.lineCategory.push(line.categoryId);
      this.lineQuantity.push(line.quantity);
      this.lineAmount.push(line.amountCents);
      this.bySku.add(line.skuId, row, ts, this.rowTime);
      this.byCategory.add(line.categoryId, row, ts, this.rowTime);
      cents += line.amountCents;
    }
    this.finishOrder(order, customer, alive, cents);
    return order;
  }

  /**
   * Appends one order whose lines are `from..to-1` of line columns given as
   * typed arrays (bulk loading: no per-line objects). Returns its ordinal.
   */
  addOrderFromColumns(
    customer: number, ts: number, shopId: number, alive: boolean,
    lines: { skuIds: ArrayLike<number>; categoryIds: ArrayLike<number>; quantities: ArrayLike<number>; amountCents: ArrayLike<number> },
    from: number, to: number,
  ): number {
    const order = this.pushOrder(customer, ts, shopId, alive);
    let cents = 0;
    for (let i = from; i < to; i++) {
      const row = this.lineOrder.length;
      const skuId = lines.skuIds[i]!, categoryId = lines.categoryIds[i]!;
      this.lineOrder.push(order);
      this.lineSku.push(skuId);
      this.lineCategory.push(categoryId);
      this.lineQuantity.push(lines.quantities[i]!);
      this.lineAmount.push(lines.amountCents[i]!);
      cents += lines.amountCents[i]!;
      if (this.bulk) continue;
      this.bySku.add(skuId, row, ts, this.rowTime);
      this.byCategory.add(categoryId, row, ts, this.rowTime);
    }
    this.finishOrder(order, customer, alive, cents);
    return order;
  }

  /**
   * Starts a bulk load into an empty shard (gen --data): columns sized once
   * for about `orders` and `lines`, postings left alone until finishBulk().
   */
  beginBulk(orders: number, lines: number): void {
    if (this.orderCount !== 0 || this.bulk) throw fail.internal('a bulk load starts on an empty shard');
    this.bulk = true;
    for (const c of [this.orderCustomer, this.orderTs, this.orderShop, this.orderAlive, this.orderAmount]) c.reserve(orders);
    for (const c of [this.lineOrder, this.lineSku, this.lineCategory, this.lineQuantity, this.lineAmount]) c.reserve(lines);
  }

  /**
   * Builds the postings of a bulk load. Orders that came in time order (the
   * generator's) are in (ts, row) order by ordinal and row already, so each
   * dimension is one stable counting sort; otherwise every row is added as
   * appends add them.
   */
  finishBulk(): void {
    if (!this.bulk) return;
    this.bulk = false;
    const orders = this.orderCount, lines = this.lineCount;
    const ts = this.orderTs.data, shop = this.orderShop.data, lineOrder = this.lineOrder.data;
    let inTimeOrder = true;
    for (let o = 1; o < orders && inTimeOrder; o++) inTimeOrder = ts[o - 1]! <= ts[o]!;
    if (inTimeOrder) {
      this.allOrders.posting.reset(TimePosting.ofOrderedView(identityRows(orders), this.orderTime));
      fillByCountingSort(this.byShop, shop, orders, this.orderTime);
      fillByCountingSort(this.bySku, this.lineSku.data, lines, this.rowTime);
      fillByCountingSort(this.byCategory, this.lineCategory.data, lines, this.rowTime);
      return;
    }
    for (let o = 0; o < orders; o++) {
      this.allOrders.add(o, ts[o]!, this.orderTime);
      this.byShop.add(shop[o]!, o, ts[o]!, this.orderTime);
    }
    const sku = this.lineSku.data, category = this.lineCategory.data;
    for (let row = 0; row < lines; row++) {
      const t = ts[lineOrder[row]!]!;
      this.bySku.add(sku[row]!, row, t, this.rowTime);
      this.byCategory.add(category[row]!, row, t, this.rowTime);
    }
  }

  /** The version of UTC day `day` (days since 1970-01-01): see dayVersions. */
  dayVersion(day: number): number {
    return this.dayVersions[day & 0xffff]!;
  }

  private bumpDay(ts: number): void {
    this.dayVersions[Math.floor(ts / DAY_SECONDS) & 0xffff]!++;
    this.changeCount++;
  }

  /**
   * Appends and refunds applied to this shard so far (every one bumps a day
   * version too): a result cached at another count is stale (<score>'s
   * per-shard values, elements/score/values.ts).
   */
  get changes(): number {
    return this.changeCount;
  }

  private changeCount = 0;

  private pushOrder(customer: number, ts: number, shopId: number, alive: boolean): number {
    this.bumpDay(ts);
    const order = this.orderCustomer.length;
    this.orderCustomer.push(customer);
    this.orderTs.push(ts);
    this.orderShop.push(shopId);
    this.orderAlive.push(alive ? 1 : 0);
    if (!this.bulk) {
      this.allOrders.add(order, ts, this.orderTime);
      this.byShop.add(shopId, order, ts, this.orderTime);
    }
    return order;
  }

  private finishOrder(order: number, customer: number, alive: boolean, cents: number): void {
    this.orderAmount.push(cents);
    if (alive) {
      this.addToTotals(customer, 1, cents);
      this.edges?.add(customer, this.orderTs.data[order]!);
    }
  }

  /** built on first use, dropped by a refund that may move a first or last order (index/order-edges.ts) */
  private edges: OrderEdges | undefined;

  /** Each customer's first and last counting order ts (built now if a refund or the open dropped it). */
  orderEdges(): OrderEdges {
    return (this.edges ??= OrderEdges.build(this.customerCount, this.orderCount, this.orderCustomer.data, this.orderTs.data, this.orderAlive.data));
  }

  private addToTotals(customer: number, orders: number, cents: number): void {
    if (customer >= this.customerOrders.length) {
      this.customerOrders.grow(customer + 1);
      this.customerCents.grow(customer + 1);
      // new capacity is zeroed: just extend the lengths
      this.customerOrders.length = this.customerCents.length = customer + 1;
    }
    this.customerOrders.data[customer]! += orders;
    this.customerCents.data[customer]! += cents;
  }

  /** Stops an order from counting; refunding it again changes nothing. */
  refund(order: number): void {
    if (this.orderAlive.data[order] === 0) return;
    this.orderAlive.data[order] = 0;
    if (this.edges?.touches(this.orderCustomer.data[order]!, this.orderTs.data[order]!)) this.edges = undefined;
    this.bumpDay(this.orderTs.data[order]!);
    this.addToTotals(this.orderCustomer.data[order]!, -1, -this.orderAmount.data[order]!);
  }

  // The derived columns (order amounts, customer totals) are rebuilt from the
  // order and line columns only when loading a snapshot that lacks them
  // (formats before 4).

  /** orderAmount from the lines: the sum of each order's line amounts. */
  rebuildOrderAmounts(): void {
    const lineOrder = this.lineOrder.data, lineAmount = this.lineAmount.data;
    const amounts = new Float64Array(this.orderCount);
    for (let row = 0; row < this.lineCount; row++) amounts[lineOrder[row]!]! += lineAmount[row]!;
    this.orderAmount.adopt(amounts);
  }

  /** customerOrders and customerCents from the alive orders. */
  rebuildCustomerTotals(): void {
    const orders = this.orderCount, amounts = this.orderAmount.data;
    const counts = new Uint32Array(this.customerCount), cents = new Float64Array(this.customerCount);
    const customer = this.orderCustomer.data, alive = this.orderAlive.data;
    for (let o = 0; o < orders; o++) {
      if (alive[o] === 0) continue;
      counts[customer[o]!]!++;
      cents[customer[o]!]! += amounts[o]!;
    }
    this.customerOrders.adopt(counts);
    this.customerCents.adopt(cents);
  }

  setAttribute(customer: number, name: string, value: AttrValue | null): void {
    let index = this.attributes.get(name);
    if (!index) {
      if (value === null) return;
      this.attributes.set(name, (index = new AttributeIndex()));
    }
    index.set(customer, value);
  }
}
