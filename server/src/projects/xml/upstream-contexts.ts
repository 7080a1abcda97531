/**
 * Upstream's evaluation contexts and our plugins: the context records of upstream's demo data
 * (module sync), which its project files refer to without holding them, and the plugins of ours
 * that stand in for upstream's differently named contexts. Other names (trello, github, math) are
 * taken as plugin names as they are; one that is not installed is reported by the import.
 */

/** Upstream context name → the plugin of ours that offers the same. */
const pluginOfUpstreamContext: Record<string, string> = {
  telegram_demo: 'telegram',
  odoo2odoo_demo: 'odoo',
};

/** Upstream's context records (sync/data/sync_project_context_demo.xml): xml id → context name. */
const upstreamContextRecords: Record<string, string> = {
  'sync.sync_project_context_odoo2odoo_demo': 'odoo2odoo_demo',
  'sync.sync_project_context_telegram_demo': 'telegram_demo',
  'sync.sync_project_context_trello_demo': 'trello',
  'sync.sync_project_context_github_demo': 'github',
  'sync.sync_project_context_math_demo': 'math',
};

/** The plugin name for a context name: ours for upstream's renamed ones, the name itself otherwise. */
export function pluginForContext(name: string): string {
  return Object.hasOwn(pluginOfUpstreamContext, name) ? pluginOfUpstreamContext[name]! : name;
}

/** The context name of one of upstream's context records, by its qualified xml id. */
export function upstreamContextName(xmlId: string): string | undefined {
  return Object.hasOwn(upstreamContextRecords, xmlId) ? upstreamContextRecords[xmlId] : undefined;
}
