import type { NodeStats } from '../../exec/node-stats.js';
import { ORDER_DIMENSIONS } from '../../model/order-dimensions.js';
import type { BoughtPlan } from './plan.js';

/** Filters, window, count, amount and quantity bounds; a restricted scan's actual counts only customers that pass its and-siblings. */
export function explainBought(b: BoughtPlan, s: NodeStats): string {
  return describeBought(b) + (s.candidates === undefined ? '' : `; scanned for ${s.candidates} candidates (its and-siblings)`);
}

function describeBought(b: BoughtPlan): string {
  const parts: string[] = [];
  for (const d of ORDER_DIMENSIONS) {
    const values = b[d.field];
    if (values) parts.push(`${d.name} in [${values.join(', ')}]`);
  }
  const from = Number.isFinite(b.lo) ? new Date(b.lo * 1000).toISOString() : '-inf';
  parts.push(`ts in [${from}, ${new Date(b.hi * 1000).toISOString()}]`);
  parts.push(`orders ${b.minCount}..${b.maxCount ?? 'inf'}`);
  if (b.minAmountCents !== undefined || b.maxAmountCents !== undefined) {
    parts.push(`amount ${b.minAmountCents === undefined ? '0' : (b.minAmountCents / 100).toFixed(2)}..${b.maxAmountCents === undefined ? 'inf' : (b.maxAmountCents / 100).toFixed(2)}`);
  }
  if (b.minQuantity !== undefined || b.maxQuantity !== undefined) {
    parts.push(`quantity ${b.minQuantity ?? 1}..${b.maxQuantity ?? 'inf'}`);
  }
  return parts.join(', ');
}
