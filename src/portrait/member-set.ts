import type { Bitmap } from '../index/bitmap.js';

/**
 * A segment's members in one shard as a byte per shard-local customer id
 * (1: member): what the order dimensions test once per posting row, where a
 * bitmap lookup per row would cost a native call each.
 */
export function memberBytes(members: Bitmap, customerCount: number): Uint8Array {
  const bytes = new Uint8Array(customerCount);
  const ids = members.toUint32Array();
  for (let i = 0; i < ids.length; i++) bytes[ids[i]!] = 1;
  return bytes;
}
