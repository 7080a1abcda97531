/**
 * Reads an Odoo XML data file into its records, in file order, without interpreting field values:
 * each field keeps how it was given (element text, `eval` or `ref`). Element text is kept verbatim
 * (CDATA sections joined), as Odoo's loader does. Elements other than records are reported, not
 * dropped silently. An empty file, and one that declares a DTD or entities, are refused before parsing.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidInputError } from '../../shared/errors.js';

export type FieldSource = { kind: 'text'; text: string } | { kind: 'eval'; source: string } | { kind: 'ref'; ref: string };

export interface FileField {
  name: string;
  source: FieldSource;
}

export interface FileRecord {
  id: string;
  model: string;
  /** Inside `<data noupdate="1">`: created when missing, never updated. */
  noupdate: boolean;
  fields: FileField[];
}

export interface ParsedFile {
  records: FileRecord[];
  /** Top-level elements that are not records (`<function>`, `<menuitem>`, …), by tag and position. */
  skipped: string[];
}

// preserveOrder output: each node is { tag: children[], ':@'?: attributes } or { '#text': string }.
type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true, // decodes numeric character references (&#10;) too
});

const tagOf = (node: XmlNode) => Object.keys(node).find((key) => key !== ':@')!;
const childrenOf = (node: XmlNode) => node[tagOf(node)] as XmlNode[];
const isBlankText = (node: XmlNode) => tagOf(node) === '#text' && String(node['#text']).trim() === '';
const truthy = (value: string | undefined) => value !== undefined && !['', '0', 'false', 'False'].includes(value);

export function parseProjectFile(file: string): ParsedFile {
  // XML parsers must normalise line ends (XML 1.0 §2.11); a leading byte-order mark is not content.
  const xml = file.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  if (xml.trim() === '') throw new InvalidInputError('the file is empty');
  refuseDoctype(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new InvalidInputError(`not a well-formed XML file: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const top = (parser.parse(xml) as XmlNode[]).filter((node) => !isBlankText(node));
  const root = top.find((node) => ['odoo', 'openerp'].includes(tagOf(node)));
  if (!root || top.length !== 1) throw new InvalidInputError('not an Odoo data file: the root element must be <odoo>');
  const result: ParsedFile = { records: [], skipped: [] };
  readContainer(childrenOf(root), false, result);
  return result;
}

/**
 * Refuses a document type declaration: its entities could read local files or URLs (an external
 * entity) or expand without bound, and Odoo data files have none. Names the first entity it declares.
 */
function refuseDoctype(xml: string): void {
  const prolog = /^\s*(?:(?:<\?[^]*?\?>|<!--[^]*?-->)\s*)*<!DOCTYPE\b([^]*)/.exec(xml);
  if (!prolog) return;
  const entity = /<!ENTITY\s+(?:%\s+)?([^\s>]+)\s+(?:(SYSTEM|PUBLIC)\s+("[^"]*"|'[^']*'))?/.exec(prolog[1]!);
  const what = !entity
    ? 'a document type (<!DOCTYPE>)'
    : entity[2]
      ? `an external entity ${entity[1]} (${entity[2]} ${entity[3]})`
      : `an entity ${entity[1]}`;
  throw new InvalidInputError(`the file declares ${what}: project files may not declare entities or a DTD`);
}

function readContainer(nodes: XmlNode[], noupdate: boolean, result: ParsedFile): void {
  for (const node of nodes) {
    if (isBlankText(node)) continue;
    const tag = tagOf(node);
    const attributes = node[':@'] ?? {};
    if (tag === 'data') readContainer(childrenOf(node), truthy(attributes.noupdate) || noupdate, result);
    else if (tag === 'record') result.records.push(readRecord(node, noupdate));
    else
      result.skipped.push(
        tag === '#text' ? `text "${String(node['#text']).trim().slice(0, 40)}"` : `<${tag}>${attributes.id ? ` ${attributes.id}` : ''}`,
      );
  }
}

function readRecord(node: XmlNode, noupdate: boolean): FileRecord {
  const { id, model } = node[':@'] ?? {};
  if (!id) throw new InvalidInputError(`a <record> has no id${model ? ` (model ${model})` : ''}`);
  if (!model) throw new InvalidInputError(`record "${id}" has no model`);
  const fields: FileField[] = [];
  for (const child of childrenOf(node)) {
    if (isBlankText(child)) continue;
    if (tagOf(child) !== 'field')
      throw new InvalidInputError(
        `record "${id}": unexpected ${tagOf(child) === '#text' ? 'text' : `<${tagOf(child)}>`} (only <field> elements belong in a record)`,
      );
    fields.push(readField(id, child));
  }
  return { id, model, noupdate, fields };
}

function readField(recordId: string, node: XmlNode): FileField {
  const attributes = node[':@'] ?? {};
  const name = attributes.name;
  if (!name) throw new InvalidInputError(`record "${recordId}": a <field> has no name`);
  const unsupported = Object.keys(attributes).filter(
    (key) => !['name', 'ref', 'eval'].includes(key) && !(key === 'type' && attributes.type === 'char'),
  );
  if (unsupported.length > 0)
    throw new InvalidInputError(`record "${recordId}": field ${name}: the attribute ${unsupported[0]} is not supported`, name);
  if (attributes.ref !== undefined) return { name, source: { kind: 'ref', ref: attributes.ref } };
  if (attributes.eval !== undefined) return { name, source: { kind: 'eval', source: attributes.eval } };
  let text = '';
  for (const child of childrenOf(node)) {
    const tag = tagOf(child);
    if (tag === '#text') text += String(child['#text']);
    else if (tag === '#cdata')
      text += childrenOf(child)
        .map((part) => String(part['#text'] ?? ''))
        .join('');
    else throw new InvalidInputError(`record "${recordId}": field ${name} contains an element <${tag}>`, name);
  }
  return { name, source: { kind: 'text', text } };
}
