import { ShandianError } from '../model/errors.js';
import type { EngineRecord, OrderRecord } from '../model/records.js';
import { Catalog } from './catalog.js';
import { OrderDirectory } from './order-directory.js';
import { shardOf } from './route.js';
import { Shard, type EncodedLine } from './shard.js';

/**
 * All shards plus what spans them: the shared dictionaries and the order-id
 * directory (duplicates and refunds are checked store-wide).
 */
export class Store {
  readonly catalog = new Catalog();
  readonly shards: readonly Shard[];
  /** order_id -> ordinal * shardCount + shard; read lazily after a snapshot load */
  private directory: OrderDirectory | undefined = new OrderDirectory();
  /** the directory from a snapshot, read on first need */
  private loadOrderIdsLater: (() => OrderDirectory) | undefined;

  constructor(readonly shardCount: number) {
    if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 256) {
      throw new ShandianError('E_BAD_ARGS', `shard count must be an integer from 1 to 256, got ${shardCount}`);
    }
    this.shards = Array.from({ length: shardCount }, () => new Shard());
  }

  get customerCount(): number {
    return this.shards.reduce((n, s) => n + s.customerCount, 0);
  }

  get orderCount(): number {
    return this.shards.reduce((n, s) => n + s.orderCount, 0);
  }

  /** The shard and shard-local ordinal of order `orderId` (the directory holds ordinal * shardCount + shard); undefined: not in the store. */
  locateOrder(orderId: string): { shard: number; ordinal: number } | undefined {
    const at = this.orders.get(orderId);
    return at === undefined ? undefined : { shard: at % this.shardCount, ordinal: Math.floor(at / this.shardCount) };
  }

  /** Every order id with where it lives (loads a snapshot's directory on first use). */
  get orders(): OrderDirectory {
    if (!this.directory) {
      this.directory = this.loadOrderIdsLater!();
      this.loadOrderIdsLater = undefined;
    }
    return this.directory;
  }

  /**
   * The order-id directory from a snapshot, read only when an append or a
   * new snapshot needs it: a store opened for queries never pays for it.
   */
  loadOrderIds(read: () => OrderDirectory): void {
    this.loadOrderIdsLater = read;
    this.directory = undefined;
  }

  get lineCount(): number {
    return this.shards.reduce((n, s) => n + s.lineCount, 0);
  }

  /**
   * Checks a batch against the store and against itself (a duplicate or a
   * refund may refer to an order earlier in the same batch, or to one in
   * `acceptedBefore`: batches of the same commit group). Returns the
   * first record the store would refuse, or undefined when all are fine.
   * Nothing is applied here.
   */
  check(records: readonly EngineRecord[], acceptedBefore: ReadonlySet<string> = new Set()): { index: number; error: ShandianError } | undefined {
    const known = (id: string) => this.orders.has(id) || acceptedBefore.has(id) || newOrders.has(id);
    const newOrders = new Set<string>();
    for (let index = 0; index < records.length; index++) {
      const r = records[index]!;
      if (r.type === 'order') {
        if (known(r.orderId)) {
          return { index, error: new ShandianError('E_BAD_RECORD', `duplicate order_id ${JSON.stringify(r.orderId)}`, {},
            'order ids are unique per merchant; a refund is sent as {"type":"refund","order_id":...}') };
        }
        newOrders.add(r.orderId);
      } else if (r.type === 'refund' && !known(r.orderId)) {
        return { index, error: new ShandianError('E_BAD_RECORD', `refund of unknown order_id ${JSON.stringify(r.orderId)}`, {},
          'ingest the order before its refund') };
      }
    }
    return undefined;
  }

  /** Applies records that passed `check`. */
  apply(records: readonly EngineRecord[]): void {
    for (const r of records) this.applyOne(r);
  }

  private applyOne(r: EngineRecord): void {
    switch (r.type) {
      case 'order':
        return this.applyOrder(r);
      case 'refund': {
        const { shard, ordinal } = this.locateOrder(r.orderId)!;
        this.shards[shard]!.refund(ordinal);
        return;
      }
      case 'customer': {
        const shard = this.shardFor(r.customerId);
        const c = shard.customer(r.customerId);
        for (const [name, value] of Object.entries(r.attrs)) shard.setAttribute(c, name, value);
        return;
      }
      case 'tag': {
        const shard = this.shardFor(r.customerId);
        const c = shard.customer(r.customerId);
        if (r.op === 'add') shard.tags.add(this.catalog.tags.intern(r.tag), c);
        else {
          const id = this.catalog.tags.lookup(r.tag);
          if (id !== undefined) shard.tags.remove(id, c);
        }
        return;
      }
    }
  }

  private applyOrder(r: OrderRecord): void {
    const s = shardOf(r.customerId, this.shardCount);
    const shard = this.shards[s]!;
    const { skus, categories, shops } = this.catalog;
    const lines: EncodedLine[] = r.lines.map((l) => ({
      skuId: skus.intern(l.sku),
      categoryId: categories.intern(l.category),
      quantity: l.quantity,
      amountCents: l.amountCents,
    }));
    const ordinal = shard.addOrder(shard.customer(r.customerId), r.ts, shops.intern(r.shop), r.status === 'paid', lines);
    this.orders.add(r.orderId, ordinal * this.shardCount + s);
  }

  /** Sizes the order-id directory of an empty store for `orders` (bulk loading), so it does not grow by doubling. */
  expectOrders(orders: number): void {
    if (this.orderCount === 0 && this.orders.size === 0) this.directory = new OrderDirectory(orders);
  }

  /**
   * Replaces shard `s` with an empty one, freeing its memory: a bulk build
   * that has written the shard's snapshot files and builds the next.
   */
  dropShard(s: number): void {
    (this.shards as Shard[])[s] = new Shard();
  }

  shardFor(customerId: string): Shard {
    return this.shards[shardOf(customerId, this.shardCount)]!;
  }
}
