import { Dictionary, Int32, RecordBatchReader, Table, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readArrow } from '../../src/ingest/read-arrow.js';
import { collect, tmpDir, writeFile } from './helpers.js';
import { EMPTY_BUFFER_FAR_OFFSET, F1_HANG, F2_SLOW, F4_CASE_11030, F4_CASE_14105 } from './arrow-fuzz-inputs.js';

/**
 * Damaged Arrow files (issue 13, record fuzz findings F1, F2, F4): each is
 * E_BAD_RECORD with a hint within milliseconds, never a hang, a second of
 * decoding or a bare TypeError from the library.
 */
const dir = tmpDir();
const HINT = /write the whole file again/;

/** readArrow over the bytes, or 'hung' when it has not settled in `ms`. */
async function readBounded(bytes: Uint8Array, ms = 2000) {
  const file = writeFile(dir, 'arrow', bytes);
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  const r = await Promise.race([collect(readArrow(file)), hung]);
  clearTimeout(timer);
  return { r, ms: performance.now() - t0, file };
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

const COLS = ['order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount'];
/** `rows` orders of one line; `dictionary`: the category column dictionary-encoded. */
function table(rows: number, dictionary = false): Table {
  const cols: Record<string, Vector> = {};
  for (const c of COLS) {
    const values = Array.from({ length: rows }, (_, i) =>
      c === 'ts' ? '2026-11-11T00:00:00+08:00' : c === 'quantity' ? '1' : c === 'amount' ? '1.00' : c === 'order_id' ? `T${i}` : 'x');
    cols[c] = dictionary && c === 'category' ? vectorFromArray(values, new Dictionary(new Utf8(), new Int32())) : vectorFromArray(values, new Utf8());
  }
  return new Table(cols);
}

describe('readArrow on damaged layouts', () => {
  it('F1 (record case 56): a record-batch block whose message is no record batch is E_BAD_RECORD, not an endless re-read', async () => {
    const { r, ms, file } = await readBounded(b64(F1_HANG));
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.thrown).toMatchObject({ code: 'E_BAD_RECORD', reason: 'the Arrow file is truncated or not an Arrow IPC file', where: { file, line: 1 }, hint: expect.stringMatching(HINT) });
    expect(ms).toBeLessThan(500);
  });

  it('F2 (record case 836): a field-node vector longer than its metadata is E_BAD_RECORD in milliseconds, not a second of decoding', async () => {
    const { r, ms } = await readBounded(b64(F2_SLOW));
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.thrown).toMatchObject({ code: 'E_BAD_RECORD', hint: expect.stringMatching(HINT) });
    expect(ms).toBeLessThan(200);
  });

  for (const [name, input, column] of [['11030', F4_CASE_11030, 'customer_id'], ['14105', F4_CASE_14105, 'order_id']] as const) {
    it(`F4 (record case ${name}): a column of a damaged LargeList type is E_BAD_RECORD naming the column, not the library's TypeError`, async () => {
      const { r, file } = await readBounded(b64(input));
      expect(r).not.toBe('hung');
      if (r === 'hung') return;
      expect(r.thrown).toMatchObject({ code: 'E_BAD_RECORD', where: { file, line: 1 }, hint: expect.stringMatching(/give the columns/) });
      expect(r.thrown!.message).toContain(`column ${column} has Arrow type LargeList`);
    });
  }

  it('a record-batch block pointing at a dictionary batch (file format) is E_BAD_RECORD at once, not an endless re-read', async () => {
    const { r, ms } = await readBounded(pointBatchAtDictionary(Buffer.from(tableToIPC(table(3, true), 'file'))));
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.thrown).toMatchObject({ code: 'E_BAD_RECORD', hint: expect.stringMatching(HINT) });
    expect(ms).toBeLessThan(500);
  });

  it('a stream whose second batch claims 2^31 rows applies the first batch, then fails at the damage (as before the layout check)', async () => {
    const one = Buffer.from(tableToIPC(table(2), 'stream'));
    const two = Buffer.from(tableToIPC(table(2), 'stream'));
    // stream: schema message, batch, end marker; glue batch messages of both (drop the second schema and the first end marker)
    const firstEnd = messageEnds(one);
    const secondEnd = messageEnds(two);
    const stream = Buffer.concat([one.subarray(0, firstEnd[1]), two.subarray(secondEnd[0], secondEnd[1]), one.subarray(firstEnd[1])]);
    setRowCount(stream, firstEnd[1], 2 ** 31);
    const { r, ms } = await readBounded(stream);
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.items.filter((i) => 'raw' in i)).toHaveLength(1); // T0 (T1 may go on in the damaged batch)
    expect(r.thrown).toMatchObject({ code: 'E_BAD_RECORD' });
    expect(ms).toBeLessThan(500);
  });

  it('damage the library never reads (an empty buffer\'s offset, record case 266) is not refused', async () => {
    const { r } = await readBounded(b64(EMPTY_BUFFER_FAR_OFFSET));
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.thrown).toBeUndefined();
    expect(r.items.filter((i) => 'raw' in i)).toHaveLength(9);
  });

  it('undamaged files of both formats still read whole', async () => {
    for (const format of ['file', 'stream'] as const) {
      const { r } = await readBounded(tableToIPC(table(5), format));
      expect(r).not.toBe('hung');
      if (r === 'hung') return;
      expect(r.thrown).toBeUndefined();
      expect(r.items).toHaveLength(5);
    }
  });
});

