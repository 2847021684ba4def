import type { ShandianError } from '../model/errors.js';
import { queryError } from './query-error.js';
import type { XmlElement } from './xml-tree.js';

/**
 * Structural checks shared by every element reader. Anything that is not
 * allowed where it stands (an unknown element, a known element in the wrong
 * place, stray text) is E_UNKNOWN_ELEMENT; whitespace between elements is fine.
 */

/** Refuses attributes outside `allowed` (names are case-sensitive; `xmlns` included). */
export function checkAttributeNames(el: XmlElement, allowed: readonly string[]): void {
  for (const name of el.attrs.keys()) {
    if (!allowed.includes(name)) {
      const listed = allowed.length > 0 ? `<${el.name}> takes ${allowed.join(', ')}` : `<${el.name}> takes no attributes`;
      throw queryError('E_UNKNOWN_ATTRIBUTE', `unknown attribute ${name} on <${el.name}>`, el.pos, withSuggestion(name, allowed, listed));
    }
  }
}

/** The value of a required attribute. */
export function requireAttribute(el: XmlElement, name: string): string {
  const value = el.attrs.get(name);
  if (value === undefined) {
    throw queryError('E_MISSING_ATTRIBUTE', `<${el.name}> needs a ${name} attribute`, el.pos, `add ${name}="..." to <${el.name}>`);
  }
  return value;
}

/** Refuses character data other than whitespace (elements that only hold elements). */
export function rejectText(el: XmlElement): void {
  if (!/^[ \t\n\r]*$/.test(el.text)) {
    // Trim XML white space only: String#trim would also drop U+00A0, U+2028 and
    // the like, leaving the message to say text "" is not allowed.
    const trimmed = el.text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '').slice(0, 20);
    const invisible = [...new Set(trimmed.match(/[^\P{Z}\u0020]|\p{C}/gu) ?? [])];
    const named = invisible.length === 0 ? '' : ` (it contains ${invisible.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ')})`;
    throw queryError('E_UNKNOWN_ELEMENT', `text ${JSON.stringify(trimmed)}${named} is not allowed inside <${el.name}>`, el.pos, `<${el.name}> holds only elements; remove the text`);
  }
}

/** Refuses any content at all (empty elements such as `<tag/>`). */
export function rejectContent(el: XmlElement): void {
  rejectText(el);
  const child = el.children[0];
  if (child !== undefined) throw misplaced(child, el, []);
}

/** The text of a value element (`<sku>A</sku>`): as written, no attributes, no children. */
export function leafText(el: XmlElement): string {
  checkAttributeNames(el, []);
  const child = el.children[0];
  if (child !== undefined) throw misplaced(child, el, []);
  return el.text;
}

/** The error for `child` found inside `parent`, which allows only `allowed`. */
export function misplaced(child: XmlElement, parent: XmlElement, allowed: readonly string[]): ShandianError {
  const listed = allowed.length > 0 ? `<${parent.name}> may contain ${allowed.map((a) => `<${a}>`).join(', ')}` : `<${parent.name}> may not contain elements`;
  return queryError('E_UNKNOWN_ELEMENT', `<${child.name}> is not allowed inside <${parent.name}>`, child.pos, withSuggestion(child.name, allowed, listed));
}

/** Adds "did you mean" when the name differs from an allowed one only in case. */
function withSuggestion(name: string, allowed: readonly string[], hint: string): string {
  const near = allowed.find((a) => a.toLowerCase() === name.toLowerCase());
  return near !== undefined ? `names are case-sensitive: did you mean ${near}? ${hint}` : hint;
}
