/**
 * Fuzz harness (issue 13): mutated queries against a small in-memory engine,
 * mutated record files through the three readers into an engine. Every case
 * must end in an answer or a ShandianError with a listed code other than
 * E_INTERNAL, within 1 s, and must leave the engine answering a known query
 * with the same count. Used by test/fuzz/fuzz.test.ts (bounded, fixed seed)
 * and bench/fuzz/run.ts (`npm run fuzz -- --cases N`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { generate } from '../../src/gen/generate.js';
import { writeRecords } from '../../src/gen/write-records.js';
import { ShandianError, SYSTEM_ERROR_CODES, USER_ERROR_CODES } from '../../src/model/errors.js';
import { parseSegment } from '../../src/language/parse-segment.js';
import type { InputRecord } from '../../src/model/records.js';
import { caseSeed, mutateBytes, mutateXml, Rng, tokensOf, type XmlTokens } from './mutate.js';

export type Kind = 'query' | 'records';
export type RecordFormat = 'ndjson' | 'csv' | 'arrow';
const FORMATS: readonly RecordFormat[] = ['ndjson', 'csv', 'arrow'];
const CODES = new Set<string>([...USER_ERROR_CODES, ...SYSTEM_ERROR_CODES].filter((c) => c !== 'E_INTERNAL'));
export const CASE_LIMIT_MS = 1000;
/** a case that has not settled by then is reported as hung, so the run goes on */
const HANG_MS = 3_000;

/**
 * Where case files are written: /dev/shm (memory) when there is one. Every
 * record case rewrites its file; on ext4 truncating a file that was just
 * written forces its data out (auto_da_alloc): ~1 ms a case, a third of a
 * record run (5,000 cases: 242 cases/s in os.tmpdir(), 384 in /dev/shm).
 */
export function scratchRoot(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** The repository root: the nearest folder up from here with shandian's package.json. */
export function repoRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'shandian') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('fuzz: cannot find the shandian repository root');
    dir = up;
  }
}

/** Every query example: fixtures/queries/*.xml, test/query/golden/*.xml and the ```xml blocks of docs/*.md. */
export function queryCorpus(root = repoRoot()): string[] {
  const out: string[] = [];
  for (const dir of ['fixtures/queries', 'test/query/golden']) {
    for (const f of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.xml')).sort()) {
      out.push(fs.readFileSync(path.join(root, dir, f), 'utf8'));
    }
  }
  for (const f of fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort()) {
    const md = fs.readFileSync(path.join(root, 'docs', f), 'utf8');
    for (const m of md.matchAll(/^```xml\r?\n([\s\S]*?)^```/gm)) out.push(m[1]!);
  }
  return out;
}

export interface Failure {
  kind: Kind;
  index: number;
  format?: RecordFormat;
  reason: string;
  ms: number;
  /** the record file's bytes, or the query text as UTF-8 */
  input: Uint8Array;
  /** the query text itself (lone surrogates survive only here) */
  text?: string;
}

export interface Summary {
  cases: number;
  failures: Failure[];
  failureCount: number;
  slowest: { kind: Kind; index: number; ms: number } | undefined;
  elapsedMs: number;
  errorsByCode: Record<string, number>;
  accepted: number;
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  only?: Kind;
  /** called every `progressEvery` cases and at the end */
  onProgress?: (done: number, total: number, s: Summary) => void;
  progressEvery?: number;
  /** keep at most this many failures in memory (all are counted) */
  keepFailures?: number;
  onFailure?: (f: Failure) => void;
  /**
   * Worker threads running cases side by side (default 1), each on its own
   * contiguous range of cases (record ranges start at a multiple of
   * RECORD_BLOCK, so each case meets the same engine history as with one).
   */
  workers?: number;
}

const KNOWN_TAG = 'fuzz-known';
const KNOWN_QUERY = `<segment><tag name="${KNOWN_TAG}"/></segment>`;

