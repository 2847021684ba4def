// Shared helpers for the property tests: engine loading, running queries,
// comparing id sets, and shrinking a failing dataset to a minimal repro.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RefModel } from '../oracle/model.js';
import type { SegmentTree } from '../oracle/query-tree.js';
import { usesRef } from '../oracle/query-tree.js';
import { type Dataset, Rng, genDataset } from '../oracle/random-data.js';
import { type QueryCtx, genCtx, genQuery, toXml } from '../oracle/random-query.js';

// The engine is written in parallel; load it lazily so these files can exist before it does.
export interface EngineLike {
  append(records: unknown[]): Promise<unknown>;
  save(name: string, xml: string): Promise<unknown>;
  query(xml: string, opts?: { asOf?: string | number | Date; tz?: string }): Promise<{ count: number; ids(): AsyncIterable<string> }>;
  close(): Promise<unknown>;
}
export interface EngineCtor {
  open(opts: { dir?: string; shards?: number; dayBucketMinRows?: number }): Promise<EngineLike>;
}

/** The engine's Engine class, or undefined while src/index.ts does not exist yet (an import error is thrown). */
export async function loadEngine(): Promise<EngineCtor | undefined> {
  if (!existsSync(fileURLToPath(new URL('../../src/index.ts', import.meta.url))) && !process.env.SHANDIAN_REQUIRE_ENGINE) {
    return undefined;
  }
  const path = '../../src/index.js';
  const mod = (await import(/* @vite-ignore */ path)) as { Engine?: EngineCtor };
  if (!mod.Engine) throw new Error('src/index.ts does not export Engine');
  return mod.Engine;
}

export function baseSeed(): number {
  const env = process.env.SHANDIAN_PROP_SEED;
  return env !== undefined ? Number(env) >>> 0 : Math.floor(Math.random() * 2 ** 31);
}

export interface QueryCase {
  index: number;
  tree: SegmentTree;
  ctx: QueryCtx;
  xml: string;
}

export interface SavedSegment {
  name: string;
  tree: SegmentTree;
  xml: string;
}

export const SAVED_NAMES = ['big-spenders', '段-2', 'a&b "c"', 'lapsed'];

/** Deterministic saved segments for a dataset; each may ref the ones before it. */
export function genSaved(ds: Dataset, count = 3): SavedSegment[] {
  const rng = new Rng(ds.seed ^ 0x5eed);
  const out: SavedSegment[] = [];
  for (let i = 0; i < count; i++) {
    const name = SAVED_NAMES[i]!;
    const tree = genQuery(rng, ds.vocab, { maxDepth: 3, savedNames: out.map((s) => s.name) });
    out.push({ name, tree, xml: toXml(tree, { rng }) });
  }
  return out;
}

export function genCases(ds: Dataset, n: number, opts: { allowRef: boolean; savedNames: string[]; salt?: number }): QueryCase[] {
  const rng = new Rng((ds.seed * 31 + (opts.salt ?? 7)) >>> 0);
  const out: QueryCase[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = genCtx(rng, ds.vocab);
    const tree = genQuery(rng, ds.vocab, { allowRef: opts.allowRef, savedNames: opts.savedNames, asOfHint: ctx.asOfMs });
    const xml = toXml(tree, { rng, asOf: ctx.segAsOf, tz: ctx.segTz, name: rng.bool(0.05) ? 'q<&>' : undefined });
    out.push({ index: i, tree, ctx, xml });
  }
  return out;
}

/** Appends records in random-sized batches (the same split for the same seed). */
export async function appendInBatches(engine: EngineLike, records: unknown[], seed: number): Promise<void> {
  const rng = new Rng(seed ^ 0xba7c4);
  for (let i = 0; i < records.length; ) {
    const n = rng.pick([1, 5, 20, 50, 200]);
    await engine.append(records.slice(i, i + n));
    i += n;
  }
}

export interface EngineAnswer {
  ids: Set<string>;
  count: number;
  duplicates: string[];
  error?: string;
}

