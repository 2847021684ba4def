import type { ExportColumn } from './export-columns.js';
import { ValueTextCache, type ExportEncoder } from './export-encoder.js';
import type { MemberBatch } from './member-batches.js';

/** RFC 4180 line break. */
const CRLF = '\r\n';

/**
 * A CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF,
 * with quotes doubled; the empty string is written `""` so that it reads
 * apart from an absent value (an empty field).
 */
export function csvField(text: string): string {
  if (text === '') return '""';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV (RFC 4180, CRLF line ends): a header row `customer_id,<labels>`, then
 * one row per member. An attribute's value as text (a number as JavaScript
 * prints it: 42, 3.5, 1e+21), empty when absent; a tag `true` or `false`.
 */
export class CsvEncoder implements ExportEncoder {
  private readonly cache = new ValueTextCache((v) => csvField(typeof v === 'number' ? String(v) : v));

  constructor(private readonly columns: readonly ExportColumn[]) {}

  start(): Uint8Array[] {
    return [Buffer.from(['customer_id', ...this.columns.map((c) => c.label)].map(csvField).join(',') + CRLF, 'utf8')];
  }

  batch(batch: MemberBatch): Uint8Array[] {
    const { length: n, ids, cells } = batch;
    // per attribute cell, its value texts; row by row into one string (no per-row strings to collect)
    const texts = cells.map((cell) => (cell.kind === 'attr' ? this.cache.texts(cell.values) : []));
    const cache = this.cache;
    let out = '';
    for (let i = 0; i < n; i++) {
      out += csvField(ids[i]!);
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c]!;
        if (cell.kind === 'tag') {
          out += cell.holds[i] ? ',true' : ',false';
          continue;
        }
        const v = cell.valueIndex[i]!;
        out += v < 0 ? ',' : ',' + cache.text(texts[c]!, cell.values, v);
      }
      out += CRLF;
    }
    return [Buffer.from(out, 'utf8')];
  }

  end(): Uint8Array[] {
    return [];
  }
}
