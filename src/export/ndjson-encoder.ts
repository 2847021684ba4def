import type { ExportColumn } from './export-columns.js';
import { ValueTextCache, type ExportEncoder } from './export-encoder.js';
import type { MemberBatch } from './member-batches.js';

/**
 * NDJSON: one object per member and line, `{"customer_id": ..., <label>: ...}`
 * in the columns' order. An attribute keeps its type (a number is a JSON
 * number, a string a JSON string), null when absent; a tag true or false.
 */
export class NdjsonEncoder implements ExportEncoder {
  private readonly cache = new ValueTextCache((v) => JSON.stringify(v));
  private readonly keys: string[];

  constructor(columns: readonly ExportColumn[]) {
    this.keys = columns.map((c) => `,${JSON.stringify(c.label)}:`);
  }

  start(): Uint8Array[] {
    return [];
  }

  batch(batch: MemberBatch): Uint8Array[] {
    const { length: n, ids, cells } = batch;
    const texts = cells.map((cell) => (cell.kind === 'attr' ? this.cache.texts(cell.values) : []));
    const cache = this.cache, keys = this.keys;
    let out = '';
    for (let i = 0; i < n; i++) {
      out += '{"customer_id":' + JSON.stringify(ids[i]!);
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c]!;
        if (cell.kind === 'tag') {
          out += cell.holds[i] ? keys[c] + 'true' : keys[c] + 'false';
          continue;
        }
        const v = cell.valueIndex[i]!;
        out += v < 0 ? keys[c] + 'null' : keys[c] + cache.text(texts[c]!, cell.values, v);
      }
      out += '}\n';
    }
    return [Buffer.from(out, 'utf8')];
  }

  end(): Uint8Array[] {
    return [];
  }
}
