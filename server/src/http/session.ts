/**
 * `GET /api/session`: who the bearer token says the caller is, and which Odoo database this sidecar
 * serves. The addon's "Test connection" button calls it with a freshly minted token to tell a
 * secret mismatch (401) from a database mismatch (the two databases differ) from a working setup.
 */
import { apiRoutes, serve, type ApiRoutes } from '../api/index.js';
import { sessionApi } from '../contract/index.js';

export interface SessionRoutesDeps {
  /** ODOO_DB of this sidecar; undefined in standalone mode without Odoo. */
  odooDb?: string | undefined;
}

export function sessionRoutes(deps: SessionRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  serve(app, sessionApi.session, (c) => {
    const { uid, db, role } = c.get('principal');
    return c.json({ uid, db, role, odoo_db: deps.odooDb ?? null });
  });
  return app;
}
