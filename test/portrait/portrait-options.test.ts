// engine.portrait takes the query's options: asOf and tz as query does, signal and
// timeoutMs stop it; a saved segment by <ref>; the result is the same type for one
// dimension as a string or in an array.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

const RECORDS = [
  { type: 'order', order_id: 'A1', customer_id: 'a', ts: '2026-11-01T00:00:00Z', shop: 'jd', status: 'paid', lines: [{ sku: 'S', category: 'c', quantity: 1, amount: '1.05' }] },
  { type: 'order', order_id: 'B1', customer_id: 'b', ts: '2026-11-02T00:00:00Z', shop: 'jd', status: 'paid', lines: [{ sku: 'S', category: 'c', quantity: 1, amount: '2' }] },
  { type: 'customer', customer_id: 'a', attrs: { level: 'gold' } },
];

describe('engine.portrait options', () => {
  it('asOf decides which orders count and which customers bought; a <ref> works', async () => {
    const engine = await Engine.open({});
    try {
      await engine.append(RECORDS);
      await engine.save('buyers', '<segment><bought shop="jd"/></segment>');
      const early = await engine.portrait('<segment><ref segment="buyers"/></segment>', { by: ['shop', 'attr:level'], asOf: '2026-11-01T12:00:00Z' });
      expect(early.count).toBe(1);
      expect(early.dimensions[0]!.buckets).toEqual([{ value: 'jd', customers: 1, orders: 1, amount: '1.05' }]);
      const late = await engine.portrait('<segment><ref segment="buyers"/></segment>', { by: 'shop', asOf: '2026-11-03T00:00:00Z' });
      expect(late.dimensions).toEqual([{ by: 'shop', kind: 'order', buckets: [{ value: 'jd', customers: 2, orders: 2, amount: '3.05' }] }]);
      // the window's lower edge is exclusive: asOf - 1d < ts
      const edge = await engine.portrait('<segment><bought/></segment>', { by: 'shop:last=1d', asOf: '2026-11-02T00:00:00Z' });
      expect(edge.dimensions[0]!.buckets).toEqual([{ value: 'jd', customers: 1, orders: 1, amount: '2.00' }]);
    } finally {
      await engine.close();
    }
  });

  it('an aborted signal stops it; unknown options are refused', async () => {
    const engine = await Engine.open({});
    try {
      await engine.append(RECORDS);
      await expect(engine.portrait('<segment><bought/></segment>', { by: 'sku', signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      await expect(engine.portrait('<segment><bought/></segment>', { by: 'sku', asof: 1 } as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    } finally {
      await engine.close();
    }
  });
});
