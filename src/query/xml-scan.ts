import { queryError } from './query-error.js';
import type { Position } from './ast/index.js';
import type { PositionOf } from './source-position.js';

/**
 * Cheap checks that run before the XML parser sees the text, so hostile input
 * (entity bombs, absurd nesting, huge documents) is refused in linear time
 * and without recursion. The scanner only follows markup boundaries; full
 * well-formedness is left to the validator that runs afterwards.
 */

/** Size in UTF-8 bytes, without encoding anything when the answer is obvious. */
export function checkSize(xml: string, maxBytes: number): void {
  // Every UTF-16 code unit is at least one UTF-8 byte, so length is a lower bound.
  const size = xml.length > maxBytes ? `more than ${maxBytes}` : Buffer.byteLength(xml, 'utf8');
  if (typeof size === 'string' || size > maxBytes) {
    throw queryError(
      'E_XML_TOO_LARGE',
      `query is ${size} bytes of UTF-8; the limit is ${maxBytes}`,
      undefined,
      'shorten the query (save parts of it as segments and use <ref>) or raise the size limit',
    );
  }
}

/**
 * Refuses DOCTYPE/ENTITY declarations, nesting over `maxDepth` (every element
 * counts, self-closing ones included), unterminated comments, CDATA sections,
 * processing instructions and tags, and characters XML forbids.
 * `text` must already have its line ends normalised.
 */
export function prescanXml(text: string, maxDepth: number, positionOf: PositionOf): void {
  let depth = 0;
  let i = text.indexOf('<');
  while (i !== -1) {
    const at = () => positionOf(i);
    let end: number;
    if (text.startsWith('<!--', i)) {
      end = closeOf(text, '-->', i + 4, 'comment', at);
      // up to `end - 2` so that a comment ending in '--->' is caught too, as XML requires
      if (text.slice(i + 4, end - 2).includes('--')) {
        throw queryError('E_XML_SYNTAX', "'--' is not allowed inside an XML comment", at(), "remove the '--' from the comment");
      }
    } else if (text.startsWith('<![CDATA[', i)) {
      end = closeOf(text, ']]>', i + 9, 'CDATA section', at);
    } else if (text.startsWith('<?', i)) {
      end = closeOf(text, '?>', i + 2, 'processing instruction', at);
    } else if (text.startsWith('<!', i)) {
      if (/^<!(DOCTYPE|ENTITY)/i.test(text.slice(i, i + 9))) {
        throw queryError('E_XML_DOCTYPE', 'DOCTYPE and ENTITY declarations are refused', at(), 'remove the declaration; only the five predefined entities and numeric character references are supported');
      }
      throw queryError('E_XML_SYNTAX', "unexpected '<!' markup", at(), 'only comments <!-- --> and CDATA sections <![CDATA[ ]]> may start with <!');
    } else if (text.startsWith('</', i)) {
      end = closeOf(text, '>', i + 2, 'end tag', at);
      if (depth > 0) depth--;
    } else {
      end = endOfStartTag(text, i, at);
      if (depth + 1 > maxDepth) {
        throw queryError('E_XML_TOO_DEEP', `elements are nested more than ${maxDepth} deep`, at(), 'flatten the query (and/or take many children) or raise the depth limit');
      }
      if (text[end - 2] !== '/') depth++;
    }
    i = text.indexOf('<', end);
  }
  checkCharacters(text, positionOf);
}

/** Index just past `close`, searching from `from`; throws when it never comes. */
function closeOf(text: string, close: string, from: number, what: string, at: () => Position): number {
  const found = text.indexOf(close, from);
  if (found === -1) {
    throw queryError('E_XML_SYNTAX', `unterminated ${what}`, at(), `close it with '${close}'`);
  }
  return found + close.length;
}

/** Index just past the `>` of a start tag; a `>` inside a quoted attribute value does not count. */
function endOfStartTag(text: string, start: number, at: () => Position): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '>') return j + 1;
    if (c === '"' || c === "'") {
      j = text.indexOf(c, j + 1);
      if (j === -1) break;
    }
  }
  throw queryError('E_XML_SYNTAX', 'unterminated start tag', at(), "close the tag with '>' and every attribute value with its quote");
}

// XML 1.0 Char: no C0 controls except tab/LF/CR, no U+FFFE/U+FFFF, no lone surrogates.
const FORBIDDEN_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkCharacters(text: string, positionOf: PositionOf): void {
  // A byte order mark is only one at the very start (parseSegment drops that
  // one); anywhere else it is an invisible character that String#trim would
  // quietly remove, so it is named rather than shown as text "".
  const bom = text.indexOf('\uFEFF');
  if (bom !== -1) {
    throw queryError('E_XML_SYNTAX', 'character U+FEFF (a byte order mark) is only allowed at the very start of the query', positionOf(bom), 'remove the U+FEFF character; editors sometimes insert it when files are joined');
  }
  const m = FORBIDDEN_CHAR.exec(text);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw queryError('E_XML_SYNTAX', `character U+${code} is not allowed in XML`, positionOf(m.index), 'remove the control character or invalid code point');
  }
}
