import { expect } from 'vitest';
import { ShandianError, type ErrorCode } from '../../src/model/errors.js';
import { parseSegment, type ParseLimits } from '../../src/language/parse-segment.js';

/** Parses `xml`, expecting a ShandianError with `code` (and position, when given). Returns it. */
export function expectQueryError(
  xml: string,
  code: ErrorCode,
  at?: { line: number; column: number },
  limits?: Partial<ParseLimits>,
): ShandianError {
  let caught: unknown;
  try {
    parseSegment(xml, limits);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(ShandianError);
  const err = caught as ShandianError;
  expect(err.code, err.message).toBe(code);
  if (at) expect({ line: err.where.line, column: err.where.column }, err.message).toEqual(at);
  expect(err.hint, 'every query error has a hint').toBeTruthy();
  return err;
}

/** Wraps conditions in a segment: the condition starts at line 2, column 3. */
export function seg(body: string): string {
  return `<segment>\n  ${body}\n</segment>`;
}
