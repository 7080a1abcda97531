/** What the shell provides to every view through @lit/context: the API client, the session and the router. */
import { createContext } from '@lit/context';
import type { ApiClient } from './client.js';
import type { Role, Session } from './types.js';
import type { Router } from '../router.js';

export const apiContext = createContext<ApiClient>(Symbol('sync-studio-api'));
export const sessionContext = createContext<Session>(Symbol('sync-studio-session'));
export const routerContext = createContext<Router>(Symbol('sync-studio-router'));

const order: readonly Role[] = ['user', 'developer', 'administrator'];

/** Whether the session's role includes `needed` (user ⊂ developer ⊂ administrator). */
export function can(session: Session | undefined, needed: Role): boolean {
  return session !== undefined && order.indexOf(session.role) >= order.indexOf(needed);
}
