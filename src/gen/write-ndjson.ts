/**
 * NDJSON writer: one JSON object per line, streamed in ~1 MiB chunks.
 * Symbol-keyed markers on generated records are invisible to JSON.stringify,
 * so what lands in the file is exactly the contract shape.
 */
import { withFileSink, type ProgressCallback, type WriteProgress } from './file-sink.js';
import { forEachRecord, type RecordSource } from './record-source.js';

export async function writeNdjson(
  path: string,
  records: RecordSource<object>,
  onProgress?: ProgressCallback,
): Promise<WriteProgress> {
  return withFileSink(path, async (sink) => {
    let n = 0;
    const flush = async () => {
      await sink.flush();
      onProgress?.({ records: n, bytes: sink.bytes });
    };
    await forEachRecord(records, (rec) => {
      n++;
      if (sink.add(JSON.stringify(rec) + '\n')) return flush();
    });
    await flush();
    return { records: n, bytes: sink.bytes };
  });
}
