/**
 * Id strings of generated entities, computable from their index so columnar
 * consumers need no id tables: customer i is `c0000001`-style, order i is
 * `T00000001`-style (1-based; wider numbers simply grow longer).
 */

/** prefix + zeros, by number of zeros needed (avoids padStart in the hot path) */
function paddedPrefixes(prefix: string, width: number): string[] {
  return Array.from({ length: width + 1 }, (_, k) => prefix + '0'.repeat(k));
}

const CUSTOMER_WIDTH = 7;
const ORDER_WIDTH = 8;
const CUSTOMER_PREFIXES = paddedPrefixes('c', CUSTOMER_WIDTH);
const ORDER_PREFIXES = paddedPrefixes('T', ORDER_WIDTH);

export function customerId(index: number): string {
  const digits = '' + (index + 1);
  return CUSTOMER_PREFIXES[Math.max(0, CUSTOMER_WIDTH - digits.length)] + digits;
}

export function orderId(index: number): string {
  const digits = '' + (index + 1);
  return ORDER_PREFIXES[Math.max(0, ORDER_WIDTH - digits.length)] + digits;
}
