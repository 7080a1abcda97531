/**
 * The header comment of an exported file (`Copyright <years> <author>`, then the licence line), as
 * upstream's "Export to XML" asks for it: export options, remembered per database (setting
 * `export_header`) when a caller who may change projects gives them, and used again by the next
 * exports. Nothing given nor remembered: the file has no such comment, so an export never names an
 * author or a year of ours.
 */
import type { z } from 'zod';
import { exportHeaderOptions } from '../../contract/index.js';
import type { Queryable } from '../../db/index.js';
import { parseInput } from '../../shared/validation.js';

/** The export options of the header, as the API's query string and the CLI's flags give them (the contract defines them). */
export type ExportHeader = z.output<typeof exportHeaderOptions>;

const SETTING = 'export_header';

/** Checks header options (`what` names where they came from, for the error). */
export function readExportHeader(input: Record<string, unknown>, what: string): ExportHeader {
  return parseInput(exportHeaderOptions, input, what);
}

/**
 * The header to write: the remembered one with `given` over it (an empty string clears a part);
 * remembered for the next exports when `remember` and something was given.
 */
export async function exportHeader(db: Queryable, given: ExportHeader, remember: boolean): Promise<ExportHeader> {
  const { rows } = await db.query<{ value: string }>('select value from sync_studio.setting where key = $1', [SETTING]);
  const stored = rows[0] ? (JSON.parse(rows[0].value) as ExportHeader) : {};
  const changes = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const header = { ...stored, ...changes };
  if (remember && Object.keys(changes).length > 0)
    await db.query('insert into sync_studio.setting (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [
      SETTING,
      JSON.stringify(header),
    ]);
  return header;
}
