import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import {
  ENGINE_OPTION_SPECS,
  QUERY_OPTION_SPECS,
  validateEngineOptions,
  validateQueryOptions,
  type OptionSpec,
} from '../../src/engine/engine-options.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-opts-'));

/** Values a spec must refuse with E_BAD_ARGS (wrong type or out of range). */
function badValues(spec: OptionSpec): unknown[] {
  const wrongTypes = [null, [], Symbol('x'), () => 1];
  switch (spec.kind) {
    case 'string':
      return [...wrongTypes, '', 5, true, {}];
    case 'boolean':
      return [...wrongTypes, 'true', 1, 0, {}];
    case 'integer':
      return [...wrongTypes, spec.min - 1, spec.min + 0.5, Number.NaN, Infinity, -Infinity, String(spec.min), {},
        ...(spec.max < Number.MAX_SAFE_INTEGER ? [spec.max + 1] : [])];
    case 'number':
      return [...wrongTypes, spec.min - 1, ...(spec.minExclusive ? [spec.min] : []), Number.NaN, Infinity, '5', {}];
    case 'enum':
      return [...wrongTypes, spec.allowed[0]!.toUpperCase(), `${spec.allowed[0]}x`, 1, {}];
    case 'timeZone':
      return [...wrongTypes, 5, {}, true];
    case 'dateTime':
      return [null, [], Symbol('x'), true, {}];
    case 'signal':
      return [...wrongTypes, {}, 'abort', 1];
    case 'function':
      return [null, [], Symbol('x'), {}, 'Date.now', 1];
    case 'object':
      return [...wrongTypes, 5, 'x', { notAKey: 1 },
        ...Object.entries(spec.fields).flatMap(([k, f]) => badValues(f).map((v) => ({ [k]: v })))];
  }
}

/** A value each spec accepts. */
function goodValue(spec: OptionSpec): unknown {
  switch (spec.kind) {
    case 'string': return 'x';
    case 'boolean': return false;
    case 'integer': return spec.min;
    case 'number': return spec.min + 1;
    case 'enum': return spec.allowed[spec.allowed.length - 1];
    case 'timeZone': return 'Asia/Shanghai';
    case 'dateTime': return '2026-11-12T00:00:00+08:00';
    case 'signal': return new AbortController().signal;
    case 'function': return () => 0;
    case 'object': return Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, goodValue(f)]));
  }
}

