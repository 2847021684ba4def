// Property test: invalid records interleaved with valid data. Appending a bad
// record must reject with code E_BAD_RECORD and leave every answer unchanged:
// no partial order, no new customer in the universe. A batch of valid records
// ending in a bad one is rejected as a whole (append is all-or-nothing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { Engine as SrcEngine } from '../../src/index.js';
import { RefBadRecord, RefModel } from '../oracle/model.js';
import type { SegmentTree } from '../oracle/query-tree.js';
import { Rng, genDataset } from '../oracle/random-data.js';
import { baseSeed, compare, describeCtx, genCases, loadEngine, runEngine } from './harness.js';

const Engine = await loadEngine();
const BASE = baseSeed();
const UNIVERSE_XML = '<segment><not><tag name="__none__"/></not></segment>';
const UNIVERSE: SegmentTree = { children: [{ k: 'not', child: { k: 'tag', name: '__none__' } }] };

type Rec = Record<string, unknown>;

/** A bad record built against the current state; `kind` names the defect. */
function makeBad(rng: Rng, k: number, orderIds: string[]): { kind: string; rec: Rec } {
  const newCust = `bad-new-${k}`;
  const good = (over: Rec = {}, lines?: Rec[]): Rec => ({
    type: 'order',
    order_id: `BAD-${k}`,
    customer_id: newCust,
    ts: '2026-11-11T00:00:00+08:00',
    shop: 'jd',
    status: 'paid',
    lines: lines ?? [
      { sku: 'A', category: 'shoes', quantity: 1, amount: '1.00' },
      { sku: 'B', category: 'bags', quantity: 2, amount: 3 },
    ],
    ...over,
  });
  const okLine = { sku: 'A', category: 'shoes', quantity: 1, amount: '9.99' };
  const kinds: Array<() => { kind: string; rec: Rec }> = [
    () => ({ kind: 'duplicate order_id', rec: good({ order_id: rng.pick(orderIds) }) }),
    () => ({ kind: 'refund of unknown order', rec: { type: 'refund', order_id: `never-${k}` } }),
    () => ({ kind: 'amount with 3 decimals (string)', rec: good({}, [okLine, { ...okLine, amount: '1.005' }]) }),
    () => ({ kind: 'amount with 3 decimals (number)', rec: good({}, [okLine, { ...okLine, amount: 2.125 }]) }),
    () => ({ kind: 'negative amount', rec: good({}, [okLine, { ...okLine, amount: '-1.00' }]) }),
    () => ({ kind: 'quantity 0', rec: good({}, [okLine, { ...okLine, quantity: 0 }]) }),
    () => ({ kind: 'fractional quantity', rec: good({}, [okLine, { ...okLine, quantity: 1.5 }]) }),
    () => ({ kind: 'empty sku', rec: good({}, [okLine, { ...okLine, sku: '' }]) }),
    () => ({ kind: 'empty category', rec: good({}, [{ ...okLine, category: '' }]) }),
    () => ({ kind: 'no lines', rec: good({ lines: [] }) }),
    () => ({ kind: 'bad ts (month 13)', rec: good({ ts: '2026-13-01T00:00:00Z' }) }),
    () => ({ kind: 'bad ts (no offset)', rec: good({ ts: '2026-11-11T00:00:00' }) }),
    () => ({ kind: 'bad ts (Feb 30)', rec: good({ ts: '2026-02-30T10:00:00+08:00' }) }),
    () => ({ kind: 'bad ts (text)', rec: good({ ts: 'yesterday' }) }),
    () => ({ kind: 'bad ts (fractional epoch ms)', rec: good({ ts: 1762790400000.5 }) }),
    () => ({ kind: 'bad status', rec: good({ status: 'cancelled' }) }),
    () => ({ kind: 'empty customer_id', rec: good({ customer_id: '' }) }),
    () => ({ kind: 'empty shop', rec: good({ shop: '' }) }),
    () => ({ kind: 'empty order_id', rec: good({ order_id: '' }) }),
    () => ({ kind: 'bad tag op', rec: { type: 'tag', customer_id: newCust, tag: 'vip', op: 'toggle' } }),
    () => ({ kind: 'attr value is an array', rec: { type: 'customer', customer_id: newCust, attrs: { city: 'Xiamen', bad: [1] } } }),
    () => ({ kind: 'attr value is Infinity', rec: { type: 'customer', customer_id: newCust, attrs: { age: Infinity } } }),
    () => ({ kind: 'unknown record type', rec: { type: 'visit', customer_id: newCust } }),
  ];
  return rng.pick(kinds)();
}

