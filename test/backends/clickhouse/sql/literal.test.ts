// Literals inlined into ClickHouse SQL (18.16 has no query parameters): the
// escaping of strings, exact Float64 literals, and (with clickhouse-server on
// the PATH) their round trip through a real server, plus the contract's
// <sample> test vectors computed IN SQL.
import { describe, expect, it } from 'vitest';
import { floatLiteral, inStrings, intLiteral, stringLiteral } from '../../../../src/backends/clickhouse/sql/literal.js';
import { sampleBucketSql } from '../../../../src/backends/clickhouse/sql/sample.js';
import { describeClickHouse, useLocalCluster } from '../cluster-harness.js';
import { chQuery } from './load-rows.js';

const TRICKY = [
  '', "it's", "''", '\\', "\\'", 'a\\nb', 'line\nbreak', 'cr\rtab\t', 'nul\0byte', '\0', '双11-holdout', '客户-7', '🐉x',
  '{param}', '?', '$1', '--', '/*', "x' OR 1 --", 'back`tick', '"dq"', '\\x41', '\u2028',
];

describe('ClickHouse literals', () => {
  it('escapes quotes, backslashes, NUL and line breaks; keeps everything else as written', () => {
    expect(stringLiteral("it's")).toBe("'it\\'s'");
    expect(stringLiteral('a\\b')).toBe("'a\\\\b'");
    expect(stringLiteral('x\0y')).toBe("'x\\0y'");
    expect(stringLiteral('l1\nl2\r\t')).toBe("'l1\\nl2\\r\\t'");
    expect(stringLiteral('双11')).toBe("'双11'");
    for (const s of TRICKY) expect(stringLiteral(s)).not.toMatch(/[\n\r\0]/);
  });

  it('writes every finite number as a Float64 literal and integers only when safe', () => {
    expect(floatLiteral(31)).toBe('31e0');
    expect(floatLiteral(-2)).toBe('-2e0');
    expect(floatLiteral(-0)).toBe('0e0');
    expect(floatLiteral(18.5)).toBe('18.5');
    expect(floatLiteral(1e21)).toBe('1e+21');
    expect(floatLiteral(5e-324)).toBe("reinterpretAsFloat64(unhex('0100000000000000'))");
    expect(() => floatLiteral(Number.NaN)).toThrow(/E_INTERNAL/);
    expect(intLiteral(-86400)).toBe('-86400');
    expect(() => intLiteral(1.5)).toThrow(/E_INTERNAL/);
    expect(() => intLiteral(Number.NEGATIVE_INFINITY)).toThrow(/E_INTERNAL/);
  });

  it('never writes IN () (18.16 refuses it), one value as =, repeats once', () => {
    expect(() => inStrings('sku', [])).toThrow(/E_INTERNAL/);
    expect(inStrings('sku', ['A'])).toBe("sku = 'A'");
    expect(inStrings('sku', ['A', 'B', 'A'])).toBe("sku IN ('A', 'B')");
  });
});

describeClickHouse('ClickHouse literals on a server', () => {
  const cluster = useLocalCluster({ nodes: 1 });
  const rows = async (sql: string) =>
    (await chQuery(cluster().nodes[0]!.url, `${sql}\nFORMAT JSONEachRow`)).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('every tricky string comes back as written', async () => {
    const got = await rows(`SELECT ${TRICKY.map((s, i) => `${stringLiteral(s)} AS s${i}`).join(', ')}`);
    expect(TRICKY.map((_, i) => got[0]![`s${i}`])).toEqual(TRICKY);
    // and as a filter: the literal equals the stored value
    const eq = await rows(`SELECT ${TRICKY.map((s, i) => `${stringLiteral(s)} = unhex('${Buffer.from(s, 'utf8').toString('hex')}') AS e${i}`).join(', ')}`);
    expect(TRICKY.map((_, i) => eq[0]![`e${i}`])).toEqual(TRICKY.map(() => 1));
  });

  it('Float64 literals are exact', async () => {
    const values = [0, -0, 31, -2, 18.5, 0.1, 0.30000000000000004, 1e21, 5e-324, -2.5e-310, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789.123456789];
    for (let i = 0; i < 300; i++) values.push((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20));
    const got = await rows(`SELECT ${values.map((v, i) => `toString(${floatLiteral(v)}) AS f${i}`).join(', ')}`);
    expect(values.map((_, i) => Number(got[0]![`f${i}`]))).toEqual(values.map((v) => v + 0));
  });

  it("<sample>'s bucket in SQL gives the contract's three test vectors (7.6)", async () => {
    const vectors: [string, string, number][] = [['spring', 'c42', 2023], ['spring', '13800000000', 1406], ['双11-holdout', '客户-7', 3200]];
    const got = await rows(`SELECT ${vectors.map(([seed, id], i) => `${sampleBucketSql(seed, stringLiteral(id))} AS b${i}`).join(', ')}`);
    expect(vectors.map((_, i) => Number(got[0]![`b${i}`]))).toEqual(vectors.map((v) => v[2]));
  });
});
