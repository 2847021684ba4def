/**
 * NDJSON writer: one JSON object per line, streamed in ~1 MiB chunks.
 * Symbol-keyed markers on generated records are invisible to JSON, so what
 * lands in the file is exactly the contract shape.
 */
import { withFileSink, type ProgressCallback, type WriteProgress } from './file-sink.js';
import { forEachRecord, type RecordSource } from './record-source.js';
import { GeneratedOrder } from './records.js';

/** Characters JSON.stringify would escape (quote, backslash, controls, surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON of a generated order without JSON.stringify's generic walk (orders are
 * most of the output; this halves serialisation time). Falls back to
 * JSON.stringify if any value would need escaping, so the output matches
 * JSON.stringify's byte for byte, as long as nobody added properties to the
 * generated order or its lines (the known shape is what makes this safe).
 */
function orderJson(r: GeneratedOrder): string {
  const lines = r.lines;
  let raw = r.order_id + r.customer_id + r.ts + r.shop + r.status;
  let out =
    '{"type":"order","order_id":"' + r.order_id + '","customer_id":"' + r.customer_id + '","ts":"' + r.ts +
    '","shop":"' + r.shop + '","status":"' + r.status + '","lines":[';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (typeof l.quantity !== 'number' || !Number.isFinite(l.quantity)) return JSON.stringify(r);
    raw += l.sku + l.category + l.amount;
    out +=
      (i === 0 ? '{"sku":"' : ',{"sku":"') + l.sku + '","category":"' + l.category + '","quantity":' + l.quantity +
      ',"amount":"' + l.amount + '"}';
  }
  return NEEDS_ESCAPE.test(raw) ? JSON.stringify(r) : out + ']}';
}

export function ndjsonLine(rec: object): string {
  return (rec instanceof GeneratedOrder ? orderJson(rec) : JSON.stringify(rec)) + '\n';
}

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
      if (sink.add(ndjsonLine(rec))) return flush();
    });
    await flush();
    return { records: n, bytes: sink.bytes };
  });
}