describe('bad records', () => {
  const ds = genDataset((BASE ^ 0xbad) >>> 0, { minCustomers: 20, maxCustomers: 60 });

  it('the reference model rejects every generated bad record without effect', () => {
    const rng = new Rng(ds.seed);
    const m = new RefModel();
    m.applyAll(ds.records);
    const ids = [...m.orders.keys()];
    const before = JSON.stringify([[...m.known], [...m.orders.keys()]]);
    for (let k = 0; k < 200; k++) {
      const { kind, rec } = makeBad(rng, k, ids);
      expect(() => m.apply(rec), kind).toThrow(RefBadRecord);
    }
    expect(JSON.stringify([[...m.known], [...m.orders.keys()]])).toBe(before);
  });

  it.skipIf(!Engine)('engine rejects each with E_BAD_RECORD and answers stay unchanged', async () => {
    const rng = new Rng(ds.seed ^ 0x1234);
    const engine = await Engine!.open({});
    const model = new RefModel();
    const probes = genCases(ds, 60, { allowRef: false, savedNames: [], salt: 23 });
    const failures: string[] = [];
    let badCount = 0;
    let probeCount = 0;
    const checkProbes = async (label: string, n: number) => {
      const uni = await runEngine(engine, { xml: UNIVERSE_XML, ctx: { asOfMs: 0, tz: 'UTC', optAsOf: 0, optTz: 'UTC' } });
      const d0 = compare(model.evaluate(UNIVERSE, { asOfMs: 0, tz: 'UTC' }), uni);
      if (d0) failures.push(`${label}: universe changed: ${d0}`);
      for (const c of rng.sample(probes, n)) {
        probeCount++;
        const d = compare(model.evaluate(c.tree, c.ctx), await runEngine(engine, c));
        if (d) failures.push(`${label}: ${d}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
      }
    };
    try {
      const orderIds: string[] = [];
      let i = 0;
      while (i < ds.records.length && failures.length < 5) {
        const chunk = ds.records.slice(i, i + rng.int(1, Math.max(2, Math.ceil(ds.records.length / 12))));
        i += chunk.length;
        if (orderIds.length && rng.bool(0.25)) {
          // a batch of valid records followed by a bad one is rejected as a whole
          const { kind, rec } = makeBad(rng, badCount++, orderIds);
          let code: unknown = 'resolved without error';
          try {
            await engine.append([...chunk, rec]);
          } catch (e) {
            code = (e as { code?: unknown }).code;
          }
          if (code !== 'E_BAD_RECORD') failures.push(`batch ending in ${kind}: expected E_BAD_RECORD, got ${String(code)}`);
          await checkProbes(`after rejected batch of ${chunk.length} valid + bad (${kind}) ${JSON.stringify(rec)}`, 3);
        }
        await engine.append(chunk);
        model.applyAll(chunk);
        for (const r of chunk) if (r.type === 'order') orderIds.push(r.order_id as string);
        if (!orderIds.length) continue;
        for (let b = rng.int(1, 3); b > 0; b--) {
          const { kind, rec } = makeBad(rng, badCount++, orderIds);
          let code: unknown = 'resolved without error';
          try {
            await engine.append([rec]);
          } catch (e) {
            code = (e as { code?: unknown }).code;
          }
          if (code !== 'E_BAD_RECORD') failures.push(`${kind}: expected E_BAD_RECORD, got ${String(code)}; record ${JSON.stringify(rec)}`);
          await checkProbes(`after bad record (${kind}) ${JSON.stringify(rec)}`, 3);
        }
      }
      await checkProbes('final', 40);
    } finally {
      await engine.close();
    }
    if (failures.length) expect.fail(`base seed ${BASE}, dataset seed ${ds.seed}: ${failures.length} failures\n${failures.slice(0, 6).join('\n\n')}`);
    expect(badCount).toBeGreaterThan(10);
    expect(probeCount).toBeGreaterThan(40);
  });

  it('ingestFile with skipBad over a file with bad lines interleaved: every bad line reported, the rest applied as if alone', async () => {
    const rng = new Rng(ds.seed ^ 0x5eed);
    const lines: string[] = [];
    const badLines: number[] = [];
    const orderIds: string[] = [];
    let k = 0;
    for (const r of ds.records) {
      while (orderIds.length && rng.bool(0.15)) {
        const text = rng.pick([
          () => {
            // JSON has no Infinity (it would be written as a valid null)
            for (;;) {
              const bad = makeBad(rng, k++, orderIds);
              if (bad.kind !== 'attr value is Infinity') return JSON.stringify(bad.rec);
            }
          },
          () => '{"type":"refund",', // not JSON
          () => JSON.stringify(r).replace('{', '{"type":"tag",'), // duplicate key "type"
          () => 'null',
        ])();
        lines.push(text);
        badLines.push(lines.length);
      }
      lines.push(JSON.stringify(r));
      const rec = r as Rec;
      if (rec.type === 'order') orderIds.push(rec.order_id as string);
    }
    expect(badLines.length).toBeGreaterThan(10);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-bad-'));
    try {
      const file = path.join(dir, 'in.ndjson');
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const engine = await SrcEngine.open({ dir: path.join(dir, 'store'), shards: 2 });
      const skipped: number[] = [];
      const report = await ingestFile(engine, file, { skipBad: true, batchSize: rng.int(1, 64), onSkip: (e) => skipped.push(e.where.line!) });
      expect(skipped).toEqual(badLines);
      expect(report.records).toBe(ds.records.length);
      const model = new RefModel();
      model.applyAll(ds.records);
      const failures: string[] = [];
      const uni = await runEngine(engine, { xml: UNIVERSE_XML, ctx: { asOfMs: 0, tz: 'UTC', optAsOf: 0, optTz: 'UTC' } });
      const d0 = compare(model.evaluate(UNIVERSE, { asOfMs: 0, tz: 'UTC' }), uni);
      if (d0) failures.push(`universe: ${d0}`);
      for (const c of genCases(ds, 40, { allowRef: false, savedNames: [], salt: 29 })) {
        const d = compare(model.evaluate(c.tree, c.ctx), await runEngine(engine, c));
        if (d) failures.push(`${d}\n  xml: ${c.xml}\n  ctx: ${describeCtx(c.ctx)}`);
      }
      await engine.close();
      if (failures.length) expect.fail(`base seed ${BASE}, dataset seed ${ds.seed}: ${failures.length} failures\n${failures.slice(0, 6).join('\n\n')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
