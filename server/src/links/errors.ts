/**
 * Errors of the link semantics. Both are named `ValidationError` so that, once a host power's
 * failure is rebuilt inside the sandbox (same name and message), task code catches them as
 * upstream's `ValidationError`.
 */
import { SyncStudioError } from '../shared/errors.js';
import type { LinkRow } from './rows.js';

/** A one-to-one link would get a second partner. */
export class LinkConflictError extends SyncStudioError {
  constructor(relation: string, existing: LinkRow) {
    super('link_conflict', `${relation} link already exists: ${existing.system1}=${existing.ref1}, ${existing.system2}=${existing.ref2}`, {
      status: 409,
    });
    this.name = 'ValidationError';
  }
}

/** `get_link` matched more than one link. */
export class LinkAmbiguousError extends SyncStudioError {
  constructor(relation: string, count: number) {
    super('link_ambiguous', `get_link found ${count} links of relation "${relation}"; use search_links for many-to-many relations`, {
      status: 409,
    });
    this.name = 'ValidationError';
  }
}
