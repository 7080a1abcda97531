/**
 * The project API: the same five routes (list, create, read, update, delete) for every resource
 * kind of the registry, plus duplicate, a project's triggers of every kind, and webhook-path
 * regeneration. Roles: users read; developers
 * edit everything but cannot create, duplicate or delete projects, nor read or write secret values;
 * administrators do everything.
 */
import { Hono, type Context } from 'hono';
import { hasRole } from '../auth/index.js';
import { readId, readJson, readPage, requireRole, type AppEnv } from '../api/index.js';
import { duplicateProject } from './duplicate.js';
import { presentRow, type PresentOptions } from './present.js';
import { isTriggerKind, resources, type ResourceKind } from './resources.js';
import type { ProjectStore, Row } from './store.js';
import { listProjectSummaries, parseProjectFilter } from './summary.js';
import { countRecentFailures } from '../history/index.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';

export interface ProjectRoutesDeps extends PresentOptions {
  store: ProjectStore;
}

/** The projects list counts the failed jobs of the last 24 hours. */
const RECENT_FAILURES_MS = 24 * 3600 * 1000;

const projectChildren: Record<string, ResourceKind> = { params: 'param', texts: 'text', secrets: 'secret', tasks: 'task' };

function triggerKind(segment: string): ResourceKind {
  if (!isTriggerKind(segment)) throw new NotFoundError('trigger kind', `"${segment}" (expected cron, db, webhook or button)`);
  return segment;
}

export function projectRoutes(deps: ProjectRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;
  const present = (c: Context<AppEnv>, kind: ResourceKind, row: Row) => presentRow(kind, row, c.get('principal'), deps);

  /** Writing a secret's value is for administrators only, whatever the route. */
  const guardSecretValue = (c: Context<AppEnv>, kind: ResourceKind, body: unknown) => {
    if (
      kind === 'secret' &&
      typeof body === 'object' &&
      body !== null &&
      'value' in body &&
      !hasRole(c.get('principal'), 'administrator')
    ) {
      throw new ForbiddenError('writing a secret value needs the administrator role', 'value');
    }
  };

  const list = async (c: Context<AppEnv>, kind: ResourceKind, parentId?: number) => {
    const page = readPage(c);
    const { items, total, next_cursor } = await store.list(kind, page, parentId);
    return c.json({ items: items.map((row) => present(c, kind, row)), total, limit: page.limit, next_cursor });
  };
  const create = async (c: Context<AppEnv>, kind: ResourceKind, parentId: number | null) => {
    requireRole(c, kind === 'project' ? 'administrator' : 'developer', `creating a ${resources[kind].label}`);
    const body = await readJson(c);
    guardSecretValue(c, kind, body);
    return c.json(present(c, kind, await store.create(kind, parentId, body)), 201);
  };
  const read = async (c: Context<AppEnv>, kind: ResourceKind) => c.json(present(c, kind, await store.get(kind, readId(c))));
  const update = async (c: Context<AppEnv>, kind: ResourceKind) => {
    requireRole(c, 'developer', `changing a ${resources[kind].label}`);
    const body = await readJson(c);
    guardSecretValue(c, kind, body);
    return c.json(present(c, kind, await store.update(kind, readId(c), body)));
  };
  const remove = async (c: Context<AppEnv>, kind: ResourceKind) => {
    // A project takes its secrets with it: deleting one is, like creating one, an administrator action.
    requireRole(c, kind === 'project' ? 'administrator' : 'developer', `deleting a ${resources[kind].label}`);
    await store.remove(kind, readId(c));
    return c.body(null, 204);
  };

  app.get('/projects', async (c) => {
    const filterKeys = ['active', 'search'];
    const query = c.req.query();
    const page = readPage(c, filterKeys);
    const filter = parseProjectFilter(Object.fromEntries(Object.entries(query).filter(([key]) => filterKeys.includes(key))));
    const { items, total, next_cursor } = await listProjectSummaries(store.pool, filter, page);
    const failures = await countRecentFailures(
      store.pool,
      items.map((row) => row.id),
      new Date(Date.now() - RECENT_FAILURES_MS),
    );
    return c.json({
      items: items.map((row) => ({ ...present(c, 'project', row), recent_failure_count: failures.get(row.id) ?? 0 })),
      total,
      limit: page.limit,
      next_cursor,
    });
  });
  app.post('/projects', (c) => create(c, 'project', null));
  app.get('/projects/:id', (c) => read(c, 'project'));
  app.patch('/projects/:id', (c) => update(c, 'project'));
  app.delete('/projects/:id', (c) => remove(c, 'project'));
  app.post('/projects/:id/duplicate', async (c) => {
    requireRole(c, 'administrator', 'duplicating a project');
    const copyId = await duplicateProject(store.pool, deps.cipher, readId(c));
    return c.json(present(c, 'project', await store.get('project', copyId)), 201);
  });
  for (const [segment, kind] of Object.entries(projectChildren)) {
    app.get(`/projects/:id/${segment}`, (c) => list(c, kind, readId(c)));
    app.post(`/projects/:id/${segment}`, (c) => create(c, kind, readId(c)));
    app.get(`/${segment}/:id`, (c) => read(c, kind));
    app.patch(`/${segment}/:id`, (c) => update(c, kind));
    app.delete(`/${segment}/:id`, (c) => remove(c, kind));
  }

  // All kinds at once, each trigger with its trigger_kind and task name (a project's triggers are few: not paged).
  app.get('/projects/:id/triggers', async (c) => {
    const items = (await store.projectTriggers(readId(c))).map(({ kind, row }) => ({ trigger_kind: kind, ...present(c, kind, row) }));
    return c.json({ items, total: items.length });
  });
  app.get('/tasks/:id/triggers/:kind', (c) => list(c, triggerKind(c.req.param('kind')), readId(c)));
  app.post('/tasks/:id/triggers/:kind', (c) => create(c, triggerKind(c.req.param('kind')), readId(c)));
  app.get('/triggers/:kind/:id', (c) => read(c, triggerKind(c.req.param('kind'))));
  app.patch('/triggers/:kind/:id', (c) => update(c, triggerKind(c.req.param('kind'))));
  app.delete('/triggers/:kind/:id', (c) => remove(c, triggerKind(c.req.param('kind'))));
  app.post('/triggers/webhook/:id/regenerate-path', async (c) => {
    requireRole(c, 'developer', 'regenerating a webhook path');
    return c.json(present(c, 'webhook', await store.regenerateWebhookPath(readId(c))));
  });
  return app;
}
