import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { fail, ShandianError, type ErrorLocation } from '../../../model/errors.js';
import { CLICKHOUSE_DEFAULTS } from './options.js';

/**
 * The one way shandian talks to ClickHouse: a thin wrapper over
 * @clickhouse/client that fits ClickHouse 18.16 (the oldest server the
 * contract names) and turns every failure into a ShandianError:
 * - inserts pass `format: 'JSONEachRow'` (the client's default format is
 *   unknown to 18.16);
 * - no query parameters (18.16 has none): callers inline literals escaped by
 *   sql/ (CH-SQL's escaping), large id sets go as external data (`external`);
 * - `wait_end_of_query=1` on every request, so a failure mid-stream is an
 *   HTTP error and never a 200 with the error text appended to rows;
 * - errors arrive without `.code`: the `Code: N, e.displayText() = ...`
 *   text is parsed. A node that cannot be reached (refused, reset, timed
 *   out, or a shard the coordinator cannot reach: codes 209, 210, 279) is
 *   E_CLUSTER_UNAVAILABLE; anything else the server says is E_CLUSTER_ERROR
 *   with its code and text.
 * `skip_unavailable_shards` is never set: a shard down fails the query.
 */

export interface ClickHouseTarget {
  /** every node's HTTP URL; the first one coordinates */
  urls: readonly string[];
  /** a cluster of the servers' remote_servers; absent: one node */
  cluster?: string;
  /** default `shandian` */
  database?: string;
}

/** An external table sent with a query (ClickHouse HTTP external data). */
export interface ExternalTable {
  name: string;
  /** `id String` or `order_id String, n UInt32` */
  structure: string;
  /** TabSeparated rows (values escaped by `tsvField`) */
  rows: readonly string[];
}

type Settings = Record<string, string | number>;

/** ClickHouse server codes that mean a node could not be reached. */
const UNREACHABLE_CODES = new Set([
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR (connection refused)
  279, // ALL_CONNECTION_TRIES_FAILED
]);

/** Node-level errors of the HTTP connection (Node's errno codes). */
const NETWORK_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

const SERVER_HINT = 'the ClickHouse server\'s own message; its log has the statement (docs/cluster.md says what shandian sends)';
const NOT_READY_HINT = 'start the node or fix --clickhouse; shandian never answers from part of the cluster';

/** `Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception` -> 60 and the text. */
export function parseServerError(text: string): { code: number; message: string } | undefined {
  const m = /Code:\s*(\d+),\s*e\.displayText\(\)\s*=\s*(?:DB::(?:Net)?Exception:\s*)?([\s\S]*?)(?:,\s*e\.what\(\)\s*=\s*[\w:]+\s*)?$/.exec(text.trim());
  if (m) return { code: Number(m[1]), message: m[2]!.trim() };
  // newer servers: "Code: 60. DB::Exception: ... (UNKNOWN_TABLE) (version ...)"
  const n = /Code:\s*(\d+)\.\s*(?:DB::(?:Net)?Exception:\s*)?([\s\S]*)$/.exec(text.trim());
  if (n) return { code: Number(n[1]), message: n[2]!.trim() };
  return undefined;
}

