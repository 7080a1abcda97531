/**
 * Xml ids as Odoo reads them: `module.name`, where a bare `name` inside a data file means the
 * file's own module. A file's module comes from the import option, else from the qualified ids it
 * holds (its record ids, and refs to records of the file). Ids of the file's module are stored and
 * matched by their bare name, so `sync.telegram_project` and `telegram_project` in module sync's file
 * are one record, and upstream's export with ids of module `sync_x` lands on the project that the
 * unqualified export of it created. Ids of other modules stay qualified.
 */
import { InvalidInputError } from '../../shared/errors.js';
import type { FileRecord } from './parse.js';
import { isPyRef, readPythonLiteral, type PyValue } from './python-literal.js';

const modulePattern = /^[A-Za-z0-9_]+$/;

function split(id: string): { module: string; name: string } | undefined {
  const dot = id.indexOf('.');
  return dot > 0 ? { module: id.slice(0, dot), name: id.slice(dot + 1) } : undefined;
}

function refsOf(value: PyValue): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  return value !== null && typeof value === 'object' && isPyRef(value) ? [value.ref] : [];
}

/** Every ref a record's fields hold (`ref="…"` and `ref('…')` inside evals; an eval that does not read is left to the field's reader). */
function recordRefs(record: FileRecord): string[] {
  return record.fields.flatMap(({ source }) => {
    if (source.kind === 'ref') return [source.ref.trim()];
    if (source.kind !== 'eval') return [];
    try {
      return refsOf(readPythonLiteral(source.source || 'None'));
    } catch {
      return [];
    }
  });
}

/** The module a file's bare ids belong to: `given`, else the one module its qualified record ids and refs to its own records name (none when they name none). */
export function fileModule(records: FileRecord[], given: string | undefined): string | undefined {
  if (given !== undefined) {
    if (!modulePattern.test(given)) throw new InvalidInputError(`module "${given}" is not a module name (letters, digits and _)`, 'module');
    return given;
  }
  const bare = new Set(records.map((record) => split(record.id)?.name ?? record.id));
  const modules = new Set<string>();
  for (const id of [...records.map((record) => record.id), ...records.flatMap(recordRefs)]) {
    const qualified = split(id);
    if (qualified && bare.has(qualified.name)) modules.add(qualified.module);
  }
  if (modules.size > 1)
    throw new InvalidInputError(
      `the file holds ids of more than one module (${[...modules].sort().join(', ')}): say which module the file belongs to (the module option)`,
      'module',
    );
  return [...modules][0];
}

/** The stored form of an xml id of a file of `module`: its bare name when it is of that module. */
export function localId(module: string | undefined, id: string): string {
  const qualified = split(id);
  return qualified && qualified.module === module ? qualified.name : id;
}
