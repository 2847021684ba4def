import { validateRecord } from '../../../ingest/validate-record.js';
import { checkTz, resolveAsOf } from '../../../model/query-instant.js';
import { collectRefs, parseSegment, type ParseLimits } from '../../../language/parse-segment.js';
import { ShandianError } from '../../../model/errors.js';
import type { EngineRecord, InputRecord } from '../../../model/records.js';
import { isValidTimeZone } from '../../../model/time.js';
import { parseDimensions, type PortraitBy } from '../../../portrait/dimension.js';
import type { PortraitResult } from '../../../portrait/portrait-result.js';
import type { SegmentNode } from '../../../query/ast/index.js';
import { ClickHouseNodes } from './client.js';
import { CLUSTER_EXPORT_FORMATS, clusterExportChunks, type ClusterExportFormat } from './cluster-export.js';
import { parseColumns } from '../../../export/export-columns.js';
import { ClickHouseLoader, type LoadMode, type Refusal } from './loader.js';
import { CLICKHOUSE_DEFAULTS } from './options.js';
import { tableNames, type ClickHouseTarget } from '../schema.js';
import { compileSegment, type CompiledSegment } from '../sql/compile-plan.js';
import { portraitOnClickHouse } from '../sql/portrait.js';

/** `Engine.open({ clickhouse: ... })`: where the cluster is. */
export interface ClickHouseOptions {
  /** every node's HTTP URL (or one comma-separated string); the first one coordinates */
  urls: string | readonly string[];
  /** a cluster of the servers' remote_servers; absent: one node (the first URL) */
  cluster?: string;
  /** default `shandian` */
  database?: string;
}

/** `Engine.open` options of the cluster backend. */
export interface ClusterEngineOptions {
  clickhouse: ClickHouseOptions;
  /** the zone for date-only bounds when neither the query nor its options name one (default UTC) */
  tz?: string;
  /** query text limits (default 1 MiB, depth 100) */
  limits?: Partial<ParseLimits>;
}

/**
 * A query's options (the engine's QueryOptions, engine/engine-options.ts,
 * restated: this folder imports nothing of src/engine, so the engine can
 * open it without a folder cycle).
 */
export interface QueryOptions {
  /** ISO date-time with offset, epoch milliseconds, or a Date; default now */
  asOf?: string | number | Date;
  /** IANA zone for date-only bounds; default: the query's `tz`, then the engine's, then UTC */
  tz?: string;
  /** aborts the query */
  signal?: AbortSignal;
}

/** explain on a cluster: the SQL that answers the segment. */
export interface ClusterExplainResult {
  count: number;
  timeMs: number;
  asOf: string;
  tz: string;
  /** the members query (one customer_id column) */
  sql: string;
  /** one row, `count` */
  countSql: string;
}

/**
 * A query's answer from the cluster: the members' ids, read once (streamed
 * from the coordinating node as TabSeparated) when the query ran, so count,
 * ids() and has() all describe one evaluation.
 */
