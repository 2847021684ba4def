import { ShandianError, type UserErrorCode } from '../model/errors.js';
import type { Position } from './ast/index.js';

/**
 * Every query error goes through here so that each one carries the position
 * of the offending element (when there is one) and a hint.
 */
export function queryError(
  code: UserErrorCode,
  reason: string,
  pos: Position | undefined,
  hint: string,
): ShandianError {
  const where = pos === undefined ? {} : { line: pos.line, column: pos.column };
  return new ShandianError(code, reason, where, hint);
}
