import { describe, expect, it } from 'vitest';
import { readSource, sourceFiles } from './source-files.js';

/**
 * Every error a user can see carries a stable code: outside src/gen (the
 * synthetic data generator, a tool of its own) nothing throws a bare Error,
 * RangeError or TypeError, nor defines an error class of its own that is not
 * a ShandianError. Errors are made by `fail` or `new ShandianError` (src/model/errors.ts).
 */

const BARE = /\bnew\s+(Error|RangeError|TypeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)\s*\(/;
const BARE_CALL = /\bthrow\s+(Error|RangeError|TypeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)\s*\(/;
const THROW_LITERAL = /\bthrow\s+['"`]/;
const OWN_ERROR_CLASS = /\bclass\s+\w+\s+extends\s+(Error|RangeError|TypeError)\b/;

/** Deliberate exceptions, by file and the text of the line, with the reason each cannot reach a user uncoded. */
const ALLOWED: { file: string; line: RegExp; reason: string }[] = [
  {
    file: 'src/model/errors.ts',
    line: /return Object\.assign\(new Error\(message\), \{ code, syscall \}\);/,
    reason: 'fail.errno: an errno-shaped error (code EIO, syscall) like the ones Node\'s fs throws, which fail.io and the CLI map to E_IO',
  },
  {
    file: 'src/model/errors.ts',
    line: /^export class ShandianError extends Error \{/,
    reason: 'the coded error itself',
  },
];

export function uncodedErrors(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (file.startsWith('src/gen/')) continue;
    readSource(file).split('\n').forEach((text, i) => {
      if (/^\s*(\/\/|\/\*|\*)/.test(text)) return; // a comment line
      const code = text.replace(/\/\/.*$/, '');
      const hit = [BARE, BARE_CALL, THROW_LITERAL, OWN_ERROR_CLASS].some((re) => re.test(code));
      if (!hit) return;
      if (ALLOWED.some((a) => a.file === file && a.line.test(text.trim()))) return;
      found.push(`${file}:${i + 1}: ${text.trim()}`);
    });
  }
  return found;
}

describe('structure: coded errors', () => {
  it('no bare Error, RangeError or TypeError (nor an error class or a thrown string) outside src/gen', () => {
    const found = uncodedErrors(sourceFiles('src'));
    expect(found, `uncoded errors (use fail.* or new ShandianError from src/model/errors.ts, with a code and a hint):\n${found.join('\n')}`).toEqual([]);
  });

  it('every allowed exception is still there (remove a stale one from ALLOWED)', () => {
    const stale = ALLOWED.filter((a) => !readSource(a.file).split('\n').some((text) => a.line.test(text.trim())));
    expect(stale.map((a) => `${a.file}: ${a.line}`)).toEqual([]);
  });
});
