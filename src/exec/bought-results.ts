import { Bitmap } from '../index/bitmap.js';

/**
 * The reply of a worker for N tasks, in one ArrayBuffer so it is transferred
 * with a single move: `[N u32][pad u32][timeMs f64 x N][byteLength u32 x N]`
 * (padded to 8) then N roaring portable bitmaps back to back.
 */
export function encodeResults(results: readonly { members: Bitmap; timeMs: number }[]): ArrayBuffer {
  const n = results.length;
  const sizes = results.map((r) => r.members.getSerializationSizeInBytes('portable'));
  const head = 8 + 8 * n + 4 * n;
  const start = Math.ceil(head / 8) * 8;
  const out = new ArrayBuffer(start + sizes.reduce((a, b) => a + b, 0));
  const view = new DataView(out);
  view.setUint32(0, n, true);
  let at = start;
  results.forEach((r, i) => {
    view.setFloat64(8 + 8 * i, r.timeMs, true);
    view.setUint32(8 + 8 * n + 4 * i, sizes[i]!, true);
    r.members.serialize('portable', new Uint8Array(out, at, sizes[i]!));
    at += sizes[i]!;
  });
  return out;
}

export function decodeResults(buffer: ArrayBuffer): { members: Bitmap; timeMs: number }[] {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const start = Math.ceil((8 + 12 * n) / 8) * 8;
  const out: { members: Bitmap; timeMs: number }[] = [];
  let at = start;
  for (let i = 0; i < n; i++) {
    const size = view.getUint32(8 + 8 * n + 4 * i, true);
    out.push({ members: Bitmap.deserialize(new Uint8Array(buffer, at, size), 'portable'), timeMs: view.getFloat64(8 + 8 * i, true) });
    at += size;
  }
  return out;
}
