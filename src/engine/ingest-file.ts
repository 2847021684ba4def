import { readNdjson } from '../ingest/read-ndjson.js';
import { readRecords } from '../ingest/read-records.js';
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
  /** NDJSON bytes to read instead of opening `file` (standard input); `file` names them in errors */
  input?: NodeJS.ReadableStream;
}

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
 * reported and skipped.
 */
export async function ingestFile(engine: Engine, file: string, options: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 4096;
  let records = 0;
  let skipped = 0;
  let batch: EngineRecord[] = [];
  let lines: number[] = [];

  const bad = (error: ShandianError, line: number) => {
    const located = error.where.file === undefined ? error.at({ file, line }) : error;
    if (!options.skipBad) throw located;
    skipped++;
    options.onSkip?.(located);
  };

  const flush = async () => {
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
  for await (const item of options.input ? readNdjson(file, { onProgress, input: options.input }) : readRecords(file, { onProgress })) {
    if (item.error) {
      await flush(); // apply what came before, so "records before it stay applied" holds exactly
      bad(item.error, item.line);
      continue;
    }
    try {
      batch.push(validateRecord(item.raw, { tz: options.tz }));
      lines.push(item.line);
    } catch (e) {
      if (!(e instanceof ShandianError)) throw e;
      await flush();
      bad(e, item.line);
      continue;
    }
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { file, records, skipped, elapsedMs: performance.now() - started };
}
