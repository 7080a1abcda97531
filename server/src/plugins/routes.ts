/** The evaluation-context plugins installed in this sidecar, for the panel's project form. */
import { Hono } from 'hono';
import type { AppEnv } from '../api/index.js';
import type { PluginRegistry } from './index.js';

export function pluginRoutes(plugins: PluginRegistry): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/plugins', (c) =>
    c.json({
      items: plugins.list().map((p) => ({ name: p.name, display_name: p.displayName, description: p.description, exports: p.exportNames })),
    }),
  );
  return app;
}
