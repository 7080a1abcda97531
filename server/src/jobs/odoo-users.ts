/**
 * The Odoo user behind an event, as task code sees it (`user`, the language of `texts`, the
 * `lang`/`tz` of `env.context`): read from Odoo once and kept for a few minutes. Without Odoo, or
 * when Odoo cannot say, the user keeps its id and the defaults (en_US, UTC) apply.
 */
import type { OdooClient } from '../odoo/index.js';

export interface OdooUser {
  id: number;
  name: string;
  lang: string;
  tz: string;
}

const TTL_MS = 5 * 60_000;
export const DEFAULT_LANG = 'en_US';
export const DEFAULT_TZ = 'UTC';

export class OdooUsers {
  private readonly cache = new Map<number, { user: OdooUser; until: number }>();

  constructor(
    private readonly odoo: OdooClient | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user with their language and time zone; `problem` says why only defaults are known. */
  async get(id: number): Promise<{ user: OdooUser; problem?: string }> {
    const cached = this.cache.get(id);
    if (cached && cached.until > this.now()) return { user: cached.user };
    const fallback: OdooUser = { id, name: '', lang: DEFAULT_LANG, tz: DEFAULT_TZ };
    if (!this.odoo) return { user: fallback };
    try {
      const [row] = await this.odoo.executeKw<{ name: string; lang: string | false; tz: string | false }[]>('res.users', 'read', [[id]], {
        fields: ['name', 'lang', 'tz'],
      });
      if (!row) return { user: fallback, problem: `Odoo user ${id} does not exist` };
      const user: OdooUser = { id, name: row.name, lang: row.lang || DEFAULT_LANG, tz: row.tz || DEFAULT_TZ };
      this.cache.set(id, { user, until: this.now() + TTL_MS });
      return { user };
    } catch (error) {
      return { user: fallback, problem: `could not read Odoo user ${id}: ${(error as Error).message}` };
    }
  }
}
