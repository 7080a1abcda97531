/**
 * Lists page by key, not by offset: a page asks for the rows after the last one the caller saw
 * (its `cursor`), so every page costs one index range scan however deep it is (an offset of 2
 * million read and dropped 2 million rows). A cursor is opaque to callers: the sort key of the last
 * row of a page, as base64url JSON. Lists answer `{items, total, limit, next_cursor}`;
 * `next_cursor` is null on the last page.
 */
import { InvalidInputError } from './errors.js';

/** The sort key of a row: e.g. [id], or [name, id]. */
export type PageKey = readonly (string | number)[];

/** A page asked for: its size and the previous page's `next_cursor` (absent for the first page). */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside `cursor`, checked against the kinds of the list's sort key; a 400 naming `cursor` otherwise. */
export function decodeCursor(cursor: string | undefined, kinds: readonly ('string' | 'number')[]): PageKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== kinds.length || key.some((value, i) => typeof value !== kinds[i])) {
    throw new InvalidInputError('cursor: not a cursor of this list (pass next_cursor of the previous page unchanged)', 'cursor');
  }
  return key as PageKey;
}

/** The page of `rows` (fetched with `limit + 1`, so a further row tells that another page follows). */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => PageKey): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}