/** A ClickHouse or network failure as a ShandianError naming the node and what was being done. */
export function clickhouseError(e: unknown, url: string, what: string): ShandianError {
  if (e instanceof ShandianError) return e;
  const err = e as (Error & { code?: unknown; cause?: unknown }) | undefined;
  const carried = (e as { message?: unknown } | null | undefined)?.message;
  const message = typeof carried === 'string' ? carried : String(e);
  const where: ErrorLocation = {};
  const errno = typeof err?.code === 'string' ? err.code : typeof (err?.cause as { code?: unknown } | undefined)?.code === 'string' ? (err!.cause as { code: string }).code : undefined;
  // the client's request_timeout (or ours): the node answered the ping, the statement ran too long
  if (/^Timeout error\.?$/.test(message.trim()) || (errno === 'ETIMEDOUT' && /no answer within/.test(message))) {
    return new ShandianError('E_TIMEOUT', `ClickHouse ${url} did not finish ${what} within the request timeout`, where,
      'the statement is still running or was slow there: check the server\'s load and system.processes; a real cluster spreads the shards over machines');
  }
  if ((errno !== undefined && NETWORK_ERRNO.has(errno)) || /timeout|socket hang up|ECONNREFUSED|ECONNRESET/i.test(message) && parseServerError(message) === undefined) {
    return new ShandianError('E_CLUSTER_UNAVAILABLE', `ClickHouse node ${url} cannot be reached while ${what}: ${errno && !message.includes(errno) ? `${errno}: ` : ''}${message}`, where, NOT_READY_HINT);
  }
  const server = parseServerError(message);
  if (server !== undefined) {
    const first = server.message.split('\n')[0]!.trim();
    if (UNREACHABLE_CODES.has(server.code)) {
      return new ShandianError('E_CLUSTER_UNAVAILABLE', `a ClickHouse shard cannot be reached (through ${url}) while ${what}: code ${server.code}: ${first}`, where, NOT_READY_HINT);
    }
    const hint = server.code === 60 || server.code === 81
      ? 'the database or its tables do not exist there: `shandian ingest --clickhouse URLS --cluster NAME --database DB` creates them on every node'
      : SERVER_HINT;
    return new ShandianError('E_CLUSTER_ERROR', `ClickHouse ${url} refused ${what}: code ${server.code}: ${first}`, where, hint);
  }
  return new ShandianError('E_CLUSTER_ERROR', `ClickHouse ${url} failed while ${what}: ${message}`, where, SERVER_HINT);
}

/** A value in a TabSeparated field (\\, tab, newline escaped). */
const TSV_SPECIAL = /[\\\t\n\r\0]/;
export function tsvField(value: string): string {
  if (!TSV_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\0/g, '\\0');
}

/** The TabSeparated escapes undone (one field of a row the server sent). */
export function tsvUnescape(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, c: string) => {
    switch (c) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case '0': return '\0';
      case 'b': return '\b';
      case 'f': return '\f';
      default: return c;
    }
  });
}

/**
 * One POST on a connection of its own (no keep-alive: a pooled socket the
 * server closed after its keep_alive_timeout, 3 s on 18.16, fails the
 * request that reuses it; a bulk insert or a lookup per batch does not need
 * the reuse). Resolves with the status and the body's text.
 */
