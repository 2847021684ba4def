import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderOf, moduleRefs, readSource, resolveRelative, ROOT, sourceFiles } from './source-files.js';

/**
 * No import cycle between folders of src/: every directory is a folder of its
 * own (src/query and src/query/ast are two), a file may import files of its
 * own folder freely, and the folders' imports of each other form no cycle.
 * Type-only imports count too: they tie the folders together all the same.
 */

/** An import from one folder into another, with one file-level example. */
interface FolderEdge {
  from: string;
  to: string;
  example: string;
}

function folderGraph(files: readonly string[]): { edges: Map<string, Map<string, FolderEdge>>; unresolved: string[] } {
  const edges = new Map<string, Map<string, FolderEdge>>();
  const unresolved: string[] = [];
  for (const file of files) {
    for (const ref of moduleRefs(readSource(file))) {
      const target = resolveRelative(file, ref.specifier);
      if (target === undefined) continue;
      if (!target.startsWith('src/')) {
        if (!target.endsWith('.json') && !target.endsWith('.node')) unresolved.push(`${file}:${ref.line}: ${ref.specifier} is outside src/`);
        continue;
      }
      if (!fs.existsSync(path.join(ROOT, target))) {
        unresolved.push(`${file}:${ref.line}: ${ref.specifier} (no ${target})`);
        continue;
      }
      const from = folderOf(file), to = folderOf(target);
      if (from === to) continue;
      let out = edges.get(from);
      if (!out) edges.set(from, (out = new Map()));
      if (!out.has(to)) out.set(to, { from, to, example: `${file}:${ref.line} ${ref.typeOnly ? 'import type' : ref.kind} '${ref.specifier}'` });
    }
  }
  return { edges, unresolved };
}

/** Strongly connected components with more than one folder (Tarjan). */
function cyclicComponents(nodes: readonly string[], edges: Map<string, Map<string, FolderEdge>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

/** A shortest cycle through `start` inside `component`, as the edges taken. */
function cycleThrough(start: string, component: ReadonlySet<string>, edges: Map<string, Map<string, FolderEdge>>): FolderEdge[] {
  const via = new Map<string, FolderEdge>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of edges.get(queue[i]!)?.values() ?? []) {
      if (!component.has(edge.to) || via.has(edge.to)) continue;
      via.set(edge.to, edge);
      if (edge.to === start) {
        const path: FolderEdge[] = [];
        for (let at = start; ; ) {
          const e = via.get(at)!;
          path.unshift(e);
          at = e.from;
          if (at === start) return path;
        }
      }
      queue.push(edge.to);
    }
  }
  return [];
}

/** A folder cycle: the folders tangled in it (sorted), and a description for a person. */
interface FolderCycle {
  folders: string;
  text: string;
}

/** Every folder cycle, described for a person: the folders in order and the import that makes each step. */
export function describeFolderCycles(files: readonly string[]): { cycles: FolderCycle[]; unresolved: string[] } {
  const { edges, unresolved } = folderGraph(files);
  const nodes = [...new Set(files.map(folderOf))].sort();
  const cycles = cyclicComponents(nodes, edges).map((component) => {
    const path = cycleThrough(component[0]!, new Set(component), edges);
    const steps = path.map((e) => `    ${e.from} -> ${e.to}   (${e.example})`).join('\n');
    const text = `cycle ${[...path.map((e) => e.from), component[0]].join(' -> ')}` +
      (component.length > path.length ? ` (the tangle holds ${component.join(', ')})` : '') + `\n${steps}`;
    return { folders: component.join(' '), text };
  });
  return { cycles, unresolved };
}

/**
 * Cycles known today, each with why it is there and what removes it. The list
 * only shrinks: a cycle fixed must leave it (the test says so), a new one fails.
 */
const KNOWN_CYCLES: Record<string, string> = {};

describe('structure: folders of src/', () => {
  const files = sourceFiles('src');

  it('the import parser sees the imports (sanity: the engine imports the model)', () => {
    const refs = moduleRefs(readSource('src/engine/engine.ts')).map((r) => r.specifier);
    expect(refs).toContain('../model/errors.js');
    expect(files.length).toBeGreaterThan(50);
  });

  it('every relative import names a source file in src/', () => {
    const { unresolved } = describeFolderCycles(files);
    expect(unresolved, `imports that name no source file:\n${unresolved.join('\n')}`).toEqual([]);
  });

  it('no import cycle between folders (beyond the known ones, listed with their reasons)', () => {
    const { cycles } = describeFolderCycles(files);
    const fresh = cycles.filter((c) => KNOWN_CYCLES[c.folders] === undefined);
    expect(fresh.map((c) => c.text), `import cycles between folders of src/ (each step names one import that makes it):\n${fresh.map((c) => c.text).join('\n')}`).toEqual([]);
  });

  it('every known cycle is still there (remove a fixed one from KNOWN_CYCLES)', () => {
    const found = new Set(describeFolderCycles(files).cycles.map((c) => c.folders));
    const gone = Object.keys(KNOWN_CYCLES).filter((folders) => !found.has(folders));
    expect(gone, `no longer a cycle, remove from KNOWN_CYCLES: ${gone.join('; ')}`).toEqual([]);
  });
});
