/**
 * docs/records.md cannot rot: every NDJSON and CSV example in it is ingested
 * here as written. Plain blocks go, in document order, into one store and
 * must ingest cleanly; a `bad` block must stop with exactly the message in
 * the `text` block after it; a `skip-bad` block must report exactly the
 * `skipped:` lines of the `text` block after it. The Arrow example (a `ts`
 * block) is run to write its file, which is ingested too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { Engine } from '../../src/index.js';
import { ShandianError } from '../../src/model/errors.js';
import { cleanTmp, tmpDir } from './contract-helpers.js';

afterAll(cleanTmp);

const DOC = path.join(import.meta.dirname, '../../docs/records.md');

interface Block {
  lang: string;
  mode: string;
  body: string;
  line: number;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /^```(\S*)(?: (\S+))?\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    out.push({ lang: m[1]!, mode: m[2] ?? '', body: m[3]!, line: markdown.slice(0, m.index).split('\n').length });
  }
  return out;
}

const all = blocks(fs.readFileSync(DOC, 'utf8'));
const examples = all.filter((b) => b.lang === 'ndjson' || b.lang === 'csv');

/** The block written as `records.<ext>` in a fresh directory; messages are shown without that directory. */
function write(b: Block): { file: string; dir: string } {
  const dir = tmpDir();
  const file = path.join(dir, `records.${b.lang}`);
  fs.writeFileSync(file, b.body);
  return { file, dir };
}

function expectedText(b: Block): string {
  const next = all[all.indexOf(b) + 1];
  expect(next?.lang, `the ${b.mode} block at docs/records.md:${b.line} must be followed by a text block`).toBe('text');
  return next!.body.trimEnd();
}

describe('docs/records.md examples', () => {
  it('has examples of every kind', () => {
    expect(examples.filter((b) => b.mode === '').length).toBeGreaterThanOrEqual(4);
    expect(examples.filter((b) => b.mode === 'bad').length).toBeGreaterThanOrEqual(5);
    expect(examples.filter((b) => b.mode === 'skip-bad').length).toBeGreaterThanOrEqual(1);
    expect(examples.every((b) => ['', 'bad', 'skip-bad'].includes(b.mode))).toBe(true);
  });

  it('the plain examples ingest cleanly, in document order, into one store (and the Arrow example too)', async () => {
    const engine = await Engine.open({ dir: path.join(tmpDir(), 'store'), shards: 2 });
    let records = 0;
    for (const b of examples.filter((e) => e.mode === '')) {
      const { file } = write(b);
      const report = await ingestFile(engine, file).catch((e: Error) => {
        throw new Error(`docs/records.md:${b.line}: ${e.message}`);
      });
      expect(report.skipped).toBe(0);
      records += report.records;
    }
    expect(records).toBe(13); // 5 + 3 + 3 NDJSON records, 2 CSV orders
    const ts = all.find((b) => b.lang === 'ts' && b.body.includes('tableToIPC'));
    expect(ts).toBeDefined();
    const arrowFile = path.join(tmpDir(), 'orders.arrow');
    const body = ts!.body.replace(/^import .*$/gm, '').replaceAll("'orders.arrow'", JSON.stringify(arrowFile));
    new Function('fs', 'tableFromArrays', 'tableToIPC', body)(fs, tableFromArrays, tableToIPC);
    expect((await ingestFile(engine, arrowFile)).records).toBe(2);
    expect(engine.size.orders).toBe(2 + 2 + 2);
    // the text around the examples: T1001 refunded, C2 refunded at ingest, c7's attributes merged
    const q = async (xml: string) => (await engine.query(xml, { asOf: '2030-01-01T00:00:00Z' })).count;
    expect(await q('<segment><bought sku="A"/></segment>')).toBe(3); // c21 (C1), c31 (A1), c32 (A2); T1001 and C2 do not count
    expect(await q('<segment><bought sku="B"/></segment>')).toBe(3); // c42 (T1002), c21 (C1), c31 (A1)
    expect(await q('<segment><attr name="level" eq="gold"/></segment>')).toBe(2); // c42, c7
    expect(await q('<segment><attr name="age" exists="true"/></segment>')).toBe(1); // c42 only: c7's age deleted
    expect(await q('<segment><tag name="vip"/></segment>')).toBe(2);
    await engine.close();
  });

  for (const b of examples.filter((e) => e.mode === 'bad')) {
    it(`the bad example at docs/records.md:${b.line} stops with the message shown`, async () => {
      const { file, dir } = write(b);
      const engine = await Engine.open({ dir: path.join(tmpDir(), 'store'), shards: 1 });
      let error: unknown;
      await ingestFile(engine, file).catch((e: unknown) => (error = e));
      await engine.close();
      expect(error).toBeInstanceOf(ShandianError);
      expect((error as ShandianError).message.replaceAll(dir + path.sep, '')).toBe(expectedText(b));
    });
  }

  for (const b of examples.filter((e) => e.mode === 'skip-bad')) {
    it(`the --skip-bad example at docs/records.md:${b.line} reports the lines shown and applies the rest`, async () => {
      const { file, dir } = write(b);
      const engine = await Engine.open({ dir: path.join(tmpDir(), 'store'), shards: 1 });
      const skipped: string[] = [];
      const report = await ingestFile(engine, file, { skipBad: true, onSkip: (e) => skipped.push(`skipped: ${e.message}`.replaceAll(dir + path.sep, '')) });
      expect(skipped.join('\n')).toBe(expectedText(b));
      expect(report.skipped).toBe(skipped.length);
      expect(engine.size.orders).toBe(1);
      await engine.close();
    });
  }
});
