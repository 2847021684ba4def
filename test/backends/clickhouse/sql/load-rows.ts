// The compiler tests' own loader: contract records -> the rows of
// src/backends/clickhouse/schema.ts, validated by the engine's own
// validateRecord, inserted with synchronous distributed inserts. It checks
// nothing the real loader (CH-OPS's) refuses: the random data is valid.
import { numberBits, tableNames, type ClickHouseTarget } from '../../../../src/backends/clickhouse/schema.js';
import { validateRecord } from '../../../../src/ingest/validate-record.js';

export interface Rows {
  orderLines: object[];
  refunds: object[];
  attrEvents: object[];
  tagEvents: object[];
  customers: object[];
}

/** The rows of a record stream, in file order (seq = the record's position + 1). */
export function recordsToRows(records: readonly unknown[]): Rows {
  const rows: Rows = { orderLines: [], refunds: [], attrEvents: [], tagEvents: [], customers: [] };
  const customerOf = new Map<string, string>();
  records.forEach((raw, i) => {
    const seq = i + 1;
    const r = validateRecord(raw);
    switch (r.type) {
      case 'order':
        customerOf.set(r.orderId, r.customerId);
        r.lines.forEach((l, line) => rows.orderLines.push({
          order_id: r.orderId, customer_id: r.customerId, ts: r.ts, shop: r.shop, status: r.status, line,
          sku: l.sku, category: l.category, quantity: l.quantity, amount_cents: l.amountCents,
        }));
        rows.customers.push({ customer_id: r.customerId });
        break;
      case 'refund':
        rows.refunds.push({ order_id: r.orderId, customer_id: customerOf.get(r.orderId)!, seq });
        break;
      case 'customer':
        for (const [name, v] of Object.entries(r.attrs)) {
          rows.attrEvents.push({
            customer_id: r.customerId, name, seq,
            kind: v === null ? 'delete' : typeof v === 'number' ? 'number' : 'string',
            str_value: typeof v === 'string' ? v : '',
            num_bits: typeof v === 'number' ? numberBits(v) : '0',
          });
        }
        rows.customers.push({ customer_id: r.customerId });
        break;
      case 'tag':
        rows.tagEvents.push({ customer_id: r.customerId, tag: r.tag, op: r.op, seq });
        rows.customers.push({ customer_id: r.customerId });
        break;
    }
  });
  return rows;
}

/** One statement over HTTP (POST body), the answer's text; throws with the server's message. */
export async function chQuery(url: string, sql: string, settings: Record<string, string> = {}): Promise<string> {
  const params = new URLSearchParams({ wait_end_of_query: '1', ...settings });
  const res = await fetch(`${url}/?${params}`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 2000)}\nSQL:\n${sql.slice(0, 4000)}`);
  return text;
}

/** Inserts the rows through the coordinating node (Distributed tables, synchronous), JSONEachRow. */
export async function insertRows(url: string, target: ClickHouseTarget, rows: Rows): Promise<void> {
  const names = tableNames(target);
  for (const role of Object.keys(rows) as (keyof Rows)[]) {
    const list = rows[role];
    for (let i = 0; i < list.length; i += 5000) {
      const body = list.slice(i, i + 5000).map((r) => JSON.stringify(r)).join('\n');
      await chQuery(url, `INSERT INTO ${names[role].all} FORMAT JSONEachRow\n${body}`, { insert_distributed_sync: '1' });
    }
  }
}

/** The ids a members query returns (TSV, escaped as ClickHouse escapes). */
export async function queryIds(url: string, sql: string, settings: Readonly<Record<string, string | number>> = {}): Promise<string[]> {
  const text = await chQuery(url, `${sql}\nFORMAT JSONEachRow`, asParams(settings));
  return text.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { customer_id: string }).customer_id);
}

/** Settings as URL parameters. */
export function asParams(settings: Readonly<Record<string, string | number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
}
