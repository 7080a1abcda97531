/**
 * The link semantics (upstream's, with the deliberate differences of
 * docs/decisions/007-links-semantics.md): one function that runs a validated link op on the
 * database. The job runner calls it with the op the sandbox worker sent.
 *
 * Setting a link takes transaction-scoped advisory locks on (relation, model, system, ref) for both
 * sides before it looks for existing links, so concurrent jobs setting the same or conflicting
 * links are serialised: no duplicates, no raw unique violations, one-to-one kept.
 */
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { LinkAmbiguousError, LinkConflictError } from './errors.js';
import { parseLinkOp, type LinkOp } from './ops.js';
import type { LinkOpResult, LinkOpResults, LinkPair, LinkRow } from './rows.js';
import { deleteLinks, findLinks, findPartnersOf, insertLink, updateLinkDates } from './store.js';

/** Validates `input` (InvalidInputError on a bad shape) and runs it. */
export async function executeLinkOp(pool: Pool, input: unknown): Promise<LinkOpResult> {
  const op = parseLinkOp(input);
  switch (op.op) {
    case 'set':
      return withTransaction(pool, (client) => setLink(client, op));
    case 'search':
      return findLinks(pool, { relation: op.relation, ...op.refs, ...modelFilter(op.model) });
    case 'get':
      return getLink(pool, op);
    case 'update_dates':
      return updateLinkDates(pool, op.ids, op.sync_date ?? null);
    case 'delete':
      return { deleted: await deleteLinks(pool, op.ids) };
    default:
      return op satisfies never;
  }
}

/** A search names a model only when the op gives one. */
function modelFilter(model: string | null | undefined): { model?: string } {
  return model ? { model } : {};
}

async function getLink(db: Queryable, op: Extract<LinkOp, { op: 'get' }>): Promise<LinkRow | null> {
  const links = await findLinks(db, { relation: op.relation, ...op.refs, ...modelFilter(op.model) });
  if (links.length > 1) throw new LinkAmbiguousError(op.relation, links.length);
  return links[0] ?? null;
}

/** Must run inside a transaction: the advisory locks last until it ends. */
async function setLink(db: Queryable, op: Extract<LinkOp, { op: 'set' }>): Promise<LinkOpResults['set']> {
  const pair: LinkPair = { relation: op.relation, ...op.refs, model: op.model ?? null };
  await lockSides(db, pair);
  const date = op.sync_date ?? null;
  const partners = await findPartnersOf(db, pair);
  const same = partners.find((link) => link.ref1 === pair.ref1 && link.ref2 === pair.ref2);
  if (!op.allow_many2many) {
    const other = partners.find((link) => link !== same);
    if (other) throw new LinkConflictError(op.relation, other);
  }
  if (same) {
    const [refreshed] = await updateLinkDates(db, [same.id], date);
    return { link: refreshed ?? same, created: false };
  }
  return { link: await insertLink(db, pair, date), created: true };
}

/** Locks both sides in a fixed order, so two transactions never wait for each other in a cycle. */
async function lockSides(db: Queryable, pair: LinkPair): Promise<void> {
  const keys = [
    [pair.relation, pair.model ?? '', pair.system1, pair.ref1],
    [pair.relation, pair.model ?? '', pair.system2, pair.ref2],
  ]
    .map((parts) => JSON.stringify(['sync_studio.link', ...parts]))
    .sort();
  for (const key of keys) await db.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
