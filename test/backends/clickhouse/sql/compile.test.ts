// The ClickHouse compiler without a server: what the SQL it writes may and
// may not hold on 18.16, windows from the engine's own window code, refs as
// the engine expands them, and the exact shape of each element's SQL where
// a mistake would change answers silently.
import { describe, expect, it } from 'vitest';
import { compileSegment } from '../../../../src/backends/clickhouse/sql/compile-plan.js';
import { tableNames, type ClickHouseTarget } from '../../../../src/backends/clickhouse/schema.js';
import { parseSegment } from '../../../../src/language/parse-segment.js';
import { ShandianError } from '../../../../src/model/errors.js';
import { resolveWindow } from '../../../../src/plan/resolve-window.js';
import { datasets, genCases, genSaved } from '../../../property/harness.js';

const CLUSTER: ClickHouseTarget = { database: 'shop db', cluster: 'two' };
const ONE_NODE: ClickHouseTarget = { database: 'shandian' };
const AS_OF = Date.parse('2026-11-12T00:00:00+08:00');

function compile(xml: string, target = CLUSTER, saved: Record<string, string> = {}, tz = 'UTC') {
  return compileSegment(parseSegment(xml), target, {
    asOfMs: AS_OF,
    tz,
    loadSegment: (name) => {
      const s = saved[name];
      if (s === undefined) throw new ShandianError('E_UNKNOWN_SEGMENT', `no saved segment named ${name}`);
      return parseSegment(s);
    },
  });
}

/** The SQL with the text of string literals blanked (a value may spell anything). */
function withoutStrings(sql: string): string {
  return sql.replace(/'(?:[^'\\]|\\.)*'/g, "''");
}

