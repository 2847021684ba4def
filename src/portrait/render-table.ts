import { displayWidth, padToWidth, truncateToWidth } from './display-width.js';
import type { PortraitDimensionResult, PortraitResult } from './portrait-result.js';
import { valueLabel } from './value-label.js';

export interface TableOptions {
  /** buckets drawn per dimension (the `(none)` bucket is always drawn); 0: all */
  top: number;
  /** cells of the longest bar */
  barWidth?: number;
}

const MAX_VALUE_CELLS = 32;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `fraction` (0..1) of `width` cells in block characters, to an eighth of a cell. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  // a bucket with members never draws as nothing
  return '█'.repeat(full) + (rest ? EIGHTHS[rest] : full === 0 && fraction > 0 ? '▏' : '');
}

const int = (n: number) => n.toLocaleString('en-US');
const share = (part: number, whole: number) => (whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`);

/**
 * The portrait as a terminal report: per dimension a header and a bar chart,
 * one row per bucket with its value, customers, share of the segment and a
 * bar scaled to the largest bucket (order dimensions also show orders and
 * amount). Columns are aligned by display width, so CJK values line up.
 */
export function renderTable(result: PortraitResult, options: TableOptions): string {
  const lines = [`segment: ${int(result.count)} customers  (asOf ${result.asOf}, tz ${result.tz})`];
  for (const dim of result.dimensions) lines.push('', ...renderDimension(dim, result.count, options));
  return lines.join('\n') + '\n';
}

function renderDimension(dim: PortraitDimensionResult, count: number, options: TableOptions): string[] {
  const order = dim.kind === 'order';
  const valued = dim.buckets.filter((b) => !b.none), none = dim.buckets.filter((b) => b.none);
  const shown = options.top > 0 && valued.length > options.top ? valued.slice(0, options.top) : valued;
  const rows = [...shown, ...none];
  const header = `${dim.by}: ${int(dim.buckets.length)} bucket${dim.buckets.length === 1 ? '' : 's'}`;
  if (rows.length === 0) return [header, '  (no member has a value here)'];
  const labels = rows.map((b) => truncateToWidth(valueLabel(b), MAX_VALUE_CELLS));
  const valueCells = Math.max(5, ...labels.map(displayWidth));
  const customers = rows.map((b) => int(b.customers)), shares = rows.map((b) => share(b.customers, count));
  const orders = rows.map((b) => (b.orders === undefined ? '' : int(b.orders))), amounts = rows.map((b) => b.amount ?? '');
  const w = (xs: string[], title: string) => Math.max(title.length, ...xs.map((x) => x.length));
  const cw = w(customers, 'customers'), sw = w(shares, 'share'), ow = w(orders, 'orders'), aw = w(amounts, 'amount');
  const max = Math.max(...rows.map((b) => b.customers));
  const barWidth = options.barWidth ?? 30;
  const out = [header];
  out.push(`  ${padToWidth('value', valueCells)}  ${'customers'.padStart(cw)}  ${'share'.padStart(sw)}${order ? `  ${'orders'.padStart(ow)}  ${'amount'.padStart(aw)}` : ''}`);
  rows.forEach((b, i) => {
    const cells = `  ${padToWidth(labels[i]!, valueCells)}  ${customers[i]!.padStart(cw)}  ${shares[i]!.padStart(sw)}${order ? `  ${orders[i]!.padStart(ow)}  ${amounts[i]!.padStart(aw)}` : ''}`;
    out.push(`${cells}  ${bar(max === 0 ? 0 : b.customers / max, barWidth)}`.trimEnd());
  });
  if (shown.length < valued.length) out.push(`  … ${int(valued.length - shown.length)} more (--top 0 shows every bucket)`);
  return out;
}
