/**
 * Odoo's naming conventions that project files use: `slugify` (for generated xml ids), the xml ids
 * of models and fields (`base.model_res_partner`, `base.field_res_partner__email`), and datetimes
 * as `YYYY-MM-DD HH:MM:SS` in UTC.
 */

/** Odoo's `slugify`: NFKD, drop non-ASCII, non-word characters and `_` become spaces, runs of spaces/hyphens become one `-`. */
export function slugify(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[^\p{ASCII}]/gu, '')
    .replace(/[\W_]/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '-');
}

const modelRefPattern = /^(?:[a-z0-9_]+\.)?model_([a-z0-9_]+)$/;
const fieldRefPattern = /^(?:[a-z0-9_]+\.)?field_([a-z0-9_]+?)__([a-zA-Z0-9_]+)$/;

/** `res.partner` → `base.model_res_partner`. */
export function modelRef(model: string): string {
  return `base.model_${model.replaceAll('.', '_')}`;
}

/**
 * `base.model_res_partner` → `res.partner`. Odoo's id replaces every '.' by '_', so '_' is read back
 * as '.' (see docs/decisions: a model with '_' in its technical name cannot be told apart).
 */
export function modelFromRef(ref: string): string | undefined {
  const match = modelRefPattern.exec(ref);
  return match ? match[1]!.replaceAll('_', '.') : undefined;
}

/** (`res.partner`, `email`) → `base.field_res_partner__email`. */
export function fieldRef(model: string, field: string): string {
  return `base.field_${model.replaceAll('.', '_')}__${field}`;
}

/** `base.field_res_partner__email` → model `res.partner`, field `email`. */
export function fieldFromRef(ref: string): { model: string; field: string } | undefined {
  const match = fieldRefPattern.exec(ref);
  return match ? { model: match[1]!.replaceAll('_', '.'), field: match[2]! } : undefined;
}

export function formatOdooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYYY-MM-DD HH:MM:SS` (or a bare date, meaning midnight) in UTC; undefined when not in that form. */
export function parseOdooDatetime(text: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const date = new Date(`${match[1]}T${match[2] ?? '00:00:00'}Z`);
  return Number.isNaN(date.getTime()) || formatOdooDatetime(date).slice(0, 10) !== match[1] ? undefined : date;
}
