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
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = `{"customer_id":${JSON.stringify(ids[i]!)}`;
    cells.forEach((cell, c) => {
      const key = this.keys[c]!;
      if (cell.kind === 'tag') {
        const holds = cell.holds;
        for (let i = 0; i < n; i++) out[i] += holds[i] ? key + 'true' : key + 'false';
        return;
      }
      const { valueIndex, values } = cell;
      const texts = this.cache.texts(values);
      for (let i = 0; i < n; i++) {
        const v = valueIndex[i]!;
        out[i] += v < 0 ? key + 'null' : key + this.cache.text(texts, values, v);
      }
    });
    return [Buffer.from(out.join('}\n') + '}\n', 'utf8')];
  }

  end(): Uint8Array[] {
    return [];
  }
}
