import { readRecords, type InputFormat } from '../ingest/read-records.js';
import { validateRecord } from '../ingest/validate-record.js';
import { ShandianError } from '../model/errors.js';
import type { EngineRecord } from '../model/records.js';
import type { Engine } from './engine.js';

export interface IngestOptions {
  /** report and skip bad records instead of stopping at the first */
  skipBad?: boolean;
  /** zone for timestamps written without an offset */
  tz?: string;
  /** records per log frame / apply step */
  batchSize?: number;
  onProgress?: (p: { bytesRead: number; totalBytes: number; records: number }) => void;
  onSkip?: (error: ShandianError) => void;
  /** bytes to read instead of opening `file` (standard input); `file` names them in errors */
  input?: AsyncIterable<Uint8Array | string>;
  /** the format of `input` (default NDJSON), or of a file whose extension does not tell */
  format?: InputFormat;
}

/** What a file is ingested into: the engine, or the ClickHouse backend (src/backends/clickhouse/cluster/cluster-engine.ts). */
export type IngestTarget = Pick<Engine, 'appendValidPrefix' | 'appendSkippingRefused'>;

export interface IngestReport {
  file: string;
  records: number;
  skipped: number;
  elapsedMs: number;
}

/**
 * Streams one file into the engine in batches. Records are applied in file
 * order; each batch goes through the same validate-log-apply path as
 * `append`. A bad record stops the file (records before it stay applied and
 * durable) with E_BAD_RECORD naming the file and line, or with `skipBad` is
 * reported and skipped: then it does not break its batch, the good records
 * around it are committed in the same batch (one log frame) as if it were
 * not there, and skips are reported in line order as each batch commits.
 */
export async function ingestFile(engine: IngestTarget, file: string, options: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 4096;
  const skipBad = options.skipBad === true;
  let records = 0;
  let skipped = 0;
  let batch: EngineRecord[] = [];
  let lines: number[] = [];
  // with skipBad: bad records of the batch in progress, reported when it commits
  let skips: { error: ShandianError; line: number }[] = [];

  const located = (error: ShandianError, line: number) =>
    error.where.file === undefined ? error.at({ file, line }) : error;

  const bad = (error: ShandianError, line: number) => {
    if (!skipBad) throw located(error, line);
    skips.push({ error, line });
  };

  const report = () => {
    if (skips.length === 0) return;
    // reader and validation errors come first, the store's refusals at commit: line order again
    if (skips.length > 1) skips.sort((a, b) => a.line - b.line);
    for (const s of skips) {
      skipped++;
      options.onSkip?.(located(s.error, s.line));
    }
    skips = [];
  };

  const flush = async () => {
    if (skipBad) {
      if (batch.length > 0) {
        const result = await engine.appendSkippingRefused(batch);
        records += result.applied;
        for (const r of result.skipped ?? []) skips.push({ error: r.error, line: lines[r.index]! });
      }
      batch = [];
      lines = [];
      report();
      return;
    }
    while (batch.length > 0) {
      const { applied, refused } = await engine.appendValidPrefix(batch);
      records += applied;
      if (!refused) break;
      const line = lines[refused.index]!;
      batch = batch.slice(refused.index + 1);
      lines = lines.slice(refused.index + 1);
      bad(refused.error, line);
    }
    batch = [];
    lines = [];
  };

  const onProgress = (bytesRead: number, totalBytes: number) => options.onProgress?.({ bytesRead, totalBytes, records: records + batch.length });
  // options.input: standard input, NDJSON unless `format` says otherwise (ingest -)
  const format = options.format ?? (options.input ? 'ndjson' : undefined);
  for await (const item of readRecords(file, { onProgress, input: options.input, format })) {
    if (item.error) {
      // stopping (or a fatal item: reading ends here): apply what came before
      // first, so "records before it stay applied" holds exactly
      if (!skipBad || item.fatal) await flush();
      bad(item.error, item.line);
      if (item.fatal) report();
      continue;
    }
    try {
      batch.push(validateRecord(item.raw, { tz: options.tz }));
      lines.push(item.line);
    } catch (e) {
      if (!(e instanceof ShandianError)) throw e;
      if (!skipBad) await flush();
      bad(e, item.line);
      continue;
    }
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { file, records, skipped, elapsedMs: performance.now() - started };
}