function postOnce(url: string, body: Buffer, contentType: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? requestTls : request;
    const req = send(target, {
      method: 'POST', agent: false, signal, timeout: timeoutMs,
      headers: { 'Content-Type': contentType, 'Content-Length': body.length, Connection: 'close' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(fail.errno('ETIMEDOUT', 'POST', `no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Base settings of every request. */
const BASE_SETTINGS: Settings = { wait_end_of_query: 1 };

export class ClickHouseNodes {
  readonly urls: readonly string[];
  private readonly clients: ClickHouseClient[];
  private closed = false;

  constructor(urls: readonly string[], private readonly requestTimeoutMs = CLICKHOUSE_DEFAULTS.requestTimeoutMs) {
    this.urls = urls.map((u) => u.replace(/\/+$/, ''));
    this.clients = this.urls.map((url) =>
      createClient({
        url,
        request_timeout: requestTimeoutMs,
        clickhouse_settings: { ...BASE_SETTINGS } as never,
        log: { level: 127 as never }, // OFF: failures come back as ShandianErrors, not console lines
        keep_alive: { enabled: true, idle_socket_ttl: 1500, eagerly_destroy_stale_sockets: true }, // below 18.16's 3 s keep_alive_timeout
        compression: { request: false, response: false },
      }),
    );
  }

  /** The coordinator's URL (the first). */
  get coordinator(): string {
    return this.urls[0]!;
  }

  /**
   * Every node answers `SELECT 1` within pingTimeoutMs, or
   * E_CLUSTER_UNAVAILABLE naming the first that does not. Run before every
   * query and append, so a node that is down fails the call up front
   * instead of a distributed query hanging or an insert landing on some
   * shards only.
   */
  async checkReachable(timeoutMs = CLICKHOUSE_DEFAULTS.pingTimeoutMs): Promise<void> {
    this.assertOpen();
    const results = await Promise.allSettled(this.urls.map(async (url, i) => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const r = await this.clients[i]!.query({ query: 'SELECT 1', format: 'TabSeparated', abort_signal: signal });
        const text = await r.text();
        if (text.trim() !== '1') {
          throw new ShandianError('E_CLUSTER_UNAVAILABLE', `ClickHouse node ${url} answered SELECT 1 with ${JSON.stringify(text.slice(0, 80))}: is it a ClickHouse HTTP port?`, {}, NOT_READY_HINT);
        }
      } catch (e) {
        if (signal.aborted) {
          throw new ShandianError('E_CLUSTER_UNAVAILABLE', `ClickHouse node ${url} did not answer within ${timeoutMs} ms`, {}, NOT_READY_HINT);
        }
        const err = clickhouseError(e, url, 'checking that every node answers');
        if (err.code === 'E_CLUSTER_ERROR' && /failed while/.test(err.reason)) {
          throw new ShandianError('E_CLUSTER_UNAVAILABLE', err.reason, {}, NOT_READY_HINT);
        }
        throw err;
      }
    }));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /** A statement without rows (DDL, ALTER); on node `node` (default the coordinator). */
  async command(sql: string, options: { node?: number; settings?: Settings; what?: string } = {}): Promise<void> {
    this.assertOpen();
    const node = options.node ?? 0;
    try {
      await this.clients[node]!.command({ query: sql, clickhouse_settings: { ...BASE_SETTINGS, ...options.settings } as never });
    } catch (e) {
      throw clickhouseError(e, this.urls[node]!, options.what ?? 'running a statement');
    }
  }

  /** The same statement on every node, one after the other (DDL without ZooKeeper). */
  async commandOnEveryNode(sql: string, what = 'creating tables'): Promise<void> {
    for (let node = 0; node < this.urls.length; node++) await this.command(sql, { node, what });
  }

  /** Rows of a query as objects (JSONEachRow); `external` tables as external data. */
  async rows<T>(sql: string, options: { node?: number; settings?: Settings; external?: readonly ExternalTable[]; what?: string; signal?: AbortSignal } = {}): Promise<T[]> {
    const text = await this.text(`${sql}\nFORMAT JSONEachRow`, options);
    const out: T[] = [];
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end > start) out.push(JSON.parse(text.slice(start, end)) as T);
      start = end + 1;
    }
    return out;
  }

  /**
   * A query's whole answer as text (the caller puts FORMAT in `sql`). With
   * external tables the request is multipart (the client has no external
   * data), sent with fetch.
   */
  async text(sql: string, options: { node?: number; settings?: Settings; external?: readonly ExternalTable[]; what?: string; signal?: AbortSignal } = {}): Promise<string> {
    this.assertOpen();
    const node = options.node ?? 0;
    const url = this.urls[node]!;
    const what = options.what ?? 'running a query';
    if (options.external !== undefined && options.external.length > 0) return this.textWithExternal(sql, node, options.external, options.settings, what, options.signal);
    try {
      const r = await this.clients[node]!.exec({
        query: sql,
        clickhouse_settings: { ...BASE_SETTINGS, ...options.settings } as never,
        abort_signal: options.signal,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of r.stream as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    } catch (e) {
      throw clickhouseError(e, url, what);
    }
  }

  /**
   * A query's answer streamed as TabSeparated rows, each split into
   * unescaped fields (the caller's `sql` has no FORMAT clause).
   */
  async *tsvRows(sql: string, options: { node?: number; settings?: Settings; what?: string; signal?: AbortSignal } = {}): AsyncGenerator<string[]> {
    this.assertOpen();
    const node = options.node ?? 0;
    const url = this.urls[node]!;
    const what = options.what ?? 'running a query';
    let stream: AsyncIterable<Buffer>;
    try {
      const r = await this.clients[node]!.exec({
        query: `${sql}\nFORMAT TabSeparated`,
        clickhouse_settings: { ...BASE_SETTINGS, ...options.settings } as never,
        abort_signal: options.signal,
      });
      stream = r.stream as AsyncIterable<Buffer>;
    } catch (e) {
      throw clickhouseError(e, url, what);
    }
    let rest = '';
    try {
      for await (const chunk of stream) {
        const text = rest + chunk.toString('utf8');
        let start = 0;
        for (;;) {
          const end = text.indexOf('\n', start);
          if (end < 0) break;
          yield text.slice(start, end).split('\t').map(tsvUnescape);
          start = end + 1;
        }
        rest = text.slice(start);
      }
    } catch (e) {
      throw clickhouseError(e, url, what);
    }
    if (rest.length > 0) yield rest.split('\t').map(tsvUnescape);
  }

  /** Rows into a table as JSONEachRow (18.16 knows no other default). */
  async insert(table: string, values: readonly Record<string, unknown>[], options: { node?: number; settings?: Settings; what?: string } = {}): Promise<void> {
    this.assertOpen();
    if (values.length === 0) return;
    const node = options.node ?? 0;
    try {
      await this.clients[node]!.insert({
        table,
        values: values as Record<string, unknown>[],
        format: 'JSONEachRow',
        clickhouse_settings: { ...BASE_SETTINGS, ...options.settings } as never,
      });
    } catch (e) {
      throw clickhouseError(e, this.urls[node]!, options.what ?? `inserting into ${table}`);
    }
  }

  /**
   * Rows already written as TabSeparated lines (each ending in a newline)
   * into `table (columns)`: one POST, the bulk loader's path (no row
   * objects, no JSON: measured 2-3x less client CPU than insert()).
   */
  async insertTsv(table: string, columns: readonly string[], body: string, options: { node?: number; settings?: Settings; what?: string } = {}): Promise<void> {
    this.assertOpen();
    if (body.length === 0) return;
    const node = options.node ?? 0;
    const url = this.urls[node]!;
    const what = options.what ?? `inserting into ${table}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...BASE_SETTINGS, ...options.settings })) params.set(k, String(v));
    params.set('query', `INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated`);
    let res: { status: number; text: string };
    try {
      res = await postOnce(`${url}/?${params.toString()}`, Buffer.from(body, 'utf8'), 'text/tab-separated-values; charset=utf-8', this.requestTimeoutMs, undefined);
    } catch (e) {
      throw clickhouseError(e, url, what);
    }
    if (res.status !== 200) throw clickhouseError({ message: res.text }, url, what);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.clients.map((c) => c.close().catch(() => undefined)));
  }

  private assertOpen(): void {
    if (this.closed) throw new ShandianError('E_CLOSED', 'this ClickHouse connection was closed', {}, 'open the engine again');
  }

  private async textWithExternal(sql: string, node: number, external: readonly ExternalTable[], settings: Settings | undefined, what: string, signal: AbortSignal | undefined): Promise<string> {
    const url = this.urls[node]!;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...BASE_SETTINGS, ...settings })) params.set(k, String(v));
    params.set('query', sql);
    const boundary = `----shandian${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    const parts: Buffer[] = [];
    for (const t of external) {
      params.set(`${t.name}_structure`, t.structure);
      params.set(`${t.name}_format`, 'TabSeparated');
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${t.name}"; filename="${t.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`, 'utf8'));
      parts.push(Buffer.from(t.rows.length === 0 ? '' : t.rows.join('\n') + '\n', 'utf8'));
      parts.push(Buffer.from('\r\n', 'utf8'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
    let res: { status: number; text: string };
    try {
      res = await postOnce(`${url}/?${params.toString()}`, Buffer.concat(parts), `multipart/form-data; boundary=${boundary}`, this.requestTimeoutMs, signal);
    } catch (e) {
      throw clickhouseError(e, url, what);
    }
    if (res.status !== 200) throw clickhouseError({ message: res.text }, url, what);
    return res.text;
  }
}
