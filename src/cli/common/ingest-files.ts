import { ingestFile, type IngestTarget } from '../../engine/ingest-file.js';
import type { ShandianError } from '../../model/errors.js';
import type { CliIo } from './io.js';
import { ProgressBar } from './progress-bar.js';

/** What `-` is called in progress lines and errors. */
export const STDIN_NAME = '(stdin)';

/**
 * `shandian ingest`'s files, one after another, into a store or a cluster:
 * a progress bar each, skipped records reported as they commit, and a line
 * with the file's records and rate at its end.
 */
export async function ingestFilesWithProgress(
  target: IngestTarget, files: readonly string[], options: { skipBad: boolean; tz?: string; batchSize?: number }, io: CliIo,
): Promise<void> {
  for (const file of files) {
    const stdin = file === '-';
    const name = stdin ? STDIN_NAME : file;
    const bar = new ProgressBar(io.stderr, name.length > 24 ? '…' + name.slice(-23) : name);
    let report;
    try {
      report = await ingestFile(target, name, {
        skipBad: options.skipBad,
        tz: options.tz,
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        input: stdin ? io.stdin : undefined,
        onProgress: (p) => bar.update(p.bytesRead, stdin ? undefined : p.totalBytes, 'bytes', `${p.records.toLocaleString('en-US')} records`),
        onSkip: (e: ShandianError) => io.stderr.write(`skipped: ${e.message}\n`),
      });
    } finally {
      bar.done();
    }
    const secs = report.elapsedMs / 1000;
    io.stderr.write(`${name}: ${report.records.toLocaleString('en-US')} records in ${secs.toFixed(2)}s ` +
      `(${Math.round(report.records / Math.max(secs, 1e-9)).toLocaleString('en-US')}/s)${report.skipped ? `, ${report.skipped} skipped` : ''}\n`);
  }
}
