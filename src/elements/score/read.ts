import { checkAttributeNames, rejectText, requireAttribute } from '../../query/element-rules.js';
import { parseAmountCents, parseCount } from '../../query/numbers.js';
import { queryError } from '../../query/query-error.js';
import { FILTER_NAMES, readFilters } from '../../query/read-filters.js';
import { readWindow } from '../../query/read-window.js';
import type { XmlElement } from '../../query/xml-tree.js';
import type { ScoreBy, ScoreNode } from './node.js';

const ATTRIBUTES = [...FILTER_NAMES, 'from', 'to', 'last', 'by', 'scale', 'cuts', 'min', 'max'];
const BY: readonly ScoreBy[] = ['recency', 'frequency', 'monetary', 'quantity'];

/** `scale` (contract 7.5): 2 to 100 tiers, 5 when neither scale nor cuts is given. */
export const MIN_SCALE = 2;
export const MAX_SCALE = 100;
export const DEFAULT_SCALE = 5;

/** `<score by="..." [filters] [window] (scale="k" | cuts="x1,...") min="a" [max="b"]/>` (contract 7.5). */
export function readScore(el: XmlElement): ScoreNode {
  checkAttributeNames(el, ATTRIBUTES);
  rejectText(el);
  const by = readBy(el);
  const filters = readFilters(el);
  const window = readWindow(el);
  const scaleText = el.attrs.get('scale');
  const cutsText = el.attrs.get('cuts');
  if (scaleText !== undefined && cutsText !== undefined) {
    throw queryError('E_CONFLICT', '<score> takes scale or cuts, not both', el.pos,
      'scale="k" ranks the population into k equal-rank tiers; cuts="x1,x2,..." scores by fixed values; keep one');
  }
  let scale: number | undefined;
  let cuts: number[] | undefined;
  if (cutsText !== undefined) {
    if (by === 'recency') {
      throw queryError('E_CONFLICT', '<score by="recency"> takes no cuts', el.pos,
        'recency is scored by rank only: use scale="k" (or, for a time window of the latest order, <lastOrder from=... to=...>)');
    }
    cuts = readCuts(el, by, cutsText);
  } else {
    scale = scaleText === undefined ? DEFAULT_SCALE : readScale(el, scaleText);
  }
  const top = scale ?? cuts!.length + 1;
  const min = readBound(el, 'min', requireAttribute(el, 'min'), top);
  const maxText = el.attrs.get('max');
  const max = maxText === undefined ? top : readBound(el, 'max', maxText, top);
  if (min > max) {
    throw queryError('E_BAD_NUMBER', `min="${el.attrs.get('min')}" is above max="${maxText}"`, el.pos, 'make min at most max: a customer matches when min <= score <= max');
  }
  return { kind: 'score', by, ...filters, window, ...(scale !== undefined ? { scale } : { cuts: cuts! }), min, max, pos: el.pos };
}

function readBy(el: XmlElement): ScoreBy {
  const text = requireAttribute(el, 'by');
  const by = BY.find((b) => b === text);
  if (by === undefined) {
    const near = BY.find((b) => b === text.toLowerCase());
    throw queryError('E_BAD_VALUE', `by="${text}" is not a score`, el.pos,
      `${near !== undefined ? `names are case-sensitive: did you mean ${near}? ` : ''}write by="recency", "frequency", "monetary" or "quantity"`);
  }
  return by;
}

function readScale(el: XmlElement, text: string): number {
  const k = parseCount(text);
  if (k === undefined || k < MIN_SCALE || k > MAX_SCALE) {
    throw queryError('E_BAD_NUMBER', `scale="${text}" is not a whole number from ${MIN_SCALE} to ${MAX_SCALE}`, el.pos,
      `write scale as plain digits, ${MIN_SCALE} to ${MAX_SCALE} (leave it out for ${DEFAULT_SCALE})`);
  }
  return k;
}

/** Strictly increasing values >= 0: whole numbers (frequency, quantity) or cents (monetary, at most 2 decimals). */
function readCuts(el: XmlElement, by: Exclude<ScoreBy, 'recency'>, text: string): number[] {
  const money = by === 'monetary';
  const form = money ? 'an amount >= 0 with at most 2 decimals, e.g. 1000 or 499.90' : 'a whole number >= 0';
  const cuts: number[] = [];
  for (const part of text.split(',')) {
    const value = money ? parseAmountCents(part) : parseCount(part);
    if (value === undefined) {
      throw queryError('E_BAD_NUMBER', `cuts="${text}": ${JSON.stringify(part)} is not ${form}`, el.pos,
        `write cuts as values separated by commas, no spaces, each ${form}`);
    }
    if (cuts.length > 0 && value <= cuts[cuts.length - 1]!) {
      throw queryError('E_BAD_NUMBER', `cuts="${text}" are not strictly increasing (${part} after ${text.split(',')[cuts.length - 1]})`, el.pos,
        'list the cuts from the smallest to the largest, each once: score = 1 + the number of cuts at or below the value');
    }
    cuts.push(value);
  }
  return cuts;
}

function readBound(el: XmlElement, name: 'min' | 'max', text: string, top: number): number {
  const value = parseCount(text);
  if (value === undefined || value < 1 || value > top) {
    throw queryError('E_BAD_NUMBER', `${name}="${text}" is not a score from 1 to ${top}`, el.pos,
      `scores run from 1 to ${top} here (${el.attrs.has('cuts') ? 'the number of cuts + 1' : 'the scale'}); write ${name} as plain digits in that range`);
  }
  return value;
}