export class ClusterSegment {
  private set: Set<string> | undefined;
  constructor(private readonly members: readonly string[]) {}
  get count(): number {
    return this.members.length;
  }
  async *ids(): AsyncIterable<string> {
    yield* this.members;
  }
  has(customerId: string): boolean {
    this.set ??= new Set(this.members);
    return this.set.has(customerId);
  }
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The ClickHouse backend (contract section 9): the same records and XML as
 * the in-process engine, answered by a ClickHouse cluster. Queries compile
 * to SQL (sql/compile-plan.ts, through the engine's own planner); records
 * are validated by the engine's own code and loaded by loader.ts; saved
 * segments live in the cluster's saved_segments table, so every client sees
 * them. Before every call, every node must answer: a node down is
 * E_CLUSTER_UNAVAILABLE, never a partial answer. Live segments are not
 * offered here.
 */
export class ClusterEngine {
  readonly target: ClickHouseTarget;
  private readonly loader: ClickHouseLoader;
  private closed = false;

  private constructor(private readonly nodes: ClickHouseNodes, target: ClickHouseTarget, private readonly tz: string | undefined, private readonly limits: Partial<ParseLimits> | undefined) {
    this.target = target;
    this.loader = new ClickHouseLoader(nodes, target);
  }

  /** Connects and checks that every node answers (E_CLUSTER_UNAVAILABLE otherwise). */
  static async open(options: ClusterEngineOptions): Promise<ClusterEngine> {
    const { urls, target } = checkOptions(options);
    if (options.tz !== undefined && (typeof options.tz !== 'string' || !isValidTimeZone(options.tz))) {
      throw new ShandianError('E_BAD_TZ', `unknown time zone ${JSON.stringify(options.tz)}`, {}, 'use an IANA name such as Asia/Shanghai');
    }
    const nodes = new ClickHouseNodes(urls);
    try {
      await nodes.checkReachable();
    } catch (e) {
      await nodes.close();
      throw e;
    }
    return new ClusterEngine(nodes, target, options.tz, options.limits);
  }

  /** every node's URL, the coordinator first */
  get urls(): readonly string[] {
    return this.nodes.urls;
  }

  /** Creates the database and tables on every node when missing (`ingest` does this first). */
  async createTables(): Promise<void> {
    this.assertOpen();
    await this.loader.createTables();
  }

  /**
   * Appends records all or nothing: each validated as the in-process engine
   * validates (E_BAD_RECORD naming the record), a duplicate order_id or a
   * refund of an unknown order refused against the cluster, then inserted
   * on every shard (resolves once every shard acknowledged).
   */
  async append(records: InputRecord | readonly InputRecord[]): Promise<{ applied: number }> {
    this.assertOpen();
    const list: readonly unknown[] = Array.isArray(records) ? records : [records];
    const valid = list.map((raw, i) => {
      try {
        return validateRecord(raw);
      } catch (e) {
        throw relocate(e, i);
      }
    });
    const { applied, refused } = await this.loader.load(valid, 'all');
    if (refused) throw relocate(refused.error, refused.index);
    return { applied };
  }

  /** File ingest: the longest accepted prefix, and the first refused record (engine/ingest-file.ts). */
  async appendValidPrefix(records: readonly EngineRecord[]): Promise<{ applied: number; refused?: Refusal }> {
    this.assertOpen();
    return this.loader.load(records, 'prefix');
  }

  /** File ingest with --skip-bad: the accepted records as one batch, the refused ones reported. */
  async appendSkippingRefused(records: readonly EngineRecord[]): Promise<{ applied: number; skipped?: Refusal[] }> {
    this.assertOpen();
    return this.loader.load(records, 'skip');
  }

  /** The members (count, ids, has) of a segment, from one evaluation on the cluster. */
  async query(xml: string, options: QueryOptions = {}): Promise<ClusterSegment> {
    const { compiled } = await this.compile(xml, options);
    const ids: string[] = [];
    for await (const row of this.nodes.tsvRows(compiled.membersSql, { what: 'answering the segment', signal: options.signal })) ids.push(row[0]!);
    return new ClusterSegment(ids);
  }

  /**
   * The segment's members as csv, ndjson or arrow (an Arrow IPC stream)
   * bytes with `attr:NAME` and `tag:NAME` columns (contract 8.1), encoded
   * by the in-process encoders, with the same Arrow schema.
   */
  async *exportChunks(xml: string, options: QueryOptions & { format: ClusterExportFormat; columns?: string | readonly string[] }): AsyncGenerator<Uint8Array, void, undefined> {
    const { format, columns, ...query } = options;
    if (!(CLUSTER_EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new ShandianError('E_BAD_ARGS', `export format must be one of ${CLUSTER_EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
    }
    parseColumns(columns); // a bad list fails before anything runs
    const { compiled } = await this.compile(xml, query);
    const ids: string[] = [];
    for await (const row of this.nodes.tsvRows(compiled.membersSql, { what: 'answering the segment', signal: query.signal })) ids.push(row[0]!);
    yield* clusterExportChunks(this.nodes, this.target, compiled, ids, { format, columns, signal: query.signal });
  }

  /** Only the number of members (no ids cross the network). */
  async count(xml: string, options: QueryOptions = {}): Promise<number> {
    const { compiled } = await this.compile(xml, options);
    const text = await this.nodes.text(`${compiled.countSql}\nFORMAT TabSeparated`, { what: 'counting the segment', signal: options.signal });
    return Number(text.trim());
  }

  /** The SQL of the segment, and its count (run once). */
  async explain(xml: string, options: QueryOptions = {}): Promise<ClusterExplainResult> {
    const started = performance.now();
    const { compiled, asOfMs, tz } = await this.compile(xml, options);
    const text = await this.nodes.text(`${compiled.countSql}\nFORMAT TabSeparated`, { what: 'counting the segment', signal: options.signal });
    return {
      count: Number(text.trim()),
      timeMs: Math.round((performance.now() - started) * 1000) / 1000,
      asOf: new Date(asOfMs).toISOString(),
      tz,
      sql: compiled.membersSql,
      countSql: compiled.countSql,
    };
  }

  /** The SQL only (nothing runs but the saved segments' lookup when the XML has refs). */
  async explainSql(xml: string, options: QueryOptions = {}): Promise<{ sql: string; countSql: string; asOf: string; tz: string }> {
    const { compiled, asOfMs, tz } = await this.compile(xml, options);
    return { sql: compiled.membersSql, countSql: compiled.countSql, asOf: new Date(asOfMs).toISOString(), tz };
  }

  /** A portrait of the segment (contract 8.2), computed on the cluster. */
  async portrait(xml: string, options: QueryOptions & PortraitBy): Promise<PortraitResult> {
    const { by, ...query } = (options ?? {}) as Partial<PortraitBy> & QueryOptions;
    const dimensions = parseDimensions(by);
    const { compiled, asOfMs, tz } = await this.compile(xml, query);
    return portraitOnClickHouse(compiled, dimensions, this.target, { asOfMs, tz }, (sql) =>
      this.nodes.rows<Record<string, unknown>>(sql, { what: 'computing a portrait', signal: query.signal }));
  }

  /**
   * Saves a segment in the cluster (every client sees it). The XML is
   * checked now, its refs too (unknown names and cycles refused), against
   * the segments the cluster holds.
   */
  async save(name: string, xml: string, options: { live?: boolean } = {}): Promise<void> {
    this.assertOpen();
    if (typeof name !== 'string' || name.length === 0) throw new ShandianError('E_BAD_ARGS', 'a saved segment needs a non-empty name');
    if (options?.live) {
      throw new ShandianError('E_BAD_ARGS', 'live segments are not offered on the ClickHouse backend', {}, 'save it without live, or use the in-process engine (--data DIR) for live segments');
    }
    const ast = parseSegment(xml, this.limits);
    await this.nodes.checkReachable();
    const saved = await this.savedSegments();
    saved.set(name, xml);
    // plan a ref to it against the segments as they would be: unknown refs and cycles refused
    compileSegment({ kind: 'segment', children: [{ kind: 'ref', segment: name, pos: ast.pos }], pos: ast.pos } as SegmentNode, this.target, {
      asOfMs: Date.now(), tz: this.tz ?? 'UTC', loadSegment: (n) => this.loadSaved(saved, n),
    });
    const t = tableNames(this.target).savedSegments.all;
    const seq = await this.nodes.text(`SELECT max(seq) FROM ${t} FORMAT TabSeparated`, { what: 'reading the saved segments' });
    await this.nodes.insert(t, [{ name, xml, seq: (BigInt(seq.trim() || '0') + 1n).toString(), deleted: 0 }], {
      settings: { insert_distributed_sync: 1 }, what: 'saving the segment',
    });
  }

  /** Saved segments with their XML (the cluster's, by name). */
  async segments(): Promise<{ name: string; xml: string }[]> {
    this.assertOpen();
    return [...(await this.savedSegments())].map(([name, xml]) => ({ name, xml }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.nodes.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new ShandianError('E_CLOSED', 'this engine was closed', {}, 'open it again');
  }

  private async savedSegments(): Promise<Map<string, string>> {
    const t = tableNames(this.target).savedSegments.all;
    const out = new Map<string, string>();
    const sql = `SELECT name, argMax(xml, seq), argMax(deleted, seq) FROM ${t} GROUP BY name ORDER BY min(seq)`;
    for await (const [name, xml, deleted] of this.nodes.tsvRows(sql, { what: 'reading the saved segments' })) {
      if (deleted !== '1') out.set(name!, xml!);
    }
    return out;
  }

  private loadSaved(saved: ReadonlyMap<string, string>, name: string): SegmentNode {
    const xml = saved.get(name);
    if (xml === undefined) {
      throw new ShandianError('E_UNKNOWN_SEGMENT', `no saved segment named ${JSON.stringify(name)}`, {},
        `save it first (shandian save --clickhouse URLS --name ${name} ...); saved: ${[...saved.keys()].join(', ') || 'none'}`);
    }
    return parseSegment(xml, this.limits);
  }

  /** Parse (before anything reaches the cluster), every node answers, asOf and zone resolved as the engine does, SQL. */
  private async compile(xml: string, options: QueryOptions): Promise<{ compiled: CompiledSegment; asOfMs: number; tz: string }> {
    this.assertOpen();
    const ast = parseSegment(xml, this.limits);
    const callerAsOf = resolveAsOf(options?.asOf);
    const callerTz = checkTz(options?.tz);
    const asOfMs = ast.asOfMs ?? callerAsOf;
    const tz = ast.tz ?? callerTz ?? this.tz ?? 'UTC';
    await this.nodes.checkReachable();
    const saved = collectRefs(ast).length > 0 ? await this.savedSegments() : new Map<string, string>();
    const compiled = compileSegment(ast, this.target, { asOfMs, tz, loadSegment: (n) => this.loadSaved(saved, n) });
    return { compiled, asOfMs, tz };
  }
}

function checkOptions(options: ClusterEngineOptions): { urls: string[]; target: ClickHouseTarget } {
  const ch = options?.clickhouse;
  if (ch === null || typeof ch !== 'object') throw new ShandianError('E_BAD_ARGS', 'Engine.open option clickhouse must be { urls, cluster?, database? }');
  for (const key of Object.keys(options)) {
    if (key !== 'clickhouse' && key !== 'tz' && key !== 'limits') {
      throw new ShandianError('E_BAD_ARGS', `Engine.open option ${key} does not apply to a ClickHouse cluster`, {}, 'with clickhouse, Engine.open takes only tz and limits besides it');
    }
  }
  for (const key of Object.keys(ch)) {
    if (key !== 'urls' && key !== 'cluster' && key !== 'database') {
      throw new ShandianError('E_BAD_ARGS', `unknown clickhouse option ${key}`, {}, 'clickhouse takes { urls, cluster?, database? }');
    }
  }
  const raw = typeof ch.urls === 'string' ? ch.urls.split(',') : Array.isArray(ch.urls) ? ch.urls : undefined;
  if (raw === undefined) throw new ShandianError('E_BAD_ARGS', 'clickhouse.urls must be a list of node URLs (or one comma-separated string)');
  const urls = raw.map((u) => (typeof u === 'string' ? u.trim() : '')).filter((u) => u !== '');
  if (urls.length === 0) throw new ShandianError('E_BAD_ARGS', 'clickhouse.urls names no node', {}, 'give every node\'s HTTP URL, e.g. http://ch1:8123,http://ch2:8123');
  for (const u of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(u);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ShandianError('E_BAD_ARGS', `clickhouse URL ${JSON.stringify(u)} is not an http(s) URL`, {}, 'write it like http://127.0.0.1:8123');
    }
  }
  const database = ch.database ?? CLICKHOUSE_DEFAULTS.database;
  if (typeof database !== 'string' || !NAME_RE.test(database)) {
    throw new ShandianError('E_BAD_ARGS', `clickhouse database ${JSON.stringify(database)} is not a plain name`, {}, 'letters, digits and _, not starting with a digit');
  }
  const cluster = ch.cluster;
  if (cluster !== undefined && (typeof cluster !== 'string' || !NAME_RE.test(cluster))) {
    throw new ShandianError('E_BAD_ARGS', `clickhouse cluster ${JSON.stringify(cluster)} is not a plain name`, {}, 'the name of a cluster in the servers\' remote_servers');
  }
  if (cluster === undefined && urls.length > 1) {
    throw new ShandianError('E_BAD_ARGS', `${urls.length} ClickHouse URLs but no cluster`, {}, 'name the cluster of the servers\' remote_servers (--cluster NAME); without one, give one URL');
  }
  return { urls, target: cluster === undefined ? { database } : { database, cluster } };
}

function relocate(e: unknown, index: number): unknown {
  if (e instanceof ShandianError && e.code === 'E_BAD_RECORD') {
    return new ShandianError(e.code, `record ${index}: ${e.reason}`, { ...e.where, line: e.where.line ?? index + 1 }, e.hint);
  }
  return e;
}