/** What a thrown value says is wrong with it, or undefined when it is a proper error. */
export function badError(e: unknown): string | undefined {
  if (!(e instanceof ShandianError)) {
    const err = e as { name?: string; message?: string; stack?: string };
    return `threw ${err?.name ?? typeof e}: ${err?.message ?? String(e)}${err?.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  }
  if (!CODES.has(e.code)) return `ShandianError with code ${e.code}: ${e.message}`;
  return undefined;
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`fuzz: case did not settle in ${2 * HANG_MS} ms`)), 2 * HANG_MS); // after the supervisor's HANG_MS: matters only for replay
  });
  try {
    return { ok: true, value: await Promise.race([p, hang]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/** The small data set both engines start from: generated orders plus the known tag. */
function seedRecords(): object[] {
  return [...generate({ orders: 300, customers: 40, seed: 13, start: '2026-01-01', end: '2026-11-30' }), ...knownRecords()];
}

function knownRecords(): object[] {
  const records: object[] = [];
  for (const c of ['known-1', 'known-2', 'known-3']) {
    records.push({ type: 'customer', customer_id: c, attrs: { city: 'Xiamen', age: 30 } });
    records.push({ type: 'tag', customer_id: c, tag: KNOWN_TAG, op: 'add' });
  }
  return records;
}

async function openEngine(records: readonly object[], savedNames: readonly string[]): Promise<Engine> {
  const engine = await Engine.open({ threads: 0, shards: 2, dayBucketMinRows: 0, dayBucketBytes: 16 << 20, tz: 'Asia/Shanghai' });
  await engine.append([...records] as InputRecord[]); // generated to the contract; append checks them anyway
  for (const name of savedNames) await engine.save(name, '<segment><tag name="vip"/></segment>');
  return engine;
}

/** What may never follow the root element (issue 13): one is tried after each accepted query. */
const TRAILING_JUNK = ['&lt;', '&#65;', 'junk', '<segment><tag name="a"/></segment>', '\u00A0', '\uFEFF', ']]>', '<![CDATA[x]]>', '</segment>', '>'];

/**
 * Metamorphic check for the class of issue 13: a query that was accepted must
 * be refused with E_XML_SYNTAX once anything but white space, comments or
 * PIs follows its root.
 */
function trailingJunkAccepted(xml: string, n: number): string | undefined {
  const junk = TRAILING_JUNK[n % TRAILING_JUNK.length]!;
  try {
    parseSegment(xml + junk);
  } catch (e) {
    if (e instanceof ShandianError && e.code === 'E_XML_SYNTAX') return undefined;
    return `accepted query + ${JSON.stringify(junk)} gave ${badError(e) ?? (e as ShandianError).code}, not E_XML_SYNTAX`;
  }
  return `accepted query + ${JSON.stringify(junk)} after the root was accepted too`;
}

export class QueryFuzzer {
  private checks = 0;

  private constructor(
    private readonly engine: Engine,
    readonly corpus: string[],
    private readonly tokens: XmlTokens,
    readonly knownCount: number,
    readonly knownBought: { xml: string; count: number },
  ) {}

  static async create(): Promise<QueryFuzzer> {
    const corpus = queryCorpus();
    const saved = new Set<string>();
    for (const text of corpus) for (const m of text.matchAll(/segment\s*=\s*"([^"]*)"/g)) saved.add(m[1]!);
    const engine = await openEngine(seedRecords(), [...saved].sort());
    const knownCount = (await engine.query(KNOWN_QUERY)).count;
    const boughtXml = '<segment asOf="2026-12-01T00:00:00+08:00"><bought from="2026-03-01" to="2026-09-30" minCount="2"/></segment>';
    const bought = (await engine.query(boughtXml)).count;
    return new QueryFuzzer(engine, corpus, tokensOf(corpus), knownCount, { xml: boughtXml, count: bought });
  }

  input(seed: number, index: number): string {
    const rng = new Rng(caseSeed(seed, index));
    return mutateXml(rng.pick(this.corpus), rng, this.tokens);
  }

  private static material: { corpus: string[]; tokens: XmlTokens } | undefined;

  /** The text of case `index` without an engine (for a supervisor reporting a hung case). */
  static inputWithoutEngine(seed: number, index: number): string {
    if (!QueryFuzzer.material) {
      const corpus = queryCorpus();
      QueryFuzzer.material = { corpus, tokens: tokensOf(corpus) };
    }
    const rng = new Rng(caseSeed(seed, index));
    return mutateXml(rng.pick(QueryFuzzer.material.corpus), rng, QueryFuzzer.material.tokens);
  }

  /** Runs one query; returns undefined when it passed, else what went wrong. */
  async check(xml: string, explain: boolean): Promise<{ problem?: string; code?: string }> {
    const outcome = await settle(explain ? this.engine.explain(xml).then((r) => r.count) : this.engine.query(xml).then((s) => s.count));
    let code: string | undefined;
    if (!outcome.ok) {
      const bad = badError(outcome.error);
      if (bad) return { problem: bad };
      code = (outcome.error as ShandianError).code;
    }
    if (outcome.ok) {
      const bad = trailingJunkAccepted(xml, this.checks++);
      if (bad) return { problem: bad };
    }
    const known = (await this.engine.query(KNOWN_QUERY)).count;
    if (known !== this.knownCount) return { problem: `known query count changed: ${this.knownCount} -> ${known}`, code };
    return { code };
  }

  /** The heavier consistency check (a <bought> window), run now and then. */
  async checkBought(): Promise<string | undefined> {
    const n = (await this.engine.query(this.knownBought.xml)).count;
    return n === this.knownBought.count ? undefined : `known <bought> count changed: ${this.knownBought.count} -> ${n}`;
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}

/** Record cases share an engine in blocks of this many (by case index), so a case's engine history does not depend on which worker ran it. */
export const RECORD_BLOCK = 500;

export class RecordFuzzer {
  private engine!: Engine;
  /** the block of cases the engine has served since its last reset */
  private block = -1;

  private constructor(
    private readonly dir: string,
    readonly seeds: Record<RecordFormat, Uint8Array[]>,
    private readonly base: object[],
    readonly knownCount: number,
  ) {}

  /** Valid files of each format written by the generator (deterministic), read back as bytes. */
  static async makeSeeds(dir: string): Promise<Record<RecordFormat, Uint8Array[]>> {
    const seeds: Record<RecordFormat, Uint8Array[]> = { ndjson: [], csv: [], arrow: [] };
    for (let s = 1; s <= 4; s++) {
      const records = [...generate({ orders: 6 + 3 * s, customers: 3 + s, seed: 100 + s, start: '2026-10-01', end: '2026-11-30' })];
      for (const format of FORMATS) {
        const file = path.join(dir, `seed-${s}.${format}`);
        await writeRecords(file, records);
        seeds[format].push(new Uint8Array(fs.readFileSync(file)));
      }
    }
    RecordFuzzer.seedCache = seeds;
    return seeds;
  }

  /** `parent`: where its folder goes (the supervisor's run folder, removed at the end even when this worker is terminated) */
  static async create(parent = scratchRoot()): Promise<RecordFuzzer> {
    const dir = fs.mkdtempSync(path.join(parent, 'shandian-fuzz-'));
    const seeds = await RecordFuzzer.makeSeeds(dir);
    const base = knownRecords();
    const f = new RecordFuzzer(dir, seeds, base, 3);
    await f.reset();
    return f;
  }

  private async reset(): Promise<void> {
    await this.engine?.close();
    this.engine = await openEngine(this.base, []);
  }

  private static seedCache: Record<RecordFormat, Uint8Array[]> | undefined;

  /** The input of case `index` without an engine (for a supervisor reporting a hung case). */
  static inputWithoutEngine(seed: number, index: number): { format: RecordFormat; bytes: Uint8Array } {
    const seeds = RecordFuzzer.seedCache;
    if (!seeds) return { format: FORMATS[index % 3]!, bytes: new Uint8Array(0) };
    const rng = new Rng(caseSeed(seed, index));
    const format = FORMATS[index % 3]!;
    return { format, bytes: mutateBytes(rng.pick(seeds[format]), rng, seeds[format]) };
  }

  input(seed: number, index: number): { format: RecordFormat; bytes: Uint8Array } {
    const rng = new Rng(caseSeed(seed, index));
    const format = FORMATS[index % 3]!;
    const pool = this.seeds[format];
    return { format, bytes: mutateBytes(rng.pick(pool), rng, pool) };
  }

  /** Reads and ingests one file (alternately stopping at and skipping bad records). */
  async check(format: RecordFormat, bytes: Uint8Array, skipBad: boolean, index = 0): Promise<{ problem?: string; code?: string }> {
    const block = Math.floor(index / RECORD_BLOCK);
    if (block !== this.block) {
      if (this.block !== -1) await this.reset();
      this.block = block;
    }
    const file = path.join(this.dir, `case.${format}`);
    fs.writeFileSync(file, bytes);
    let code: string | undefined;
    const skipped: string[] = [];
    // no timeout here: the supervisor (supervise) ends a worker stuck on a case
    const outcome = await ingestFile(this.engine, file, { skipBad, batchSize: 64, onSkip: (e) => skipped.push(badError(e) ?? '') }).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (!outcome.ok) {
      const bad = badError(outcome.error);
      if (bad) return { problem: `ingest: ${bad}` };
      code = (outcome.error as ShandianError).code;
    }
    const skippedBad = skipped.find((s) => s !== '');
    if (skippedBad) return { problem: `skipped record: ${skippedBad}` };
    const known = (await this.engine.query(KNOWN_QUERY)).count;
    if (known !== this.knownCount) return { problem: `known query count changed: ${this.knownCount} -> ${known}`, code };
    return { code };
  }

  async close(): Promise<void> {
    await this.engine.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Runs `cases` cases: half queries, half record files unless `only`, each
 * kind in a worker thread (see case-worker.ts), so a case that never returns
 * is reported as hung and the run goes on after it.
 */
export async function runFuzz(opts: FuzzOptions): Promise<Summary> {
  const nQuery = opts.only === 'records' ? 0 : opts.only === 'query' ? opts.cases : Math.ceil(opts.cases / 2);
  const nRecords = opts.cases - nQuery;
  const summary: Summary = { cases: 0, failures: [], failureCount: 0, slowest: undefined, elapsedMs: 0, errorsByCode: {}, accepted: 0 };
  const keep = opts.keepFailures ?? 1000;
  const every = opts.progressEvery ?? 10_000;
  const started = performance.now();
  const record = (kind: Kind, index: number, ms: number, r: { problem?: string; code?: string }, input: Uint8Array | undefined, format?: RecordFormat, text?: string) => {
    if (!summary.slowest || ms > summary.slowest.ms) summary.slowest = { kind, index, ms };
    if (r.code) summary.errorsByCode[r.code] = (summary.errorsByCode[r.code] ?? 0) + 1;
    else if (!r.problem) summary.accepted++;
    const reason = r.problem ?? (ms > CASE_LIMIT_MS ? `took ${ms.toFixed(0)} ms (limit ${CASE_LIMIT_MS})` : undefined);
    if (reason !== undefined) {
      const f: Failure = { kind, index, reason, ms, input: input ?? new Uint8Array(0), ...(format ? { format } : {}), ...(text !== undefined ? { text } : {}) };
      summary.failureCount++;
      if (summary.failures.length < keep) summary.failures.push(f);
      opts.onFailure?.(f);
    }
    summary.cases++;
    summary.elapsedMs = performance.now() - started;
    if (opts.onProgress && (summary.cases % every === 0 || summary.cases === opts.cases)) opts.onProgress(summary.cases, opts.cases, summary);
  };

  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  if (nQuery > 0) await supervise('query', opts.seed, nQuery, workers, (r) => record('query', r.index, r.ms, r, r.input, undefined, r.text));
  if (nRecords > 0) await supervise('records', opts.seed, nRecords, workers, (r) => record('records', r.index, r.ms, r, r.input, r.format as RecordFormat));
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/** One case's outcome, as a worker reports it. */
export interface CaseResult {
  index: number;
  ms: number;
  format?: string;
  problem?: string;
  code?: string;
  /** the input, sent only for a failing or slow case */
  input?: Uint8Array;
  text?: string;
}

/** [from, to) ranges covering [0, count), `parts` of them at most, each starting at a multiple of `align`. */
export function caseRanges(count: number, parts: number, align: number): Array<[number, number]> {
  const blocks = Math.ceil(count / align);
  const n = Math.max(1, Math.min(parts, blocks));
  const out: Array<[number, number]> = [];
  for (let k = 0; k < n; k++) {
    const from = Math.floor((blocks * k) / n) * align, to = Math.min(count, Math.floor((blocks * (k + 1)) / n) * align);
    if (to > from) out.push([from, to]);
  }
  return out;
}

/**
 * Cases [0, count) of `kind` in `workers` worker threads side by side, each
 * on its own range; in each, a case silent for HANG_MS is a failure and the
 * next worker starts after it.
 */
async function supervise(kind: Kind, seed: number, count: number, workers: number, onResult: (r: CaseResult) => void): Promise<void> {
  const script = path.join(repoRoot(), 'dist', 'bench', 'fuzz', 'case-worker.js');
  if (!fs.existsSync(script)) throw new Error(`fuzz: ${script} is missing: run npm run build first`);
  const { Worker } = await import('node:worker_threads');
  const seedDir = fs.mkdtempSync(path.join(scratchRoot(), 'shandian-fuzz-seeds-'));
  if (kind === 'records') await RecordFuzzer.makeSeeds(seedDir);
  fs.rmSync(seedDir, { recursive: true, force: true });
  const inputOf = (index: number): { format?: string; input: Uint8Array; text?: string } => {
    if (kind === 'records') {
      const r = RecordFuzzer.inputWithoutEngine(seed, index);
      return { format: r.format, input: r.bytes };
    }
    const text = QueryFuzzer.inputWithoutEngine(seed, index);
    return { input: new TextEncoder().encode(text), text };
  };
  // the workers' case folders go in here: a worker terminated on a hung case cannot remove its own
  const runDir = fs.mkdtempSync(path.join(scratchRoot(), 'shandian-fuzz-run-'));
  const ranges = caseRanges(count, workers, kind === 'records' ? RECORD_BLOCK : 1);
  try {
    await Promise.all(ranges.map(([from, to]) => superviseRange(from, to)));
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }

  async function superviseRange(from: number, to: number): Promise<void> {
    let next = from;
    while (next < to) {
      next = await new Promise<number>((resolve) => {
        const worker = new Worker(script, { workerData: { kind, seed, from: next, to, scratch: runDir }, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
        let current = next;
        let timer: NodeJS.Timeout | undefined;
        let finished = false;
        const finish = (resumeAt: number) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          void worker.terminate();
          resolve(resumeAt);
        };
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            onResult({ index: current, ms: HANG_MS, problem: `hung: no answer in ${HANG_MS} ms`, ...inputOf(current) });
            finish(current + 1);
          }, HANG_MS);
        };
        arm();
        worker.on('message', (m: CaseResult | { started: number } | { done: true }) => {
          if (finished) return;
          if ('done' in m) return finish(to);
          if ('started' in m) {
            current = m.started;
            return arm();
          }
          onResult(m);
          current = m.index + 1;
        });
        worker.on('error', (e) => {
          if (finished) return;
          onResult({ index: current, ms: 0, problem: `worker died: ${badError(e) ?? e}`, ...inputOf(current) });
          finish(current + 1);
        });
        worker.on('exit', (exitCode) => {
          if (finished) return;
          // e.g. the worker's heap limit (resourceLimits) reached by one case
          onResult({ index: current, ms: 0, problem: `worker exited with code ${exitCode} during the case`, ...inputOf(current) });
          finish(current + 1);
        });
      });
    }
  }
}

/** Replays one saved input (the extension tells the kind): what went wrong, or undefined. */
export async function replay(file: string): Promise<string | undefined> {
  const ext = path.extname(file).slice(1) as RecordFormat | 'xml' | 'json';
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (ext === 'xml' || ext === 'json') {
    const q = await QueryFuzzer.create();
    try {
      // a saved query is JSON ({ "xml": "..." }) so that lone surrogates survive
      const text = ext === 'json' ? (JSON.parse(new TextDecoder().decode(bytes)) as { xml: string }).xml : new TextDecoder().decode(bytes);
      return (await q.check(text, false)).problem ?? (await q.check(text, true)).problem;
    } finally {
      await q.close();
    }
  }
  const r = await RecordFuzzer.create();
  try {
    return (await r.check(ext, bytes, false)).problem ?? (await r.check(ext, bytes, true)).problem;
  } finally {
    await r.close();
  }
}
