/**
 * The synthetic data set as contract-shaped raw records: every customer
 * record first, then orders in time order with refund events after their
 * orders, then tag events. Lazy (a sync generator), so any size streams in
 * constant memory; the same options always give the same records.
 */
import { customerRecords, tagRecords } from './customers.js';
import { customerId, orderId } from './ids.js';
import { formatCents } from './money.js';
import { OrderColumnSource, REFUND_AT_INGEST, REFUND_LATER } from './order-columns.js';
import { planGeneration, type GenerateOptions, type GenPlan } from './plan.js';
import { GeneratedOrder, REFUNDED_LATER, type GenOrderLine, type GenOrderRecord, type GenRecord, type GenRefundRecord } from './records.js';
import { ShanghaiTsFormatter } from './time-format.js';

/** Validates the options now (throws RangeError), then yields lazily. */
export function generate(opts: GenerateOptions): Generator<GenRecord, void, undefined> {
  return generateFromPlan(planGeneration(opts));
}

export function* generateFromPlan(plan: GenPlan): Generator<GenRecord, void, undefined> {
  yield* customerRecords(plan.profiles);

  const { skuNames, categoryNames, shopNames } = plan.catalog;
  const fmt = new ShanghaiTsFormatter();
  const source = new OrderColumnSource(plan);
  for (let b = source.next(); b !== undefined; b = source.next()) {
    let i = 0;
    while (i < b.length) {
      const order = b.orderIndex[i]!;
      const refund = b.refund[i]!;
      const lines: GenOrderLine[] = [];
      const rec: GenOrderRecord = new GeneratedOrder(
        orderId(order),
        customerId(b.customerIndex[i]!),
        fmt.format(b.ts[i]!),
        shopNames[b.shopIndex[i]!]!,
        refund === REFUND_AT_INGEST ? 'refunded' : 'paid',
        lines,
      );
      if (refund === REFUND_LATER) rec[REFUNDED_LATER] = true;
      do {
        lines.push({
          sku: skuNames[b.skuIndex[i]!]!,
          category: categoryNames[b.categoryIndex[i]!]!,
          quantity: b.quantity[i]!,
          amount: formatCents(b.amountCents[i]!),
        });
        i++;
      } while (i < b.length && b.orderIndex[i] === order);
      yield rec;
    }
    for (const order of b.refundEvents) {
      const r: GenRefundRecord = { type: 'refund', order_id: orderId(order), [REFUNDED_LATER]: true };
      yield r;
    }
  }

  yield* tagRecords(plan.profiles);
}
