import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSC = path.join(ROOT, 'node_modules/.bin/tsc');

function tsc(project: string): string {
  try {
    execFileSync(TSC, ['--noEmit', '-p', project], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}` || String(e);
  }
}

describe('public record types', () => {
  it("the README's records type-check as append's input, and typos (the @ts-expect-error lines) do not", () => {
    expect(tsc(path.join(ROOT, 'test/types/tsconfig.json'))).toBe('');
  });

  it("the README's 'Use it from Node' block compiles as written", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /## Use it from Node\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-types-'));
    try {
      const file = path.join(dir, 'readme.mts');
      fs.writeFileSync(file, `${block!.replace(/from 'shandian'/, `from ${JSON.stringify(path.join(ROOT, 'src/index.js'))}`)}\nexport {};\n`);
      const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/types/tsconfig.json'), 'utf8'));
      tsconfig.compilerOptions.typeRoots = [path.join(ROOT, 'node_modules/@types')];
      tsconfig.files = [file];
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
      expect(tsc(path.join(dir, 'tsconfig.json'))).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
