/**
 * Writes a project file byte for byte: lxml's XML declaration, the copyright comment (only the
 * parts given: `Copyright <years> <author>`, the licence line), `<odoo>` with
 * one `<record>` per record, 4-space indentation, `<field name=…>` children, code in CDATA (a `]]>`
 * inside code is split across two CDATA sections, which every XML parser joins back).
 */
import { InvalidInputError } from '../../shared/errors.js';

export type OutField =
  { name: string; text: string } | { name: string; code: string } | { name: string; eval: string } | { name: string; ref: string };

export interface OutRecord {
  id: string;
  model: string;
  fields: OutField[];
}

export interface FileHeader {
  years?: string;
  author?: string;
  license?: string;
}

/** Whether `value` holds a character XML 1.0 cannot carry at all, even escaped (controls, lone surrogates, U+FFFE/F). */
function hasNonXmlCharacter(value: string): boolean {
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      code === 0xfffe ||
      code === 0xffff
    )
      return true;
  }
  return false;
}

const escapeText = (value: string) => value.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
const escapeAttribute = (value: string) =>
  value.replace(
    /[&<>"\n\r\t]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' })[c]!,
  );
const cdata = (code: string) => `<![CDATA[${code.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
// A comment may not contain "--" nor end with "-".
const commentSafe = (value: string) => value.replace(/-(?=-)/g, '- ').replace(/-$/, '- ');

function renderField(field: OutField): string {
  const open = `<field name="${escapeAttribute(field.name)}"`;
  if ('ref' in field) return `${open} ref="${escapeAttribute(field.ref)}"/>`;
  if ('eval' in field) return `${open} eval="${escapeAttribute(field.eval)}"/>`;
  if ('code' in field) return `${open}>${cdata(field.code)}</field>`;
  return `${open}>${escapeText(field.text)}</field>`;
}

function checkCharacters(record: OutRecord): void {
  for (const field of record.fields) {
    const value = 'ref' in field ? field.ref : 'eval' in field ? field.eval : 'code' in field ? field.code : field.text;
    if (hasNonXmlCharacter(value)) {
      throw new InvalidInputError(`record "${record.id}": field ${field.name} holds a control character that XML cannot carry`, field.name);
    }
  }
}

export function renderProjectFile(header: FileHeader, records: OutRecord[]): string {
  const copyright = [header.years, header.author].filter(Boolean).join(' ');
  const comment = [
    ...(copyright ? [`Copyright ${copyright}`] : []),
    ...(header.license ? [`${header.license.replace(/\.$/, '')}.`] : []),
  ].map(commentSafe);
  const lines = [
    "<?xml version='1.0' encoding='UTF-8'?>",
    ...(comment.length > 0 ? [`<!-- ${comment.join('\n     ')} -->`] : []),
    '<odoo>',
  ];
  for (const record of records) {
    checkCharacters(record);
    lines.push(`    <record id="${escapeAttribute(record.id)}" model="${escapeAttribute(record.model)}">`);
    for (const field of record.fields) lines.push(`        ${renderField(field)}`);
    lines.push('    </record>');
  }
  lines.push('</odoo>', '');
  return lines.join('\n');
}
