import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource, ROOT } from './source-files.js';

/** Every error code of src/model/errors.ts is documented in docs/*.md, so a user can look it up. */

/** The codes in USER_ERROR_CODES and SYSTEM_ERROR_CODES, read from the source text. */
export function errorCodes(): string[] {
  const text = readSource('src/model/errors.ts');
  const codes: string[] = [];
  for (const list of ['USER_ERROR_CODES', 'SYSTEM_ERROR_CODES']) {
    const body = new RegExp(`export const ${list} = \\[([\\s\\S]*?)\\] as const;`).exec(text)?.[1];
    if (body === undefined) throw new Error(`src/model/errors.ts: no ${list} list`);
    for (const m of body.replace(/\/\/.*$/gm, '').matchAll(/'(E_[A-Z0-9_]+)'/g)) codes.push(m[1]!);
  }
  return codes;
}

describe('structure: error codes are documented', () => {
  it('reads the code lists (sanity)', () => {
    expect(errorCodes()).toContain('E_XML_SYNTAX');
    expect(errorCodes()).toContain('E_INTERNAL');
  });

  it('every code appears in docs/*.md', () => {
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'docs', f), 'utf8')).join('\n');
    const undocumented = errorCodes().filter((code) => !new RegExp(`\\b${code}\\b`).test(docs));
    expect(undocumented, `error codes no docs/*.md mentions: ${undocumented.join(', ')}`).toEqual([]);
  });
});
