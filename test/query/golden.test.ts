import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSegment } from '../../src/language/parse-segment.js';

/**
 * Each golden/NAME.xml must parse to exactly golden/NAME.ast.json.
 * After a deliberate AST change, regenerate with
 *   UPDATE_GOLDEN=1 npx vitest run test/query/golden.test.ts
 * and review the diff.
 */
const dir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const cases = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();

describe('golden queries', () => {
  it('has golden files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of cases) {
    it(file, () => {
      const ast = parseSegment(readFileSync(join(dir, file), 'utf8'));
      const expectedPath = join(dir, file.replace(/\.xml$/, '.ast.json'));
      if (update || !existsSync(expectedPath)) {
        writeFileSync(expectedPath, JSON.stringify(ast, null, 2) + '\n');
        if (!update) throw new Error(`wrote missing ${expectedPath}; review it and rerun`);
      }
      // round-trip through JSON so the comparison also proves the AST is plain data
      expect(JSON.parse(JSON.stringify(ast))).toStrictEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
    });
  }
});
