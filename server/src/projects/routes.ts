/**
 * The project API: the same five routes (list, create, read, update, delete) for every resource
 * kind of the registry, plus duplicate, a project's triggers of every kind, and webhook-path
 * regeneration. Roles: users read; developers
 * edit everything but cannot create, duplicate or delete projects, nor read or write secret values;
 * administrators do everything.
 */
import type { Context } from 'hono';
import { hasRole } from '../auth/index.js';
import { apiRoutes, readJson, requireRole, serve, type ApiRoutes, type AppEnv } from '../api/index.js';
import { projectApi, projectChildApi, triggerResourceApi, type TriggerKind } from '../contract/index.js';
import { duplicateProject } from './duplicate.js';
import { presentRow, type PresentOptions } from './present.js';
import { resources, type ResourceKind } from './resources.js';
import type { ProjectStore, Row } from './store.js';
import { listProjectSummaries } from './summary.js';
import { countRecentFailures } from '../history/index.js';
import { ForbiddenError } from '../shared/errors.js';
import type { PageRequest } from '../shared/paging.js';

export interface ProjectRoutesDeps extends PresentOptions {
  store: ProjectStore;
}

/** The projects list counts the failed jobs of the last 24 hours. */
const RECENT_FAILURES_MS = 24 * 3600 * 1000;

const projectChildren: Record<keyof typeof projectChildApi, ResourceKind> = {
  params: 'param',
  texts: 'text',
  secrets: 'secret',
  tasks: 'task',
};

/** The store checks bodies against the contract's schema of the kind, naming the resource in its messages. */
const checkedByStore = { bodyCheckedBy: 'the project store' };

export function projectRoutes(deps: ProjectRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  const { store } = deps;
  const present = (c: Context<AppEnv>, kind: ResourceKind, row: Row) => presentRow(kind, row, c.get('principal'), deps);

  /**
   * Writing a secret's value, or the URL its handles may be sent to, is for administrators only,
   * whatever the route: a developer who could re-bind a secret could send it to a server of theirs.
   */
  const guardSecretValue = (c: Context<AppEnv>, kind: ResourceKind, body: unknown) => {
    if (kind !== 'secret' || typeof body !== 'object' || body === null || hasRole(c.get('principal'), 'administrator')) return;
    if ('value' in body) throw new ForbiddenError('writing a secret value needs the administrator role', 'value');
    if ('bound_url' in body) throw new ForbiddenError('setting the URL a secret may be sent to needs the administrator role', 'bound_url');
  };

  const list = async (c: Context<AppEnv>, kind: ResourceKind, page: PageRequest, parentId?: number) => {
    const { items, total, next_cursor } = await store.list(kind, page, parentId);
    return c.json({ items: items.map((row) => present(c, kind, row)), total, limit: page.limit, next_cursor });
  };
  const create = async (c: Context<AppEnv>, kind: ResourceKind, parentId: number | null) => {
    requireRole(c, kind === 'project' ? 'administrator' : 'developer', `creating a ${resources[kind].label}`);
    const body = await readJson(c);
    guardSecretValue(c, kind, body);
    return c.json(present(c, kind, await store.create(kind, parentId, body)), 201);
  };
  const read = async (c: Context<AppEnv>, kind: ResourceKind, id: number) => c.json(present(c, kind, await store.get(kind, id)));
  const update = async (c: Context<AppEnv>, kind: ResourceKind, id: number) => {
    requireRole(c, 'developer', `changing a ${resources[kind].label}`);
    const body = await readJson(c);
    guardSecretValue(c, kind, body);
    return c.json(present(c, kind, await store.update(kind, id, body)));
  };
  const remove = async (c: Context<AppEnv>, kind: ResourceKind, id: number) => {
    // A project takes its secrets with it: deleting one is, like creating one, an administrator action.
    requireRole(c, kind === 'project' ? 'administrator' : 'developer', `deleting a ${resources[kind].label}`);
    await store.remove(kind, id);
    return c.body(null, 204);
  };

  serve(app, projectApi.list, async (c, { query: { active, search, ...page } }) => {
    const { items, total, next_cursor } = await listProjectSummaries(store.pool, { active, search }, page);
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
  serve(app, projectApi.create, (c) => create(c, 'project', null), checkedByStore);
  serve(app, projectApi.read, (c, { params }) => read(c, 'project', params.id));
  serve(app, projectApi.update, (c, { params }) => update(c, 'project', params.id), checkedByStore);
  serve(app, projectApi.remove, (c, { params }) => remove(c, 'project', params.id));
  serve(app, projectApi.duplicate, async (c, { params }) => {
    requireRole(c, 'administrator', 'duplicating a project');
    const copyId = await duplicateProject(store.pool, deps.cipher, params.id);
    return c.json(present(c, 'project', await store.get('project', copyId)), 201);
  });
  for (const [segment, kind] of Object.entries(projectChildren) as [keyof typeof projectChildApi, ResourceKind][]) {
    const routes = projectChildApi[segment];
    serve(app, routes.list, (c, { params, query }) => list(c, kind, query, params.id));
    serve(app, routes.create, (c, { params }) => create(c, kind, params.id), checkedByStore);
    serve(app, routes.read, (c, { params }) => read(c, kind, params.id));
    serve(app, routes.update, (c, { params }) => update(c, kind, params.id), checkedByStore);
    serve(app, routes.remove, (c, { params }) => remove(c, kind, params.id));
  }

  // All kinds at once, each trigger with its trigger_kind and task name (a project's triggers are few: not paged).
  serve(app, projectApi.triggers, async (c, { params }) => {
    const items = (await store.projectTriggers(params.id)).map(({ kind, row }) => ({ trigger_kind: kind, ...present(c, kind, row) }));
    return c.json({ items, total: items.length });
  });
  const triggers = triggerResourceApi;
  const kindOf = (kind: TriggerKind): ResourceKind => kind;
  serve(app, triggers.list, (c, { params, query }) => list(c, kindOf(params.kind), query, params.id));
  serve(app, triggers.create, (c, { params }) => create(c, kindOf(params.kind), params.id), checkedByStore);
  serve(app, triggers.read, (c, { params }) => read(c, kindOf(params.kind), params.id));
  serve(app, triggers.update, (c, { params }) => update(c, kindOf(params.kind), params.id), checkedByStore);
  serve(app, triggers.remove, (c, { params }) => remove(c, kindOf(params.kind), params.id));
  serve(app, projectApi.regenerateWebhookPath, async (c, { params }) => {
    requireRole(c, 'developer', 'regenerating a webhook path');
    return c.json(present(c, 'webhook', await store.regenerateWebhookPath(params.id)));
  });
  return app;
}
