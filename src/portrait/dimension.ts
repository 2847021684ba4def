import { ShandianError } from '../model/errors.js';
import { parseNumericLiteral } from '../model/numeric-literal.js';
import { parseLast } from '../query/read-window.js';
import type { DurationUnit } from '../query/ast/index.js';

/** The order columns a portrait can group by. */
export type OrderDimensionField = 'shop' | 'category' | 'sku';

/**
 * One `--by` of a portrait (contract 8.2), parsed:
 * - `attr:NAME`: a bucket per distinct value, plus `(none)`;
 * - `attr:NAME:b1,b2,...`: numeric ranges `< b1`, `[b1, b2)`, ..., `>= bm`, plus `(none)`;
 * - `tag`: a bucket per tag, plus `(none)`;
 * - `shop`, `category`, `sku`, optionally `:last=N{h|d|w}`: members with a
 *   counting order line of that value in the window, with orders and amount.
 */
export type PortraitDimension =
  | { kind: 'attr'; by: string; name: string }
  | { kind: 'attr-range'; by: string; name: string; bounds: readonly number[] }
  | { kind: 'tag'; by: string }
  | { kind: 'order'; by: string; field: OrderDimensionField; last?: { amount: number; unit: DurationUnit } };

const FORMS = 'attr:NAME, attr:NAME:b1,b2,... (increasing numbers), tag, shop, category, sku, or one of the last three with :last=N{h|d|w} (e.g. category:last=30d)';

/** The dimensions of `by` (one string or several), all checked before anything runs. */
export function parseDimensions(by: unknown): PortraitDimension[] {
  const list = typeof by === 'string' ? [by] : Array.isArray(by) ? (by as unknown[]) : undefined;
  if (list === undefined || list.length === 0) {
    throw new ShandianError('E_BAD_ARGS', `a portrait needs at least one dimension (by), got ${by === undefined ? 'none' : JSON.stringify(by)}`, {},
      `give one or more of: ${FORMS}`);
  }
  return list.map((d) => parseDimension(d));
}

/** One dimension string; E_BAD_ARGS (unknown form), E_BAD_NUMBER (bounds) or E_BAD_DURATION (window). */
export function parseDimension(text: unknown): PortraitDimension {
  if (typeof text !== 'string') {
    throw new ShandianError('E_BAD_ARGS', `a portrait dimension must be a string, got ${typeof text}`, {}, `give one of: ${FORMS}`);
  }
  if (text === 'tag') return { kind: 'tag', by: text };
  if (text.startsWith('attr:')) return parseAttr(text);
  const colon = text.indexOf(':');
  const field = colon === -1 ? text : text.slice(0, colon);
  if (field === 'shop' || field === 'category' || field === 'sku') {
    if (colon === -1) return { kind: 'order', by: text, field };
    const rest = text.slice(colon + 1);
    if (!rest.startsWith('last=')) {
      throw new ShandianError('E_BAD_ARGS', `portrait dimension ${JSON.stringify(text)}: after ${field}: only last=N{h|d|w} may follow`, {},
        `write e.g. ${field}:last=30d, or ${field} alone for all history up to asOf`);
    }
    const last = parseLast(rest.slice('last='.length));
    if (last === undefined) {
      throw new ShandianError('E_BAD_DURATION', `portrait dimension ${JSON.stringify(text)}: ${JSON.stringify(rest.slice(5))} is not a duration`, {},
        `write a whole number of hours, days or weeks, e.g. ${field}:last=30d`);
    }
    return { kind: 'order', by: text, field, last };
  }
  throw new ShandianError('E_BAD_ARGS', `unknown portrait dimension ${JSON.stringify(text)}`, {}, `give one of: ${FORMS}`);
}

function parseAttr(text: string): PortraitDimension {
  const body = text.slice('attr:'.length);
  // the bounds follow the last colon when what follows it reads as numbers; a name may hold colons
  const colon = body.lastIndexOf(':');
  if (colon === -1) {
    if (body.length === 0) throw missingName(text);
    return { kind: 'attr', by: text, name: body };
  }
  const name = body.slice(0, colon), list = body.slice(colon + 1);
  if (name.length === 0) throw missingName(text);
  const parts = list.split(',');
  const bounds = parts.map((p) => parseNumericLiteral(p.trim()));
  const bad = bounds.findIndex((b) => b === undefined);
  if (bad !== -1) {
    throw new ShandianError('E_BAD_NUMBER', `portrait dimension ${JSON.stringify(text)}: bound ${JSON.stringify(parts[bad])} is not a number`, {},
      'write strictly increasing numbers separated by commas, e.g. attr:age:18,30,45');
  }
  const numbers = bounds as number[];
  for (let i = 1; i < numbers.length; i++) {
    if (!(numbers[i]! > numbers[i - 1]!)) {
      throw new ShandianError('E_BAD_NUMBER', `portrait dimension ${JSON.stringify(text)}: bounds must be strictly increasing (${numbers[i - 1]} then ${numbers[i]})`, {},
        'write strictly increasing numbers separated by commas, e.g. attr:age:18,30,45');
    }
  }
  return { kind: 'attr-range', by: text, name, bounds: numbers };
}

function missingName(text: string): ShandianError {
  return new ShandianError('E_BAD_ARGS', `portrait dimension ${JSON.stringify(text)} names no attribute`, {}, 'write attr:NAME, e.g. attr:city');
}

/** The portrait's own option: the dimensions, one string or several (`engine.portrait(xml, { by, asOf, tz })`). */
export interface PortraitBy {
  by: string | readonly string[];
}
