import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { readSavedSegments, writeSavedSegments } from '../../src/log/store-files.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-saved-'));
const VIP = '<segment><tag name="vip"/></segment>';
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const DATA = [
  { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: 'c2', tag: 'new', op: 'add' },
];

describe('saved segments named like Object.prototype members', () => {
  it.each(PROTO_NAMES)('<ref segment="%s"/> to an unsaved name is E_UNKNOWN_SEGMENT, not a TypeError', async (name) => {
    const engine = await Engine.open({ threads: 0 });
    await expect(engine.query(`<segment><ref segment="${name}"/></segment>`)).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await expect(engine.save('x', `<segment><ref segment="${name}"/></segment>`)).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await engine.close();
  });

  it.each(PROTO_NAMES)('save("%s") works, survives a reopen and is found by <ref>', async (name) => {
    const dir = tmp();
    const a = await Engine.open({ dir, threads: 0, shards: 1 });
    await a.append(DATA);
    await a.save(name, VIP);
    await a.save('uses', `<segment><ref segment="${name}"/></segment>`);
    expect(a.savedSegments()).toEqual([name, 'uses']);
    expect((await a.query('<segment><ref segment="uses"/></segment>')).count).toBe(1);
    await a.close();
    const b = await Engine.open({ dir, threads: 0, readOnly: true });
    expect(b.segments()).toEqual([{ name, xml: VIP }, { name: 'uses', xml: `<segment><ref segment="${name}"/></segment>` }]);
    expect((await b.query(`<segment><ref segment="${name}"/></segment>`)).count).toBe(1);
    await b.close();
  });

  it('segments.json with a "__proto__" key reads back as a plain entry', () => {
    const dir = tmp();
    writeSavedSegments(dir, new Map([['__proto__', VIP], ['b', VIP]]));
    const read = readSavedSegments(dir);
    expect([...read]).toEqual([['__proto__', VIP], ['b', VIP]]);
  });
});

describe('a failed save', () => {
  it("does not list its own name among the saved ones in the error's hint", async () => {
    const engine = await Engine.open({ threads: 0 });
    await engine.save('kept', VIP);
    const err = await engine.save('failing', '<segment><ref segment="ghost"/></segment>').catch((e) => e);
    expect(err).toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    expect(err.hint).toMatch(/saved: kept$/);
    expect(err.message).not.toContain('failing');
    expect(engine.savedSegments()).toEqual(['kept']);
    await engine.close();
  });
});

describe('segments() and deleteSegment()', () => {
  it('lists names with their XML and deletes durably', async () => {
    const dir = tmp();
    const a = await Engine.open({ dir, threads: 0, shards: 1 });
    await a.save('a', VIP);
    await a.save('b', '<segment><tag name="new"/></segment>');
    expect(a.segments()).toEqual([{ name: 'a', xml: VIP }, { name: 'b', xml: '<segment><tag name="new"/></segment>' }]);
    await a.deleteSegment('a');
    expect(a.savedSegments()).toEqual(['b']);
    await expect(a.query('<segment><ref segment="a"/></segment>')).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await a.close();
    const b = await Engine.open({ dir, threads: 0 });
    expect(b.savedSegments()).toEqual(['b']);
    await b.close();
  });

  it('refuses to delete a segment another saved segment refers to, naming them', async () => {
    const engine = await Engine.open({ threads: 0 });
    await engine.save('base', VIP);
    await engine.save('one', '<segment><ref segment="base"/></segment>');
    await engine.save('two', '<segment><or><ref segment="base"/><tag name="x"/></or></segment>');
    const err = await engine.deleteSegment('base').catch((e) => e);
    expect(err).toMatchObject({ code: 'E_CONFLICT' });
    expect(err.message).toContain('"one", "two"');
    expect(err.hint).toMatch(/delete those first/);
    expect(engine.savedSegments()).toEqual(['base', 'one', 'two']);
    await engine.deleteSegment('one');
    await engine.deleteSegment('two');
    await engine.deleteSegment('base');
    expect(engine.segments()).toEqual([]);
    await engine.close();
  });

  it('an unknown name is E_UNKNOWN_SEGMENT (also __proto__); read-only engines refuse', async () => {
    const dir = tmp();
    const w = await Engine.open({ dir, threads: 0, shards: 1 });
    await w.save('a', VIP);
    await expect(w.deleteSegment('nope')).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await expect(w.deleteSegment('__proto__')).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await expect(w.deleteSegment('' as string)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    const r = await Engine.open({ dir, threads: 0, readOnly: true });
    await expect(r.deleteSegment('a')).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await r.close();
    await w.close();
  });
});

describe('docs agree with E_UNKNOWN_SEGMENT', () => {
  it("docs/query-language.md's error table shows the message with its position, as the engine reports it", async () => {
    const docs = fs.readFileSync(path.join(import.meta.dirname, '../../docs/query-language.md'), 'utf8');
    const row = docs.split('\n').find((l) => l.startsWith('| `E_UNKNOWN_SEGMENT` |'))!;
    const cells = [...row.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const [xml, documented] = cells.filter((c) => c !== 'E_UNKNOWN_SEGMENT' && c !== '<ref>');
    const engine = await Engine.open({ threads: 0 });
    const err = await engine.query(xml!).catch((e) => e);
    await engine.close();
    expect(err.where.line).toBe(1);
    expect(err.message).toBe(documented);
    expect(docs).not.toMatch(/E_UNKNOWN_SEGMENT`[^\n]*\n[^\n]*carries no line\/column/);
  });
});
