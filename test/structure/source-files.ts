import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The source files of src/ as text, and the modules each one refers to, read
 * straight from disk: the structure checks need no build.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts and .cts file under `dir` (relative to the repository), as repository-relative paths with '/'. */
export function sourceFiles(dir = 'src'): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (/\.c?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

export function readSource(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** One reference from a source file to a module. */
export interface ModuleRef {
  /** as written: './x.js', '../model/errors.js', 'apache-arrow', 'node:fs' */
  specifier: string;
  /** 1-based line of the reference */
  line: number;
  kind: 'import' | 'export-from' | 'dynamic-import' | 'require' | 'worker-url';
  /** `import type` / `export type ... from`: no run-time edge, still a structural one */
  typeOnly: boolean;
}

/**
 * The modules a file refers to: static `import ... from` (also `import type`
 * and side-effect `import '...'`), `export ... from`, `import('...')`,
 * `require('...')` and `new URL('...', import.meta.url)` (worker files).
 * Static forms are matched at the start of a line, as they are written in
 * this code base, so text in comments and strings does not count.
 */
export function moduleRefs(text: string): ModuleRef[] {
  const refs: ModuleRef[] = [];
  const lineAt = (index: number): number => text.slice(0, index).split('\n').length;
  const add = (m: RegExpMatchArray, kind: ModuleRef['kind'], specifier: string, typeOnly = false): void => {
    refs.push({ specifier, line: lineAt(m.index!), kind, typeOnly });
  };
  // an import/export clause holds no ';', '=' or '(': this never runs on into code
  for (const m of text.matchAll(/^[ \t]*(import|export)(\s+type)?\s[^;=()]*?\bfrom\s*['"]([^'"]+)['"]/gm)) {
    add(m, m[1] === 'import' ? 'import' : 'export-from', m[3]!, m[2] !== undefined);
  }
  for (const m of text.matchAll(/^[ \t]*import\s*['"]([^'"]+)['"]/gm)) add(m, 'import', m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) if (!isInComment(text, m.index!)) add(m, 'dynamic-import', m[1]!);
  for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) if (!isInComment(text, m.index!)) add(m, 'require', m[1]!);
  for (const m of text.matchAll(/\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) if (!isInComment(text, m.index!)) add(m, 'worker-url', m[1]!);
  return refs;
}

/** Whether `index` is on a line that is a comment line (`//`, `/*`, ` *`). */
function isInComment(text: string, index: number): boolean {
  const start = text.lastIndexOf('\n', index) + 1;
  const before = text.slice(start, index);
  return /^\s*(\/\/|\/\*|\*)/.test(before) || before.includes('//');
}

/**
 * The repository-relative source file a relative specifier names ('./x.js'
 * is x.ts, './x.cjs' is x.cts), or undefined for a package or a builtin.
 */
export function resolveRelative(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  return target.replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts');
}

/** The folder of a source file: its directory ('src/query/ast/and-node.ts' is in 'src/query/ast'). */
export function folderOf(file: string): string {
  return path.posix.dirname(file);
}

/** The package a bare specifier names ('apache-arrow', '@duckdb/node-api' from '@duckdb/node-api/x'). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