/** End offsets of each message (prefix, metadata, body) of a stream, in order. */
function messageEnds(b: Buffer): number[] {
  const ends: number[] = [];
  let pos = 0;
  while (pos + 8 <= b.length) {
    const len = b.readInt32LE(pos + 4);
    if (len === 0) break;
    const meta = b.subarray(pos + 8, pos + 8 + len);
    ends.push(pos + 8 + len + bodyLengthOf(meta));
    pos = ends[ends.length - 1]!;
  }
  return ends;
}

/** Message.bodyLength (field 3) of a message flatbuffer. */
function bodyLengthOf(meta: Buffer): number {
  const root = meta.readUInt32LE(0);
  const vtable = root - meta.readInt32LE(root);
  const off = 4 + 2 * 3 < meta.readUInt16LE(vtable) ? meta.readUInt16LE(vtable + 4 + 2 * 3) : 0;
  return off ? Number(meta.readBigInt64LE(root + off)) : 0;
}

/** Sets RecordBatch.length (field 0 of the header, field 2 of the message) of the message at `pos`. */
function setRowCount(b: Buffer, pos: number, rows: number): void {
  const meta = b.subarray(pos + 8);
  const field = (table: number, k: number) => {
    const vtable = table - meta.readInt32LE(table);
    return 4 + 2 * k < meta.readUInt16LE(vtable) ? meta.readUInt16LE(vtable + 4 + 2 * k) : 0;
  };
  const root = meta.readUInt32LE(0);
  const h = root + field(root, 2);
  const header = h + meta.readUInt32LE(h);
  const lengthAt = field(header, 0);
  if (!lengthAt) throw new Error('test: the batch header has no length field');
  meta.writeBigInt64LE(BigInt(rows), header + lengthAt);
}

/** The file with its record-batch block's offset set to its dictionary block's offset. */
function pointBatchAtDictionary(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const reader = RecordBatchReader.from(out);
  reader.open();
  const dictionary = reader.footer!.getDictionaryBatch(0)!.offset;
  const batch = reader.footer!.getRecordBatch(0)!.offset;
  const footerLength = out.readInt32LE(out.length - 10);
  for (let p = out.length - 10 - footerLength; p + 8 <= out.length - 10; p += 4) {
    if (out.readBigInt64LE(p) === BigInt(batch)) {
      out.writeBigInt64LE(BigInt(dictionary), p);
      return out;
    }
  }
  throw new Error('test: no block offset found in the footer');
}
