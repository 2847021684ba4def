// Reference portraits (contract 8.2), from the reference model alone: for a
// set of members, per dimension, every bucket by scanning everything.
// Written from the contract's text and docs/portraits.md's documented order.

import type { RefModel } from './model.js';
import type { EvalCtx } from './window.js';
import { unitMs } from './window.js';

export interface RefBucket {
  value: string | number;
  none?: true;
  from?: number;
  to?: number;
  customers: number;
  orders?: number;
  amount?: string;
}

export interface RefPortrait {
  count: number;
  dimensions: { by: string; buckets: RefBucket[] }[];
}

const NONE = '(none)';

/** Documented order: customers descending, then numbers (ascending) before strings (code units), (none) last. */
function sortBuckets(buckets: RefBucket[]): RefBucket[] {
  const valued = buckets.filter((b) => !b.none);
  valued.sort((a, b) => {
    if (a.customers !== b.customers) return b.customers - a.customers;
    const na = typeof a.value === 'number', nb = typeof b.value === 'number';
    if (na && nb) return (a.value as number) - (b.value as number);
    if (na !== nb) return na ? -1 : 1;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  });
  return [...valued, ...buckets.filter((b) => b.none)];
}

function noneBucket(n: number): RefBucket[] {
  return n > 0 ? [{ value: NONE, none: true, customers: n }] : [];
}

function yuan(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function refPortrait(model: RefModel, members: Set<string>, by: string[], ctx: EvalCtx): RefPortrait {
  return { count: members.size, dimensions: by.map((d) => ({ by: d, buckets: dimension(model, members, d, ctx) })) };
}

function dimension(model: RefModel, members: Set<string>, by: string, ctx: EvalCtx): RefBucket[] {
  if (by === 'tag') {
    const counts = new Map<string, number>();
    let none = 0;
    for (const m of members) {
      const tags = model.tags.get(m);
      if (!tags || tags.size === 0) none++;
      else for (const t of tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return sortBuckets([...[...counts].map(([value, customers]) => ({ value, customers })), ...noneBucket(none)]);
  }
  if (by.startsWith('attr:')) {
    const parts = by.slice(5).split(':');
    const name = parts[0]!;
    if (parts.length === 1) {
      const strings = new Map<string, number>(), numbers = new Map<number, number>();
      let none = 0;
      for (const m of members) {
        const v = model.attrs.get(m)?.get(name);
        if (v === undefined) none++;
        else if (typeof v === 'number') numbers.set(v, (numbers.get(v) ?? 0) + 1);
        else strings.set(v, (strings.get(v) ?? 0) + 1);
      }
      return sortBuckets([
        ...[...numbers].map(([value, customers]) => ({ value, customers })),
        ...[...strings].map(([value, customers]) => ({ value, customers })),
        ...noneBucket(none),
      ]);
    }
    const bounds = parts[1]!.split(',').map(Number);
    const ranges = new Array<number>(bounds.length + 1).fill(0);
    let none = 0;
    for (const m of members) {
      const v = model.attrs.get(m)?.get(name);
      if (typeof v !== 'number') {
        none++;
        continue;
      }
      let i = 0;
      while (i < bounds.length && v >= bounds[i]!) i++;
      ranges[i]!++;
    }
    const out: RefBucket[] = [];
    ranges.forEach((customers, i) => {
      if (customers === 0) return;
      if (i === 0) out.push({ value: `< ${bounds[0]}`, to: bounds[0]!, customers });
      else if (i === bounds.length) out.push({ value: `>= ${bounds[i - 1]}`, from: bounds[i - 1]!, customers });
      else out.push({ value: `[${bounds[i - 1]}, ${bounds[i]})`, from: bounds[i - 1]!, to: bounds[i]!, customers });
    });
    return [...out, ...noneBucket(none)];
  }
  // shop | category | sku [:last=N{h|d|w}]
  const [field, window] = by.split(':') as ['shop' | 'category' | 'sku', string | undefined];
  let afterMs = -Infinity;
  if (window) {
    const m = /^last=(\d+)([hdw])$/.exec(window)!;
    afterMs = ctx.asOfMs - Number(m[1]) * unitMs(m[2] as 'h' | 'd' | 'w');
  }
  const acc = new Map<string, { customers: Set<string>; orders: Set<string>; cents: number }>();
  for (const o of model.orders.values()) {
    if (o.status !== 'paid' || o.refunded || !members.has(o.customerId)) continue;
    const ms = o.tsS * 1000;
    if (ms > ctx.asOfMs || ms <= afterMs) continue;
    for (const line of o.lines) {
      const value = field === 'shop' ? o.shop : field === 'sku' ? line.sku : line.category;
      let a = acc.get(value);
      if (!a) acc.set(value, (a = { customers: new Set(), orders: new Set(), cents: 0 }));
      a.customers.add(o.customerId);
      a.orders.add(o.orderId);
      a.cents += line.cents;
    }
  }
  return sortBuckets([...acc].map(([value, a]) => ({ value, customers: a.customers.size, orders: a.orders.size, amount: yuan(a.cents) })));
}
