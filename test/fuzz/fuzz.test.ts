import { describe, expect, it } from 'vitest';
import { caseRanges, runFuzz, type Failure } from '../../bench/fuzz/harness.js';

/**
 * Bounded, seeded, deterministic fuzz (issue 13): mutated queries through
 * parse, plan and evaluation on a small in-memory engine, and mutated NDJSON,
 * CSV and Arrow files through the readers into an engine. Long runs:
 *   npm run fuzz -- --cases N [--seed S] [--only query|records]
 * Record-reader cases listed in /work/notes/fuzz-findings.md (owned by the
 * ingest side) are reported here but do not fail the run until fixed there.
 */
const SEED = 13;

/** Record cases of seed 13 known to fail in src/ingest (see fuzz-findings.md): index -> finding. */
const KNOWN_RECORD_FINDINGS: ReadonlyMap<number, string> = new Map<number, string>([
  // F1 (case 56, readArrow never settled on a corrupted Arrow file) is fixed: src/ingest/arrow-layout.ts
]);

function show(f: Failure): string {
  return `${f.kind} #${f.index}${f.format ? ` (${f.format})` : ''}: ${f.reason.split('\n')[0]}\n  input: ${f.text !== undefined ? JSON.stringify(f.text) : Buffer.from(f.input).toString('base64')}`;
}

describe('fuzz (bounded, seed 13)', () => {
  it('1,000 mutated queries: an answer or a listed ShandianError, under 1 s, engine unchanged', async () => {
    const s = await runFuzz({ cases: 1000, seed: SEED, only: 'query' });
    expect(s.cases).toBe(1000);
    expect(s.failures.map(show)).toEqual([]);
    // the mutations reach past the XML layer, not only into syntax errors
    expect(s.accepted).toBeGreaterThan(100);
    expect(Object.keys(s.errorsByCode).length).toBeGreaterThan(5);
  }, 60_000);

  it('120 mutated record files (NDJSON, CSV, Arrow): ingest answers or refuses with a listed code, engine unchanged', async () => {
    const s = await runFuzz({ cases: 120, seed: SEED, only: 'records' });
    expect(s.cases).toBe(120);
    const known = s.failures.filter((f) => KNOWN_RECORD_FINDINGS.has(f.index));
    for (const f of known) console.warn(`known record-reader finding ${KNOWN_RECORD_FINDINGS.get(f.index)}: ${show(f).split('\n')[0]}`);
    expect(s.failures.filter((f) => !KNOWN_RECORD_FINDINGS.has(f.index)).map(show)).toEqual([]);
    expect(s.errorsByCode['E_BAD_RECORD']).toBeGreaterThan(10);
  }, 60_000);
});

describe('caseRanges (fuzz workers side by side)', () => {
  it('covers the cases once, in ranges starting at multiples of the block', () => {
    for (const [count, parts, align] of [[5000, 2, 500], [120, 2, 500], [1001, 3, 500], [7, 4, 1], [0, 2, 1]] as const) {
      const ranges = caseRanges(count, parts, align);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      let next = 0;
      for (const [from, to] of ranges) {
        expect(from).toBe(next);
        expect(from % align).toBe(0);
        expect(to).toBeGreaterThan(from);
        next = to;
      }
      expect(next).toBe(count);
    }
  });
});
