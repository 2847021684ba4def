import type { AttrValue } from '../model/records.js';
import { AttributeIndex } from '../index/attribute-index.js';
import { DimensionIndex } from '../index/dimension-index.js';
import { TagIndex } from '../index/tag-index.js';
import { TimePosting, type RowTime } from '../index/time-posting.js';
import { Dictionary } from './dictionary.js';
import { F64Column, U32Column, U8Column } from './growable.js';

/** A line as the shard stores it: dictionary ids and integer cents. */
export interface EncodedLine {
  skuId: number;
  categoryId: number;
  quantity: number;
  amountCents: number;
}

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
  /** epoch seconds */
  readonly orderTs = new F64Column();
  readonly orderShop = new U32Column();
  /** 1 while the order counts; 0 once refunded (or refunded at ingest) */
  readonly orderAlive = new U8Column();

  // Line columns, indexed by line row. Lines of one order are contiguous.
  readonly lineOrder = new U32Column();
  readonly lineSku = new U32Column();
  readonly lineCategory = new U32Column();
  readonly lineQuantity = new U32Column();
  /** integer cents; float64 holds them exactly up to 2^53 */
  readonly lineAmount = new F64Column();

  // Indexes over line rows, ordered by time.
  readonly bySku = new DimensionIndex();
  readonly byCategory = new DimensionIndex();
  readonly byShop = new DimensionIndex();
  readonly allLines = new TimePosting();

  readonly tags = new TagIndex();
  readonly attributes = new Map<string, AttributeIndex>();

  /** ts of a line row, through its order. */
  readonly rowTime: RowTime = (row) => this.orderTs.data[this.lineOrder.data[row]!]!;

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
    const order = this.orderCustomer.length;
    this.orderCustomer.push(customer);
    this.orderTs.push(ts);
    this.orderShop.push(shopId);
    this.orderAlive.push(alive ? 1 : 0);
    for (const line of lines) {
      const row = this.lineOrder.length;
      this.lineOrder.push(order);
      this.lineSku.push(line.skuId);
      this.lineCategory.push(line.categoryId);
      this.lineQuantity.push(line.quantity);
      this.lineAmount.push(line.amountCents);
      this.bySku.add(line.skuId, row, ts, this.rowTime);
      this.byCategory.add(line.categoryId, row, ts, this.rowTime);
      this.byShop.add(shopId, row, ts, this.rowTime);
      this.allLines.add(row, ts, this.rowTime);
    }
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
    const order = this.orderCustomer.length;
    this.orderCustomer.push(customer);
    this.orderTs.push(ts);
    this.orderShop.push(shopId);
    this.orderAlive.push(alive ? 1 : 0);
    for (let i = from; i < to; i++) {
      const row = this.lineOrder.length;
      const skuId = lines.skuIds[i]!, categoryId = lines.categoryIds[i]!;
      this.lineOrder.push(order);
      this.lineSku.push(skuId);
      this.lineCategory.push(categoryId);
      this.lineQuantity.push(lines.quantities[i]!);
      this.lineAmount.push(lines.amountCents[i]!);
      this.bySku.add(skuId, row, ts, this.rowTime);
      this.byCategory.add(categoryId, row, ts, this.rowTime);
      this.byShop.add(shopId, row, ts, this.rowTime);
      this.allLines.add(row, ts, this.rowTime);
    }
    return order;
  }

  refund(order: number): void {
    this.orderAlive.data[order] = 0;
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
