/**
 * The README's records, typed through the public API (compiled by
 * readme-records.test.ts with tsc --noEmit; never run).
 */
import type { CustomerInput, InputRecord, OrderInput, TagInput } from '../../src/index.js';
import { Engine } from '../../src/index.js';

export async function readmeExample(): Promise<void> {
  const engine = await Engine.open({ dir: './data', tz: 'Asia/Shanghai' });
  await engine.append([
    { type: 'order', order_id: 'T1001', customer_id: 'c42', ts: '2026-11-11T00:03:12+08:00', shop: 'tmall',
      status: 'paid', lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount: '299.00' }] },
    { type: 'customer', customer_id: 'c42', attrs: { city: 'Xiamen', level: 'gold', age: 31 } },
    { type: 'tag', customer_id: 'c42', tag: 'vip', op: 'add' },
  ]);
  // the contract's other forms: epoch ms, numeric amount, a refund, a single record, a null attribute
  await engine.append({ type: 'order', order_id: 'T1002', customer_id: 'c42', ts: 1_762_790_592_000, shop: 'jd', status: 'refunded',
    lines: [{ sku: 'B', category: 'bags', quantity: 2, amount: 59.9 }] });
  await engine.append([{ type: 'refund', order_id: 'T1001' }, { type: 'customer', customer_id: 'c42', attrs: { city: null } }]);
  const order: OrderInput = { type: 'order', order_id: 'T1', customer_id: 'c', ts: '2026-11-11T00:00:00Z', shop: 's', status: 'paid', lines: [] };
  const records: readonly InputRecord[] = [order, { type: 'tag', customer_id: 'c', tag: 't', op: 'remove' } satisfies TagInput];
  await engine.append(records);
  const customer: CustomerInput = { type: 'customer', customer_id: 'c', attrs: { age: 31 } };
  await engine.append(customer);

  // @ts-expect-error a typo'd field (customerId instead of customer_id) must not compile
  await engine.append({ type: 'tag', customerId: 'c42', tag: 'vip', op: 'add' });
  // @ts-expect-error the internal shape (amountCents, ts in seconds) is not an input record
  await engine.append({ type: 'order', orderId: 'T1', customerId: 'c', ts: 1, shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'c', quantity: 1, amountCents: 100 }] });
  // @ts-expect-error op is 'add' or 'remove'
  await engine.append({ type: 'tag', customer_id: 'c42', tag: 'vip', op: 'delete' });
  // @ts-expect-error durability is 'fsync' or 'none'
  await Engine.open({ durability: 'FSYNC' });
  await engine.close();
}
