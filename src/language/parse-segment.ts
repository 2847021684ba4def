import type { SegmentNode } from '../query/ast/index.js';
import { isShandianError } from '../model/errors.js';
import { isValidTimeZone, parseDateTimeWithOffset } from '../model/time.js';
import { checkAttributeNames } from '../query/element-rules.js';
import { resolveLimits, type ParseLimits } from '../query/parse-limits.js';
import { queryError } from '../query/query-error.js';
import { readConditionChildren } from './read-condition.js';
import { positionLookup } from '../query/source-position.js';
import { checkSize, prescanXml } from '../query/xml-scan.js';
import { readXmlTree, type XmlElement } from '../query/xml-tree.js';

export { DEFAULT_LIMITS, type ParseLimits } from '../query/parse-limits.js';
export { collectRefs } from './collect-refs.js';

/**
 * XML query text -> validated AST (contract section 3). Throws ShandianError
 * with a stable code, the position of the offending element where there is
 * one, and a hint. Stages, cheapest first: size, prescan (DOCTYPE, depth,
 * unterminated markup, forbidden characters), well-formedness, structure.
 */
export function parseSegment(xml: string, limits?: Partial<ParseLimits>): SegmentNode {
  const { maxBytes, maxDepth } = resolveLimits(limits);
  checkSize(xml, maxBytes);
  // XML processors drop a leading byte order mark and turn every line end into
  // '\n'; doing it up front makes every index agree with the line:column shown.
  const text = xml.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const positionOf = positionLookup(text);
  prescanXml(text, maxDepth, positionOf);
  try {
    return readSegment(readXmlTree(text, maxDepth, positionOf));
  } catch (e) {
    if (isShandianError(e)) throw e;
    // The readers recurse once per level: only a caller who raised maxDepth
    // far beyond the default (to well over 1000) can run out of stack here.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw queryError('E_XML_TOO_DEEP', 'query is nested too deeply to process', undefined, 'flatten the query (and/or take many children) or lower the depth limit');
    }
    throw e;
  }
}

function readSegment(root: XmlElement): SegmentNode {
  if (root.name !== 'segment') {
    throw queryError('E_UNKNOWN_ELEMENT', `the root element must be <segment>, not <${root.name}>`, root.pos, 'wrap the conditions in <segment>...</segment>');
  }
  checkAttributeNames(root, ['name', 'asOf', 'tz']);
  const name = root.attrs.get('name');
  const asOf = root.attrs.get('asOf');
  const tz = root.attrs.get('tz');

  let asOfMs: number | undefined;
  if (asOf !== undefined) {
    asOfMs = parseDateTimeWithOffset(asOf);
    if (asOfMs === undefined) {
      throw queryError('E_BAD_DATE', `asOf="${asOf}" is not a date-time with offset`, root.pos, 'write asOf like 2026-11-12T00:00:00+08:00 or 2026-11-11T16:00:00Z');
    }
  }
  if (tz !== undefined && !isValidTimeZone(tz)) {
    throw queryError('E_BAD_TZ', `tz="${tz}" is not a known IANA time zone`, root.pos, 'use an IANA zone name such as Asia/Shanghai or UTC');
  }
  const children = readConditionChildren(root, 1);
  return {
    kind: 'segment',
    ...(name !== undefined ? { name } : {}),
    ...(asOfMs !== undefined ? { asOfMs } : {}),
    ...(tz !== undefined ? { tz } : {}),
    children,
    pos: root.pos,
  };
}