describe('Engine.open options', () => {
  it('durability "FSYNC" (or any misspelling) is E_BAD_ARGS naming the allowed values, before anything is written', async () => {
    const dir = path.join(tmp(), 'store');
    const err = await Engine.open({ dir, durability: 'FSYNC' as never }).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_BAD_ARGS' });
    expect(err.message).toContain('durability');
    expect(err.message).toContain('"fsync", "none"');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it.each([
    [{ dir: '' }, 'dir'],
    [{ dir: 5 }, 'dir'],
    [{ shards: 0 }, 'shards'],
    [{ shards: 1.5 }, 'shards'],
    [{ shards: 257 }, 'shards'],
    [{ tz: 8 }, 'tz'],
    [{ durability: 'sync' }, 'durability'],
    [{ readOnly: 'yes' }, 'readOnly'],
    [{ limits: 5 }, 'limits'],
    [{ limits: { maxBytes: 0 } }, 'limits maxBytes'],
    [{ limits: { maxDepth: 2.5 } }, 'limits maxDepth'],
    [{ limits: { maxdepth: 10 } }, 'maxdepth'],
    [{ threads: -1 }, 'threads'],
    [{ threads: 1.5 }, 'threads'],
    [{ poolMinLines: -1 }, 'poolMinLines'],
    [{ poolMinComplement: 'many' }, 'poolMinComplement'],
    [{ dayBucketBytes: -1 }, 'dayBucketBytes'],
    [{ dayBucketMinRows: Number.NaN }, 'dayBucketMinRows'],
    [{ maxConcurrentQueries: 0 }, 'maxConcurrentQueries'],
    [{ maxQueuedQueries: -1 }, 'maxQueuedQueries'],
    [{ durabilty: 'none' }, 'durabilty'],
  ])('%o is E_BAD_ARGS naming %s', async (options, name) => {
    const err = await Engine.open(options as never).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_BAD_ARGS' });
    expect(err.message).toContain(name);
  });

  it('an unknown key suggests the near one', async () => {
    await expect(Engine.open({ durabilty: 'none' } as never)).rejects.toThrow(/did you mean durability/);
  });

  it('an unknown zone keeps its documented code E_BAD_TZ', async () => {
    await expect(Engine.open({ tz: 'Asia/Xiamen' })).rejects.toMatchObject({ code: 'E_BAD_TZ' });
  });

  it('options that are not an object are E_BAD_ARGS', async () => {
    await expect(Engine.open(null as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(Engine.open('./data' as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
  });

  it('maxConcurrentQueries 0 no longer hangs queries: refused at open', async () => {
    await expect(Engine.open({ threads: 0, maxConcurrentQueries: 0 })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
  });

  it('valid options and undefined values still open', async () => {
    const engine = await Engine.open({ dir: undefined, threads: 0, durability: 'none', shards: 2, tz: 'Asia/Shanghai',
      limits: { maxBytes: 4096, maxDepth: 10 }, dayBucketBytes: 0, maxConcurrentQueries: 1, maxQueuedQueries: 0 });
    expect(engine.size.shards).toBe(2);
    await engine.close();
  });

  it('property: every option in the table refuses each bad value with E_BAD_ARGS naming it, and accepts a good one', () => {
    for (const [name, spec] of Object.entries(ENGINE_OPTION_SPECS) as [string, OptionSpec][]) {
      expect(() => validateEngineOptions({ [name]: goodValue(spec) }), name).not.toThrow();
      for (const bad of badValues(spec)) {
        let err: unknown;
        try {
          validateEngineOptions({ [name]: bad });
        } catch (e) {
          err = e;
        }
        expect(err, `${name}: ${String(typeof bad === 'symbol' ? 'symbol' : JSON.stringify(bad))}`).toMatchObject({ code: 'E_BAD_ARGS' });
        expect((err as Error).message).toContain(name);
      }
    }
  });

  it('property: any key outside the table is refused', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((k) => !Object.hasOwn(ENGINE_OPTION_SPECS, k)), (key) => {
      expect(() => validateEngineOptions({ [key]: undefined })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
    }));
  });

  it('property: random values are accepted only when they fit the spec', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(ENGINE_OPTION_SPECS)), fc.anything(), (name, value) => {
      try {
        validateEngineOptions({ [name]: value });
      } catch (e) {
        expect(['E_BAD_ARGS', 'E_BAD_TZ']).toContain((e as { code?: string }).code);
      }
    }));
  });
});

describe('docs', () => {
  it("README's Engine.open paragraph names every option in the table, and every query option", () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('`Engine.open` options:');
    const paragraph = readme.slice(start, readme.indexOf('\n\n', start));
    for (const name of [...Object.keys(ENGINE_OPTION_SPECS), ...Object.keys(QUERY_OPTION_SPECS)]) {
      expect(paragraph, name).toContain(`\`${name}\``);
    }
  });
});

describe('query options', () => {
  it('unknown keys and wrong types are E_BAD_ARGS', async () => {
    const engine = await Engine.open({ threads: 0 });
    const xml = '<segment><tag name="vip"/></segment>';
    await expect(engine.query(xml, { asof: '2026-01-01T00:00:00Z' } as never)).rejects.toThrow(/unknown query option "asof".*did you mean asOf/);
    await expect(engine.query(xml, { timeoutMs: '100' } as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(engine.query(xml, { signal: {} } as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(engine.query(xml, { tz: 8 } as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(engine.explain(xml, { asOf: true } as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(engine.query(xml, { asOf: 'yesterday' })).rejects.toMatchObject({ code: 'E_BAD_DATE' });
    expect((await engine.query(xml, { asOf: Date.now(), tz: 'UTC', timeoutMs: 1000, signal: new AbortController().signal })).count).toBe(0);
    await engine.close();
  });

  it('property: every query option refuses each bad value and accepts a good one', () => {
    for (const [name, spec] of Object.entries(QUERY_OPTION_SPECS) as [string, OptionSpec][]) {
      expect(() => validateQueryOptions({ [name]: goodValue(spec) }), name).not.toThrow();
      for (const bad of badValues(spec)) {
        expect(() => validateQueryOptions({ [name]: bad }), name).toThrow(expect.objectContaining({ code: 'E_BAD_ARGS' }));
      }
    }
  });
});

describe('docs/query-language.md', () => {
  it("E_BAD_ARGS examples for Engine.open options are the engine's real messages", async () => {
    const docs = fs.readFileSync(path.join(import.meta.dirname, '../../docs/query-language.md'), 'utf8');
    const rows = docs.split('\n').filter((l) => /^\|( `E_BAD_ARGS`)? \|.*`Engine\.open\(\{/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const cells = row.split(' | ');
      const call = /`Engine\.open\((\{.*\})\)`/.exec(cells[cells.length - 2]!)![1]!;
      const documented = /`(E_BAD_ARGS: .*)`/.exec(cells[cells.length - 1]!)![1]!;
      const options = new Function(`return (${call});`)() as never;
      const err = await Engine.open(options).catch((e) => e);
      expect(err.message).toBe(documented);
    }
  });
});
