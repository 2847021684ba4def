import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Position } from './ast/index.js';
import { queryError } from './query-error.js';
import type { PositionOf } from './source-position.js';
import { decodeAttributeValue, decodeText } from './xml-references.js';

/**
 * A minimal, fully decoded element tree: the shape the query readers work on.
 * fast-xml-parser does the tokenising; we keep entity decoding, positions and
 * whitespace handling under our own control (see xml-references.ts).
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

// Prefixes keep names like `constructor` or `toString` from colliding with
// fast-xml-parser's prototype-pollution guards, which would rename or refuse
// them: such names must reach us intact to be reported as unknown. '<' can
// never start an XML name, so the element prefix is unambiguous, and the
// transform is idempotent because the parser applies it twice to `<x/>`.
const ATTR_PREFIX = '@_';
const NAME_PREFIX = '<';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';
const ATTRS_KEY = ':@';

function makeParser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true, // children in document order, text kept apart
    captureMetaData: true, // start index of each element, for positions
    ignoreAttributes: false,
    attributeNamePrefix: ATTR_PREFIX,
    transformTagName: (name) => (name.startsWith(NAME_PREFIX) ? name : NAME_PREFIX + name),
    parseTagValue: false, // values stay strings, exactly as written
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false, // decoded by us: predefined + numeric only
    htmlEntities: false,
    cdataPropName: CDATA_KEY, // so CDATA content is not entity-decoded
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: maxDepth + 1, // the prescan already enforced the real limit
    jPath: false, // no path strings per element: they cost O(depth) each
  });
}

type RawNode = Record<string, unknown>;
const META = XMLParser.getMetaDataSymbol() as unknown as string;

/**
 * Checks well-formedness and builds the element tree of the root element.
 * `text` is the prescanned query with normalised line ends.
 */
export function readXmlTree(text: string, maxDepth: number, positionOf: PositionOf): XmlElement {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw queryError('E_XML_SYNTAX', msg, { line, column: col ?? 1 }, 'fix the XML so that it is well-formed');
  }
  let top: RawNode[];
  try {
    top = makeParser(maxDepth).parse(text) as RawNode[];
  } catch (e) {
    throw queryError('E_XML_SYNTAX', (e as Error).message, undefined, 'fix the XML so that it is well-formed');
  }
  const root = top.find((node) => elementName(node) !== undefined);
  if (root === undefined) {
    throw queryError('E_XML_SYNTAX', 'no root element', { line: 1, column: 1 }, 'write the query as one <segment> element');
  }
  return toElement(root, positionOf);
}

/** The tag key of a raw node, or undefined for text, CDATA and the like. */
function elementName(node: RawNode): string | undefined {
  const key = Object.keys(node).find((k) => k !== ATTRS_KEY);
  return key !== undefined && key.startsWith(NAME_PREFIX) ? key : undefined;
}

function toElement(node: RawNode, positionOf: PositionOf): XmlElement {
  const key = elementName(node)!;
  const name = key.slice(NAME_PREFIX.length);
  const meta = node[META] as { startIndex?: number } | undefined;
  const pos = positionOf(meta?.startIndex ?? 0);
  const fail = (reason: string): never => {
    throw queryError('E_XML_SYNTAX', `in <${name}>: ${reason}`, pos, 'escape & as &amp; and < as &lt;; only the five predefined entities and numeric character references are allowed');
  };

  const attrs = new Map<string, string>();
  for (const [rawName, rawValue] of Object.entries((node[ATTRS_KEY] as Record<string, string> | undefined) ?? {})) {
    attrs.set(rawName.slice(ATTR_PREFIX.length), decodeAttributeValue(String(rawValue), fail));
  }

  const children: XmlElement[] = [];
  let text = '';
  for (const child of node[key] as RawNode[]) {
    if (Object.hasOwn(child, TEXT_KEY)) text += decodeText(String(child[TEXT_KEY]), fail);
    else if (Object.hasOwn(child, CDATA_KEY)) text += cdataContent(child[CDATA_KEY]);
    else if (elementName(child) !== undefined) children.push(toElement(child, positionOf));
  }
  return { name, attrs, children, text, pos };
}

function cdataContent(value: unknown): string {
  return (value as RawNode[]).map((part) => String(part[TEXT_KEY] ?? '')).join('');
}
