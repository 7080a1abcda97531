/**
 * Project files over HTTP: export a project as an Odoo XML data file (secret values never
 * included; author, years and licence of its header as options; for role user without storing the
 * xml ids it generates nor the header) and import one
 * (administrators only, since an import can create a project; `?module=` names the file's Odoo
 * module).
 */
import { apiRoutes, requireRole, serve, type ApiRoutes } from '../../api/index.js';
import { projectApi } from '../../contract/index.js';
import { hasRole } from '../../auth/index.js';
import { withTransaction, type Pool } from '../../db/index.js';
import type { SecretCipher } from '../../secrets/cipher.js';
import { InvalidInputError } from '../../shared/errors.js';
import { exportProject } from './export.js';
import { importProjectXml } from './import.js';

export interface ProjectFileRoutesDeps {
  pool: Pool;
  cipher: SecretCipher;
  /** The display name of an installed evaluation-context plugin (undefined when none has that name). */
  pluginDisplayName(name: string): string | undefined;
}

export function projectFileRoutes(deps: ProjectFileRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  serve(app, projectApi.exportFile, async (c, { params, query: header }) => {
    // ?author=&years=&license=: the file's header, remembered for later exports (see export-header.ts).
    const xml = await exportProject(deps.pool, params.id, {
      ...header,
      pluginDisplayName: (name) => deps.pluginDisplayName(name) ?? name,
      // Read-only callers change nothing: the xml ids a first export generates, and the header, are stored only for developers and up.
      readOnly: !hasRole(c.get('principal'), 'developer'),
    });
    return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
  });
  serve(app, projectApi.importFile, async (c, { query }) => {
    requireRole(c, 'administrator', 'importing a project file');
    const type = c.req.header('content-type') ?? '';
    if (!/^(application|text)\/xml\b/i.test(type))
      throw new InvalidInputError('send the project file with Content-Type: application/xml', 'content-type');
    const xml = await c.req.text();
    // ?module=sync: the Odoo module the file's bare xml ids belong to (default: inferred from its qualified ids).
    const module = query.module || undefined;
    const report = await withTransaction(deps.pool, (client) =>
      importProjectXml(client, xml, { cipher: deps.cipher, module, knownPlugins: (name) => deps.pluginDisplayName(name) !== undefined }),
    );
    return c.json(report, report.project?.created ? 201 : 200);
  });
  return app;
}
