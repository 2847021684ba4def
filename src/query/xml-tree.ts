import type { Position } from './ast/index.js';
import { queryError } from './query-error.js';
import type { PositionOf } from './source-position.js';
import { decodeAttributeValue, decodeText } from './xml-references.js';

/**
 * A minimal, fully decoded element tree: the shape the query readers work on.
 *
 * The document is read by one strict pass over the text that follows the
 * XML 1.0 grammar (without a DTD: the prescan refuses DOCTYPE before we get
 * here), so well-formedness and the tree come from the same reading and can
 * never disagree:
 *   document ::= XMLDecl? Misc* element Misc*       Misc ::= Comment | PI | S
 *   STag     ::= '<' Name (S Name S? '=' S? AttValue)* S? '>'   (or '/>')
 *   ETag     ::= '</' Name S? '>'                    S ::= (#x20 | #x9 | #xD | #xA)+
 * Entity decoding is ours too (see xml-references.ts). The loop keeps an
 * explicit stack, so nesting depth never costs call stack.
 */
export interface XmlElement {
  readonly name: string;
  /** attribute values, decoded and normalised as XML requires, in document order */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** all character data directly inside (text and CDATA), decoded and concatenated, untrimmed */
  readonly text: string;
  /** position of the start tag's `<` */
  readonly pos: Position;
}

interface OpenElement {
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  pos: Position;
}

const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_REST = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
/** The XML 1.0 Name production. */
const NAME = new RegExp(`[${NAME_START}][${NAME_REST}]*`, 'uy');
/** XML white space: exactly space, tab, CR and LF (not U+00A0, not U+FEFF). */
const SPACE = /[ \t\r\n]*/y;
const XML_DECL =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

const HINT = 'fix the XML so that it is well-formed';
const REFERENCE_HINT = 'escape & as &amp; and < as &lt;; only the five predefined entities and numeric character references are allowed';

/**
 * Checks well-formedness and builds the element tree of the root element.
 * `text` is the prescanned query with normalised line ends and no leading BOM.
 * `maxDepth` was enforced by the prescan; the reading itself does not recurse.
 */
export function readXmlTree(text: string, _maxDepth: number, positionOf: PositionOf): XmlElement {
  return new Reader(text, positionOf).document();
}

/** Shows a character in a message: printable ones quoted, others as U+XXXX. */
export function describeChar(c: string | undefined): string {
  if (c === undefined) return 'the end of the query';
  const cp = c.codePointAt(0)!;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp > 0x20 && cp < 0x7f ? `'${c}'` : code;
}

