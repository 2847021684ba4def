/**
 * Decoding of entity and character references, done here rather than by
 * a generic XML library: XML allows exactly the five predefined entities and
 * numeric character references, and anything else (`&nbsp;`, a bare `&`) is
 * a well-formedness error, not text to pass through.
 */

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// At an '&': a predefined name, a decimal or a hex character reference.
const REFERENCE = /&(?:([A-Za-z_:][-\w.:]*)|#([0-9]+)|#x([0-9a-fA-F]+));/y;

/** Decodes references in character data. `fail` reports a malformed one. */
export function decodeText(raw: string, fail: (reason: string) => never): string {
  if (raw.includes(']]>')) fail("']]>' is not allowed in text");
  return decodeReferences(raw, fail);
}

/**
 * An attribute value as XML defines it: each literal tab or line break
 * becomes a space (line ends are already normalised), then references are
 * decoded, so `&#10;` still yields a real line break. No trimming.
 */
export function decodeAttributeValue(raw: string, fail: (reason: string) => never): string {
  if (raw.includes('<')) fail("'<' is not allowed in an attribute value (write &lt;)");
  return decodeReferences(raw.replace(/[\t\n\r]/g, ' '), fail);
}

function decodeReferences(raw: string, fail: (reason: string) => never): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (!m) fail(`'&' must start a reference such as &amp; or &#38; (${JSON.stringify(raw.slice(amp, amp + 12))})`);
    out += raw.slice(from, amp) + resolve(m, fail);
    from = REFERENCE.lastIndex;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

function resolve(m: RegExpExecArray, fail: (reason: string) => never): string {
  const [ref, name, dec, hex] = m;
  if (name !== undefined) {
    const value = PREDEFINED[name];
    if (value === undefined || !Object.hasOwn(PREDEFINED, name)) fail(`unknown entity ${ref}; only &amp; &lt; &gt; &quot; &apos; are defined`);
    return value;
  }
  // Cap the digits so parseInt stays exact; anything longer is out of range anyway.
  const digits = (dec ?? hex)!.replace(/^0+(?=.)/, '');
  const code = digits.length > 8 ? Infinity : Number.parseInt(digits, dec !== undefined ? 10 : 16);
  if (!isXmlChar(code)) fail(`character reference ${ref} is not a character XML allows`);
  return String.fromCodePoint(code);
}

/** The XML 1.0 `Char` production. */
function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}
