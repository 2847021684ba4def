/**
 * Stable routing of a customer to a shard: FNV-1a over the UTF-16 code units
 * of the external id. Stable across processes and versions, because a store
 * records its shard count once and routes by this function forever after.
 */
export function shardOf(customerId: string, shardCount: number): number {
  if (shardCount === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    h ^= customerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shardCount;
}
