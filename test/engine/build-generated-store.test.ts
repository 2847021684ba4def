import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGeneratedStore } from '../../src/engine/build-generated-store.js';
import { generate } from '../../src/gen/index.js';
import { Engine } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ASOF = '2026-11-30T23:59:59+08:00';
const QUERIES = [
  '<segment><bought last="365d" minAmount="3000"/></segment>',
  '<segment><bought category="skincare" last="90d" minCount="2"/><not><bought category="skincare" last="30d"/></not></segment>',
  '<segment><bought shop="tmall-flagship" last="26w"/><tag name="vip"/><attr name="city"><value>Xiamen</value><value>Shanghai</value></attr></segment>',
  '<segment><not><bought/></not></segment>',
  '<segment><bought minCount="3" maxCount="5"/><not><tag name="churn-risk"/></not></segment>',
  // every attribute and tag the bulk customer path builds (tags include the later removals)
  '<segment><attr name="level"><value>gold</value><value>platinum</value></attr><attr name="gender"><value>F</value></attr></segment>',
  '<segment><attr name="age" gte="30" lt="41"/><not><attr name="signup_date"><value>2025-11-30</value></attr></not></segment>',
  '<segment><or><tag name="wholesale"/><tag name="newsletter"/></or><not><tag name="vip"/></not></segment>',
  '<segment><not><attr name="city"><value>Beijing</value></attr></not></segment>',
];

describe('buildGeneratedStore (gen --data)', () => {
  it('builds exactly the store that appending the generated records builds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-build-'));
    dirs.push(dir);
    const opts = { orders: 6000, seed: 9 };
    const report = buildGeneratedStore(dir, { ...opts, shards: 2 });
    const built = await Engine.open({ dir });
    const reference = await Engine.open({ shards: 3 });
    const records = [...generate(opts)];
    for (let i = 0; i < records.length; i += 1000) await reference.append(records.slice(i, i + 1000));
    expect(built.size).toMatchObject({ customers: reference.size.customers, orders: reference.size.orders, lines: reference.size.lines });
    expect(report.lines).toBe(reference.size.lines);
    for (const q of QUERIES) {
      const a = [...(await built.query(q, { asOf: ASOF, tz: 'Asia/Shanghai' })).idsSync()].sort();
      const b = [...(await reference.query(q, { asOf: ASOF, tz: 'Asia/Shanghai' })).idsSync()].sort();
      expect(a).toEqual(b);
      expect(a.length).toBeGreaterThan(0);
    }
    // the built store takes appends: a generated order id is a duplicate, a refund of one is fine
    await expect(built.append({ type: 'refund', order_id: 'T00000005' })).resolves.toBeDefined();
    await expect(built.append({ type: 'order', order_id: 'T00000005', customer_id: 'x', ts: 0, shop: 's', status: 'paid',
      lines: [{ sku: 'a', category: 'b', quantity: 1, amount: 1 }] })).rejects.toThrow(/duplicate/);
    await built.close();
    await reference.close();
  });

  it('refuses a directory that is not empty', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-build-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'x'), '');
    expect(() => buildGeneratedStore(dir, { orders: 10, shards: 1 })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
  });
});
