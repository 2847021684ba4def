import type { PortraitResult } from './portrait-result.js';

/** The CSV header of a portrait (docs/portraits.md). */
export const PORTRAIT_CSV_HEADER = ['dimension', 'value', 'value_type', 'customers', 'orders', 'amount', 'segment_count'] as const;

/** A field as RFC 4180 writes it: quoted when it holds a comma, quote, CR or LF (or spaces at an end), quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The portrait as CSV (RFC 4180, CRLF line ends, header row): one row per
 * bucket of every dimension, in the json's order. `value_type` tells a
 * number from a string (`31` and `"31"` are different buckets) and marks
 * `none` and `range` buckets; `orders` and `amount` are empty for
 * attribute and tag dimensions; `segment_count` is the segment's size.
 */
export function renderCsv(result: PortraitResult): string {
  const rows = [PORTRAIT_CSV_HEADER.join(',')];
  for (const dim of result.dimensions) {
    for (const b of dim.buckets) {
      const type = b.none ? 'none' : dim.kind === 'attr-range' ? 'range' : typeof b.value === 'number' ? 'number' : 'string';
      rows.push([dim.by, String(b.value), type, String(b.customers), b.orders === undefined ? '' : String(b.orders), b.amount ?? '', String(result.count)].map(csvField).join(','));
    }
  }
  return rows.join('\r\n') + '\r\n';
}
