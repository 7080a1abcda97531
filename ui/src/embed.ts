/**
 * The entry addon-bridge imports inside Odoo (`/ui/embed.js`, a stable file name):
 *
 *   const { mountSyncStudio } = await import(`${sidecarUrl}/ui/embed.js`);
 *   const handle = mountSyncStudio(hostElement, { apiBase: `${sidecarUrl}/api`, getToken, view: 'projects' });
 *   handle.unmount();
 *
 * `getToken` resolves the current panel token (renewed by the host before it expires); it is called
 * before every request and once more after a 401. The panel then routes in memory (Odoo owns the
 * URL) and leaves the top menu to Odoo.
 */
import type { TokenProvider } from './api/client.js';
import './elements/sync-studio-panel.js';

export interface MountOptions {
  apiBase: string;
  getToken: TokenProvider;
  view?: 'projects' | 'jobs' | 'logs';
  /** Odoo's language of the user (reserved: the panel speaks English today). */
  lang?: string;
  /** Default true: Odoo shows its own menu above the panel. */
  embedded?: boolean;
}

export function mountSyncStudio(host: HTMLElement, options: MountOptions): { unmount(): void } {
  const panel = document.createElement('sync-studio-panel');
  panel.apiBase = options.apiBase;
  panel.getToken = options.getToken;
  panel.embedded = options.embedded ?? true;
  panel.view = options.view ?? 'projects';
  host.append(panel);
  return { unmount: () => panel.remove() };
}
