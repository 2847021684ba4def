import type { MemberBatch } from './member-batches.js';

/**
 * Turns member batches into the bytes of one export format. Each call
 * returns the bytes to write next (possibly none); the encoder keeps no
 * member once a call returns.
 */
export interface ExportEncoder {
  /** bytes before the first member: a CSV header, an Arrow schema */
  start(): Uint8Array[];
  batch(batch: MemberBatch): Uint8Array[];
  /** bytes after the last member: the Arrow end-of-stream marker */
  end(): Uint8Array[];
}

/**
 * Per-value text cache of one shard's attribute values (the value list is
 * append-only, so a value index keeps its text), kept per value list.
 */
export class ValueTextCache {
  private readonly byList = new WeakMap<readonly unknown[], (string | undefined)[]>();

  constructor(private readonly render: (value: string | number) => string) {}

  /** The text array of `values` (filled lazily by `text`). */
  texts(values: readonly (string | number)[]): (string | undefined)[] {
    let t = this.byList.get(values);
    if (!t) this.byList.set(values, (t = []));
    return t;
  }

  text(texts: (string | undefined)[], values: readonly (string | number)[], i: number): string {
    return texts[i] ??= this.render(values[i]!);
  }
}
