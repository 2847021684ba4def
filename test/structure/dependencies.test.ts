import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { moduleRefs, packageOf, readSource, sourceFiles } from './source-files.js';

/**
 * `dependencies` is what the shipped code (src/) needs at run time, and only
 * that: every package src/ imports is there, every package there is imported
 * by src/ (or listed below with its reason), and the tools of development
 * (test runner, benchmarks, the compiler, type packages) are devDependencies.
 */

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Runtime dependencies src/ does not import, with why they are needed anyway. */
const NOT_IMPORTED_BUT_NEEDED: Record<string, string> = {};

/** Development tools that must never be runtime dependencies. */
const DEV_ONLY = ['tinybench', 'vitest', 'fast-check', '@duckdb/node-api', 'typescript'];

const isBuiltin = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name);

/** Each package src/ imports, with one place that imports it. */
export function importedPackages(files: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    for (const ref of moduleRefs(readSource(file))) {
      if (ref.specifier.startsWith('.') || isBuiltin(ref.specifier)) continue;
      const name = packageOf(ref.specifier);
      if (!found.has(name)) found.set(name, `${file}:${ref.line}`);
    }
  }
  return found;
}

describe('structure: package.json dependencies', () => {
  const pkg = JSON.parse(readSource('package.json')) as PackageJson;
  const deps = pkg.dependencies ?? {};
  const devDeps = pkg.devDependencies ?? {};
  const imported = importedPackages(sourceFiles('src'));

  it('the import parser sees the packages (sanity: apache-arrow is imported)', () => {
    expect(imported.has('apache-arrow')).toBe(true);
  });

  it('every package src/ imports is in dependencies', () => {
    const missing = [...imported].filter(([name]) => deps[name] === undefined).map(([name, where]) => `${name} (imported at ${where})`);
    expect(missing, `imported by src/ but not in dependencies:\n${missing.join('\n')}`).toEqual([]);
  });

  it('every package in dependencies is imported by src/ (or listed with its reason)', () => {
    const unused = Object.keys(deps).filter((name) => !imported.has(name) && NOT_IMPORTED_BUT_NEEDED[name] === undefined);
    expect(unused, `in dependencies but never imported by src/ (a devDependency, or no longer needed?): ${unused.join(', ')}`).toEqual([]);
  });

  it('development tools and type packages are devDependencies, never dependencies', () => {
    const wrong = Object.keys(deps).filter((name) => DEV_ONLY.includes(name) || name.startsWith('@types/'));
    expect(wrong, `dev-only packages in dependencies: ${wrong.join(', ')}`).toEqual([]);
    const absent = DEV_ONLY.filter((name) => devDeps[name] === undefined);
    expect(absent, `expected in devDependencies: ${absent.join(', ')}`).toEqual([]);
  });

  it('a package is in dependencies or devDependencies, not both', () => {
    const both = Object.keys(deps).filter((name) => devDeps[name] !== undefined);
    expect(both, `in both: ${both.join(', ')}`).toEqual([]);
  });

  it('every package bench/ and test/ import is declared', () => {
    const used = importedPackages([...sourceFiles('bench'), ...sourceFiles('test')]);
    const undeclared = [...used].filter(([name]) => deps[name] === undefined && devDeps[name] === undefined).map(([name, where]) => `${name} (at ${where})`);
    expect(undeclared, `imported but not declared in package.json:\n${undeclared.join('\n')}`).toEqual([]);
  });
});
