import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_OPTION_SPECS, LIMIT_OPTION_SPECS } from '../../src/engine/engine-options.js';
import { defaultHint, ENGINE_DEFAULTS, engineDefault, LIMIT_DEFAULTS, TUNING } from '../../src/model/defaults.js';
import { DEFAULT_LIMITS } from '../../src/query/parse-limits.js';
import { YIELD_BUDGET_MS } from '../../src/engine/time-slice.js';

/**
 * The defaults are written once (src/model/defaults.ts); README.md and the
 * docs repeat them for readers, and these tests keep the copies honest.
 */
const root = path.resolve(import.meta.dirname, '../..');
const flat = (text: string) => text.replace(/\s+/g, ' ');
const readme = flat(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'))
  .map((f) => ({ file: `docs/${f}`, text: flat(fs.readFileSync(path.join(root, 'docs', f), 'utf8')) }));

/** A number as the docs write it ("50,000", "1.5 GiB", "1 MiB"), back to its value. */
function parseWritten(text: string): number | undefined {
  const m = /^([\d,.]+)(?: (KiB|MiB|GiB))?$/.exec(text);
  if (!m) return undefined;
  const unit = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[m[2] ?? ''] ?? 1;
  return Number(m[1]!.replaceAll(',', '')) * unit;
}

describe('defaults (src/model/defaults.ts)', () => {
  it('every numeric default is written as its value', () => {
    for (const [name, d] of Object.entries({ ...ENGINE_DEFAULTS, ...LIMIT_DEFAULTS })) {
      if (typeof d.value === 'number') expect(parseWritten(d.text), name).toBe(d.value);
    }
  });

  it('the option table takes its defaults from there', () => {
    for (const [name, spec] of Object.entries(ENGINE_OPTION_SPECS)) {
      expect(spec.default, name).toBe(defaultHint(ENGINE_DEFAULTS[name as keyof typeof ENGINE_DEFAULTS]));
    }
    expect(ENGINE_OPTION_SPECS.dayBucketBytes.default).toBe('1610612736 (1.5 GiB)');
    expect(ENGINE_OPTION_SPECS.poolMinLines.default).toBe('50000');
    expect(LIMIT_OPTION_SPECS.maxBytes.default).toBe('1048576 (1 MiB)');
    expect(DEFAULT_LIMITS).toEqual(ENGINE_DEFAULTS.limits.value);
    expect(YIELD_BUDGET_MS).toBe(TUNING.YIELD_BUDGET_MS);
  });

  it('computed defaults follow the machine and the options resolved before them', () => {
    expect(engineDefault('threads', { cores: 6 })).toBe(6);
    expect(engineDefault('maxConcurrentQueries', { cores: 6, threads: 0 })).toBe(2);
    expect(engineDefault('maxConcurrentQueries', { cores: 6, threads: 3 })).toBe(6);
    expect(engineDefault('maxQueuedQueries', { cores: 6 })).toBe(256);
  });

  it('README.md names every Engine.open option with its default as defaults.ts writes it', () => {
    const listed = new Map([...readme.matchAll(/`(\w+)` \(default: (.*?)\)(?=[:/ ]*(?:$|[:/]))/g)].map((m) => [m[1]!, m[2]!]));
    for (const [name, d] of Object.entries(ENGINE_DEFAULTS)) {
      expect(listed.get(name), `README.md: \`${name}\` (default: ${d.text})`).toBe(d.text);
    }
  });

  it('docs/*.md, where they give an option a default, give the same one', () => {
    let checked = 0;
    for (const { file, text } of docs) {
      for (const [name, d] of Object.entries(ENGINE_DEFAULTS)) {
        for (const m of text.matchAll(new RegExp(`\`${name}\`,? \\(?default:? `, 'g'))) {
          const after = text.slice(m.index + m[0].length);
          expect(after.startsWith(d.text), `${file}: ${m[0]}${after.slice(0, 40)}... should say ${d.text}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
