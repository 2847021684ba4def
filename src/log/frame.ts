import { crc32c } from './crc32c.js';

/**
 * A log frame: `[length u32][crc32c(length) u32][crc32c(payload) u32][payload]`,
 * little-endian. The header carries its own checksum so that a flipped bit in
 * a length is caught as corruption instead of being mistaken for a torn tail.
 */
export const FRAME_HEADER_BYTES = 12;
/** One batch is one frame; larger batches are split by the writer. */
export const MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;

export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32c(frame, 0, 4), 4);
  frame.writeUInt32LE(crc32c(payload), 8);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export type FrameCheck =
  | { kind: 'ok'; payloadStart: number; payloadEnd: number }
  /** the bytes end inside this frame: a write cut short by a crash */
  | { kind: 'torn' }
  | { kind: 'corrupt'; reason: string };

/** Checks the frame starting at `offset` of `buf` (which holds the rest of the file or more). */
export function checkFrame(buf: Uint8Array, offset: number, available: number): FrameCheck {
  if (available < FRAME_HEADER_BYTES) return { kind: 'torn' };
  const view = new DataView(buf.buffer, buf.byteOffset + offset, FRAME_HEADER_BYTES);
  const length = view.getUint32(0, true);
  if (crc32c(buf, offset, offset + 4) !== view.getUint32(4, true)) {
    return { kind: 'corrupt', reason: 'frame header checksum mismatch' };
  }
  if (length > MAX_FRAME_PAYLOAD) return { kind: 'corrupt', reason: `frame length ${length} over the limit` };
  if (available < FRAME_HEADER_BYTES + length) return { kind: 'torn' };
  const payloadStart = offset + FRAME_HEADER_BYTES;
  if (crc32c(buf, payloadStart, payloadStart + length) !== view.getUint32(8, true)) {
    return { kind: 'corrupt', reason: 'frame payload checksum mismatch' };
  }
  return { kind: 'ok', payloadStart, payloadEnd: payloadStart + length };
}