describe('ClickHouse SQL for random queries', () => {
  it('uses nothing 18.16 lacks and reads Distributed tables only where the whole store is needed', () => {
    const names = tableNames(CLUSTER);
    let compiled = 0;
    const kinds = new Set<string>();
    for (const ds of datasets(20261205, 3)) {
      const saved = genSaved(ds, 3);
      const savedXml = Object.fromEntries(saved.map((s) => [s.name, s.xml]));
      for (const c of genCases(ds, 150, { allowRef: true, savedNames: saved.map((s) => s.name), salt: 5 })) {
        let out;
        try {
          out = compileSegment(parseSegment(c.xml), CLUSTER, { asOfMs: c.ctx.asOfMs, tz: c.ctx.tz, loadSegment: (n) => parseSegment(savedXml[n]!) });
        } catch (e) {
          // a query the engine refuses (e.g. from after to) is refused here with the same code
          expect(e).toBeInstanceOf(ShandianError);
          continue;
        }
        compiled++;
        for (const m of JSON.stringify(c.tree).matchAll(/"k":"(\w+)"/g)) kinds.add(m[1]!);
        for (const sql of [out.membersSql, out.countSql]) {
          const code = withoutStrings(sql);
          expect(code).not.toMatch(/\b(INTERSECT|EXCEPT|windowFunnel|groupBitmap|toStartOfWeek|toDateTime64|param_\w+)\b/i);
          expect(code).not.toMatch(/\bIN \(\s*\)/);
          expect(code).not.toMatch(/\b(true|false)\b/i);
          expect(code).not.toMatch(/\{\w+:\w+\}/); // no query-parameter placeholders
          // Distributed tables: the row source, and inside GLOBAL IN (<score> by rank) only
          const outsideGlobal = code.split(/GLOBAL IN \(/)[0]!;
          const distributedReads = outsideGlobal.split(names.orderLines.all).length - 1 + outsideGlobal.split(names.tagEvents.all).length - 1 +
            outsideGlobal.split(names.attrEvents.all).length - 1 + outsideGlobal.split(names.refunds.all).length - 1;
          expect(distributedReads, sql).toBe(0);
        }
      }
    }
    expect(compiled).toBeGreaterThan(400);
    for (const k of ['and', 'or', 'not', 'bought', 'tag', 'attr', 'ref', 'firstOrder', 'lastOrder', 'sample', 'sequence', 'score']) expect(kinds).toContain(k);
  });
});

describe('ClickHouse SQL, element by element', () => {
  it('reads the universe from the customers table: Distributed on a cluster, the local table on one node', () => {
    expect(compile('<segment><tag name="vip"/></segment>').membersSql).toMatch(/^SELECT DISTINCT customer_id FROM `shop db`\.`customers`\n/);
    expect(compile('<segment><tag name="vip"/></segment>', ONE_NODE).membersSql).toMatch(/^SELECT DISTINCT customer_id FROM `shandian`\.`customers_local`\n/);
    expect(compile('<segment><tag name="vip"/></segment>').countSql).toMatch(/^SELECT uniqExact\(customer_id\) AS count FROM/);
  });

  it('takes windows from the engine (a date-only window in a DST zone)', () => {
    const xml = '<segment tz="America/New_York"><bought sku="A" from="2026-03-08" to="2026-11-01"/></segment>';
    const { lo, hi } = resolveWindow({ kind: 'range', from: { kind: 'date', date: '2026-03-08' }, to: { kind: 'date', date: '2026-11-01' } },
      { line: 1, column: 1 }, AS_OF, 'America/New_York');
    expect(compile(xml).predicate).toContain(`ts >= ${lo} AND ts <= ${hi}`);
    expect(hi - lo + 1).toBe(239 * 86400 + 0); // 2026-03-08 00:00 EST to 2026-11-01 24:00 EST: 239 days, one 23 h and one 25 h
  });

  it('counts only paid, never refunded orders, with thresholds on distinct orders and the matching lines', () => {
    const p = compile('<segment><bought category="shoes" minCount="2" maxCount="5" minAmount="10.5" maxAmount="99" minQuantity="3" maxQuantity="9"/></segment>').predicate;
    expect(p).toContain("status = 'paid' AND order_id NOT IN (SELECT order_id FROM `shop db`.`refunds_local`)");
    expect(p).toContain("category = 'shoes'");
    expect(p).toContain('HAVING uniqExact(order_id) >= 2 AND uniqExact(order_id) <= 5 AND sum(amount_cents) >= 1050 AND sum(amount_cents) <= 9900 AND sum(quantity) >= 3 AND sum(quantity) <= 9');
  });

  it('complements against the universe with NOT, and plans an empty window as nobody', () => {
    expect(compile('<segment><not><tag name="vip"/></not></segment>').predicate).toMatch(/^NOT \(customer_id IN/);
    expect(compile('<segment><bought from="-1d" to="2020-01-01"/></segment>').predicate).toBe('0');
  });

  it('scans the order lines once for an <or> of existence <bought>s (a wide OR), each with its own window', () => {
    const p = compile('<segment><or><bought sku="A" last="30d"/><bought shop="jd" from="2026-01-01"/><bought sku="C" minCount="2"/><tag name="vip"/></or></segment>').predicate;
    const scans = p.split('FROM `shop db`.`order_lines_local`').length - 1;
    expect(scans).toBe(2); // the two existence ones together, the counting one alone
    expect(p).toContain("sku = 'A')\n      OR (ts >= ");
    const andNot = compile('<segment><tag name="vip"/><not><bought sku="A"/></not><not><bought sku="B"/></not></segment>').predicate;
    expect(andNot.split('order_lines_local').length - 1).toBe(1);
  });

  it('asks for a query size and AST limit a 1 MiB segment fits in', () => {
    const c = compile('<segment><tag name="vip"/></segment>');
    expect(c.settings.max_query_size).toBeGreaterThanOrEqual(64 << 20);
    expect(c.settings.max_ast_elements).toBeGreaterThanOrEqual(1_000_000);
    expect(c.settings).not.toHaveProperty('skip_unavailable_shards');
  });

  it('reads the tag events once for an <or> of tags', () => {
    const p = compile('<segment><or><tag name="vip"/><tag name="新客"/><bought sku="A"/></or></segment>').predicate;
    expect(p.split('tag_events_local').length - 1).toBe(1);
    expect(p).toContain("WHERE tag IN ('vip', '新客')\n  GROUP BY customer_id, tag\n  HAVING argMax(op, seq) = 'add'");
  });

  it('resolves tags and attributes by their latest event', () => {
    expect(compile('<segment><tag name="vip"/></segment>').predicate).toContain("HAVING argMax(op, seq) = 'add'");
    const a = compile('<segment><attr name="age" eq="31"/></segment>').predicate;
    expect(a).toContain("argMax(kind, seq) AS k");
    expect(a).toContain("WHERE k != 'delete' AND ((k = 'string' AND s = '31') OR (k = 'number' AND v = 31e0))");
    expect(compile('<segment><attr name="age" gte="18" lt="30"/></segment>').predicate).toContain("k = 'number' AND v >= 18e0 AND v < 30e0");
    expect(compile('<segment><attr name="phone" exists="false"/></segment>').predicate).toMatch(/^NOT \(customer_id IN/);
  });

  it('expands refs as the engine does: unknown names and cycles refused with its codes', () => {
    expect(() => compile('<segment><ref segment="nope"/></segment>')).toThrow(/E_UNKNOWN_SEGMENT/);
    expect(() => compile('<segment><ref segment="a"/></segment>', CLUSTER, { a: '<segment><ref segment="b"/></segment>', b: '<segment><ref segment="a"/></segment>' }))
      .toThrow(/E_REF_CYCLE/);
    expect(compile('<segment><ref segment="a"/></segment>', CLUSTER, { a: '<segment><tag name="vip"/></segment>' }).predicate)
      .toBe(compile('<segment><tag name="vip"/></segment>').predicate);
  });

  it('hashes <sample> as the contract says and takes 0 to 100 as everybody', () => {
    expect(compile('<segment><sample seed="s\'1" from="0" to="10"/></segment>').predicate)
      .toBe("(reinterpretAsUInt64(reverse(substring(MD5(concat('s\\'1:', customer_id)), 1, 8))) % 10000) < 1000");
    expect(compile('<segment><sample seed="s" from="0" to="100"/></segment>').predicate).toBe('1');
  });

  it('ranks a <score> by scale over the whole store (GLOBAL IN), by cuts on each shard', () => {
    const byRank = compile('<segment><score by="monetary" last="365d" min="4"/></segment>').predicate;
    expect(byRank).toMatch(/^customer_id GLOBAL IN \(/);
    expect(byRank).toContain('FROM `shop db`.`order_lines`');
    expect(byRank).toContain('intDiv(toUInt64(5) * (i - e), total)');
    const byCuts = compile('<segment><score by="frequency" cuts="2,5" min="2" max="2"/></segment>').predicate;
    expect(byCuts).not.toContain('GLOBAL');
    expect(byCuts).toContain('(1 + (v >= 2) + (v >= 5)) BETWEEN 2 AND 2');
  });

  it('writes <sequence> without windowFunnel, strictly after, with the absent period', () => {
    const plain = compile('<segment><sequence within="30d"><step sku="A"/><step sku="B"/></sequence></segment>').predicate;
    expect(plain).toContain('arrayFirst(x -> x > least(t, 4611686018427387903), s)');
    expect(plain).toContain('arrayExists((a, b) -> b - a <= 2592000, s1, c2)');
    const absent = compile('<segment><sequence within="1d"><step sku="A"/><absent sku="B"/></sequence></segment>').predicate;
    expect(absent).toContain('NOT arrayExists(b -> b > a AND b <= a + 86400, bs)');
    // the first step must leave its whole period before asOf
    expect(absent).toContain(`f1 = 1 AND t <= ${Math.floor(AS_OF / 1000) - 86400}`);
  });
});