class Reader {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly positionOf: PositionOf,
  ) {}

  document(): XmlElement {
    const { text } = this;
    if (text.startsWith('<?xml') && /[ \t\r\n?]/.test(text[5] ?? '')) {
      XML_DECL.lastIndex = 0;
      if (!XML_DECL.test(text)) {
        this.fail(0, 'malformed XML declaration', 'write it as <?xml version="1.0" encoding="UTF-8"?> or leave it out');
      }
      this.i = XML_DECL.lastIndex;
    }
    this.misc();
    if (this.i >= text.length) {
      this.fail(this.i, 'no root element', 'write the query as one <segment> element');
    }
    if (text[this.i] !== '<' || this.nameAt(this.i + 1) === undefined) {
      this.fail(this.i, `${describeChar(this.charAt(this.i))} is not allowed before the root element`, 'start the query with <segment> (only an XML declaration, comments, processing instructions and white space may come before it)');
    }
    const root = this.element();
    this.misc();
    if (this.i < text.length) {
      const what = text[this.i] === '<' && this.nameAt(this.i + 1) !== undefined ? 'a second root element' : describeChar(this.charAt(this.i));
      this.fail(this.i, `${what} is not allowed after the root element </${root.name}>`, 'only white space, comments and processing instructions may follow the root element; remove the rest');
    }
    return root;
  }

  /** Skips Misc* (white space, comments, PIs) outside the root element. */
  private misc(): void {
    const { text } = this;
    for (;;) {
      this.skipSpace();
      if (text.startsWith('<!--', this.i)) this.i = this.comment(this.i);
      else if (text.startsWith('<?', this.i)) this.i = this.pi(this.i);
      else return;
    }
  }

  /** The root element and everything inside it, read with an explicit stack. */
  private element(): XmlElement {
    const { text } = this;
    const stack: OpenElement[] = [];
    let root: XmlElement | undefined;
    const close = (el: OpenElement): void => {
      const done: XmlElement = { name: el.name, attrs: el.attrs, children: el.children, text: el.text, pos: el.pos };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(done);
      else root = done;
    };
    do {
      const lt = text.indexOf('<', this.i);
      const top = stack[stack.length - 1];
      if (top !== undefined && lt !== this.i) {
        const end = lt === -1 ? text.length : lt;
        const raw = text.slice(this.i, end);
        // errors in character data are reported at the element holding it
        top.text += decodeText(raw, (reason) => this.failAt(top.pos, `in <${top.name}>: ${reason}`, REFERENCE_HINT));
        this.i = end;
      }
      if (this.i >= text.length) {
        const open = stack[stack.length - 1]!;
        this.failAt(open.pos, `<${open.name}> is never closed`, `add </${open.name}> at the end`);
      }
      const at = this.i;
      if (top !== undefined && text.startsWith('<!--', at)) {
        this.i = this.comment(at);
      } else if (top !== undefined && text.startsWith('<![CDATA[', at)) {
        const end = text.indexOf(']]>', at + 9);
        if (end === -1) this.fail(at, 'unterminated CDATA section', "close it with ']]>'");
        top.text += text.slice(at + 9, end);
        this.i = end + 3;
      } else if (top !== undefined && text.startsWith('<?', at)) {
        this.i = this.pi(at);
      } else if (top !== undefined && text.startsWith('</', at)) {
        const name = this.nameAt(at + 2);
        if (name === undefined) this.fail(at + 2, `expected an element name after '</', found ${describeChar(this.charAt(at + 2))}`, `write the end tag as </${top.name}>`);
        this.i = at + 2 + name.length;
        this.skipSpace();
        if (text[this.i] !== '>') {
          this.fail(this.i, `expected '>' to end </${name}, found ${describeChar(this.charAt(this.i))}`, `write the end tag as </${name}> (only spaces, tabs and line breaks may come before the '>')`);
        }
        if (name !== top.name) {
          this.fail(at, `end tag </${name}> does not match <${top.name}> (opened at line ${top.pos.line}, column ${top.pos.column})`, `close <${top.name}> with </${top.name}> first`);
        }
        this.i++;
        stack.pop();
        close(top);
      } else if (text[at] === '<' && (top !== undefined || stack.length === 0 && root === undefined)) {
        const el = this.startTag(at);
        if (el.selfClosing) close(el.open);
        else stack.push(el.open);
      } else {
        this.fail(at, `unexpected ${describeChar(this.charAt(at + 1))} after '<'`, HINT);
      }
    } while (stack.length > 0);
    return root!;
  }

  private startTag(at: number): { open: OpenElement; selfClosing: boolean } {
    const { text } = this;
    const name = this.nameAt(at + 1);
    if (name === undefined) {
      this.fail(at + 1, `${describeChar(this.charAt(at + 1))} cannot start an element name`, "write < as &lt; in text; element names start with a letter, '_' or ':'");
    }
    const open: OpenElement = { name, attrs: new Map(), children: [], text: '', pos: this.positionOf(at) };
    const fail = (reason: string): never => this.failAt(open.pos, `in <${name}>: ${reason}`, REFERENCE_HINT);
    this.i = at + 1 + name.length;
    for (;;) {
      const spaced = this.skipSpace();
      const c = text[this.i];
      if (c === '>') {
        this.i++;
        return { open, selfClosing: false };
      }
      if (c === '/') {
        if (text[this.i + 1] !== '>') this.fail(this.i + 1, `expected '>' after '/' in <${name}>, found ${describeChar(this.charAt(this.i + 1))}`, "write an empty element as <name .../>");
        this.i += 2;
        return { open, selfClosing: true };
      }
      const attr = this.nameAt(this.i);
      if (attr === undefined) {
        this.fail(this.i, `${describeChar(this.charAt(this.i))} is not allowed here in <${name}>`, `write attributes as name="value", separated by spaces, and end the tag with '>' or '/>'`);
      }
      if (!spaced) {
        this.fail(this.i, `attribute ${attr} in <${name}> must be separated from what comes before it by a space`, `put a space before ${attr}=`);
      }
      const attrAt = this.i;
      this.i += attr.length;
      this.skipSpace();
      if (text[this.i] !== '=') {
        this.fail(this.i, `attribute ${attr} in <${name}> has no value: expected '=', found ${describeChar(this.charAt(this.i))}`, `write ${attr}="value"`);
      }
      this.i++;
      this.skipSpace();
      const quote = text[this.i];
      if (quote !== '"' && quote !== "'") {
        this.fail(this.i, `the value of ${attr} in <${name}> must be quoted, found ${describeChar(this.charAt(this.i))}`, `write ${attr}="value"`);
      }
      const end = text.indexOf(quote, this.i + 1);
      if (end === -1) this.fail(at, 'unterminated start tag', "close the tag with '>' and every attribute value with its quote");
      const raw = text.slice(this.i + 1, end);
      if (open.attrs.has(attr)) this.fail(attrAt, `attribute ${attr} is repeated in <${name}>`, `write ${attr} once`);
      open.attrs.set(attr, decodeAttributeValue(raw, fail));
      this.i = end + 1;
    }
  }

  /** Index just past a comment starting at `at`. */
  private comment(at: number): number {
    const end = this.text.indexOf('-->', at + 4);
    if (end === -1) this.fail(at, 'unterminated comment', "close it with '-->'");
    if (this.text.slice(at + 4, end + 1).includes('--')) this.fail(at, "'--' is not allowed inside an XML comment", "remove the '--' from the comment");
    return end + 3;
  }

  /** Index just past a processing instruction starting at `at`. */
  private pi(at: number): number {
    const target = this.nameAt(at + 2);
    if (target === undefined) this.fail(at + 2, `a processing instruction needs a name after '<?', found ${describeChar(this.charAt(at + 2))}`, 'write <?name ...?> or remove it');
    if (target.toLowerCase() === 'xml') {
      this.fail(at, 'the XML declaration is only allowed at the very start of the query', 'move <?xml ...?> to the first line, first column, or remove it');
    }
    const after = at + 2 + target.length;
    if (!this.text.startsWith('?>', after) && !/[ \t\r\n]/.test(this.text[after] ?? '')) {
      this.fail(after, `expected a space or '?>' after <?${target}, found ${describeChar(this.charAt(after))}`, 'write <?name ...?> or remove it');
    }
    const end = this.text.indexOf('?>', after);
    if (end === -1) this.fail(at, 'unterminated processing instruction', "close it with '?>'");
    return end + 2;
  }

  /** Skips XML white space; true when there was some. */
  private skipSpace(): boolean {
    SPACE.lastIndex = this.i;
    SPACE.test(this.text);
    const moved = SPACE.lastIndex > this.i;
    this.i = SPACE.lastIndex;
    return moved;
  }

  private nameAt(at: number): string | undefined {
    NAME.lastIndex = at;
    return NAME.exec(this.text)?.[0];
  }

  /** The whole character at `at` (both halves of a surrogate pair). */
  private charAt(at: number): string | undefined {
    const cp = this.text.codePointAt(at);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private fail(at: number, reason: string, hint: string): never {
    throw queryError('E_XML_SYNTAX', reason, this.positionOf(at), hint);
  }

  private failAt(pos: Position, reason: string, hint: string): never {
    throw queryError('E_XML_SYNTAX', reason, pos, hint);
  }
}
