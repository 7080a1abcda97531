/** The evaluation-context plugins installed in this sidecar, for the panel's project form. */
import { apiRoutes, serve, type ApiRoutes } from '../api/index.js';
import { sessionApi } from '../contract/index.js';
import type { PluginRegistry } from './index.js';

export function pluginRoutes(plugins: PluginRegistry): ApiRoutes {
  const app = apiRoutes();
  serve(app, sessionApi.plugins, (c) =>
    c.json({
      items: plugins.list().map((p) => ({ name: p.name, display_name: p.displayName, description: p.description, exports: p.exportNames })),
    }),
  );
  return app;
}