export async function runEngine(engine: EngineLike, c: { xml: string; ctx: QueryCtx }): Promise<EngineAnswer> {
  try {
    const opts: { asOf?: string | number | Date; tz?: string } = {};
    if (c.ctx.optAsOf !== undefined) opts.asOf = c.ctx.optAsOf;
    if (c.ctx.optTz !== undefined) opts.tz = c.ctx.optTz;
    const seg = await engine.query(c.xml, opts);
    const ids = new Set<string>();
    const duplicates: string[] = [];
    for await (const id of seg.ids()) {
      if (ids.has(id)) duplicates.push(id);
      ids.add(id);
    }
    return { ids, count: seg.count, duplicates };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { ids: new Set(), count: -1, duplicates: [], error: `${err.code ?? ''} ${err.message ?? String(e)}` };
  }
}

export function compare(expected: Set<string>, got: EngineAnswer): string | undefined {
  const onlyEngine = [...got.ids].filter((x) => !expected.has(x));
  const onlyModel = [...expected].filter((x) => !got.ids.has(x));
  const problems: string[] = [];
  if (got.error) problems.push(`engine threw: ${got.error}`);
  if (onlyEngine.length) problems.push(`only engine (${onlyEngine.length}): ${JSON.stringify(onlyEngine.slice(0, 8))}`);
  if (onlyModel.length) problems.push(`only model (${onlyModel.length}): ${JSON.stringify(onlyModel.slice(0, 8))}`);
  if (!got.error && got.count !== got.ids.size) problems.push(`seg.count ${got.count} != ids ${got.ids.size}`);
  if (got.duplicates.length) problems.push(`duplicate ids: ${JSON.stringify(got.duplicates.slice(0, 5))}`);
  if (problems.length === 0) return undefined;
  return `expected ${expected.size}, engine ${got.ids.size}; ${problems.join('; ')}`;
}

export function describeCtx(ctx: QueryCtx): string {
  const o: Record<string, unknown> = { asOfMs: ctx.asOfMs, asOfUtc: new Date(ctx.asOfMs).toISOString(), tz: ctx.tz };
  if (ctx.optAsOf !== undefined) o.optAsOf = ctx.optAsOf instanceof Date ? `Date(${ctx.optAsOf.toISOString()})` : ctx.optAsOf;
  if (ctx.optTz !== undefined) o.optTz = ctx.optTz;
  return JSON.stringify(o);
}

export function buildModel(records: unknown[], saved: SavedSegment[]): RefModel {
  const m = new RefModel();
  m.applyAll(records);
  for (const s of saved) m.save(s.name, s.tree);
  return m;
}

/** Drops refunds whose order is gone so any subset of a valid dataset stays valid. */
function consistent(records: Record<string, unknown>[]): Record<string, unknown>[] {
  const orders = new Set<unknown>();
  const out: Record<string, unknown>[] = [];
  for (const r of records) {
    if (r.type === 'order') orders.add(r.order_id);
    if (r.type === 'refund' && !orders.has(r.order_id)) continue;
    out.push(r);
  }
  return out;
}

/**
 * Delta-debugging shrink of the dataset for one failing query: returns a small
 * record list on which engine and model still disagree.
 */
export async function shrink(
  Engine: EngineCtor,
  records: Record<string, unknown>[],
  saved: SavedSegment[],
  c: QueryCase,
  budget = 150,
): Promise<Record<string, unknown>[]> {
  const needSaved = usesRef(c.tree) ? saved : [];
  let runs = 0;
  const fails = async (recs: Record<string, unknown>[]): Promise<boolean> => {
    runs++;
    const e = await Engine.open({});
    try {
      if (recs.length) await e.append(recs);
      for (const s of needSaved) await e.save(s.name, s.xml);
      const m = buildModel(recs, needSaved);
      return compare(m.evaluate(c.tree, c.ctx), await runEngine(e, c)) !== undefined;
    } catch {
      return false;
    } finally {
      await e.close();
    }
  };
  let cur = consistent(records);
  let chunk = Math.max(1, Math.floor(cur.length / 2));
  while (chunk >= 1 && runs < budget) {
    let removed = false;
    for (let i = 0; i < cur.length && runs < budget; ) {
      const cand = consistent([...cur.slice(0, i), ...cur.slice(i + chunk)]);
      if (cand.length < cur.length && (await fails(cand))) {
        cur = cand;
        removed = true;
      } else {
        i += chunk;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return cur;
}

export function datasets(base: number, n: number, opts?: Parameters<typeof genDataset>[1]): Dataset[] {
  return Array.from({ length: n }, (_, i) => genDataset((base + i * 7919) >>> 0, opts));
}
