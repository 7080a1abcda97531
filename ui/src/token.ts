/**
 * The standalone page's token: taken from the URL fragment (`#token=…`, never a query string, so it
 * reaches no server log) and kept in sessionStorage only — never localStorage, which webhook
 * responses served from the same origin could read for as long as the browser keeps it.
 */
const KEY = 'sync-studio-token';

/** Reads `#token=…` from the address, removes it from the address bar and history, and stores it. */
export function takeTokenFromFragment(location: Location, history: History): string | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return undefined;
  history.replaceState(null, '', `${location.pathname}#/projects`);
  storeToken(token);
  return token;
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** The expiry (Unix seconds) of a panel token minted by Odoo; undefined for the administrator token. */
export function tokenExpiry(token: string): number | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp : undefined;
  } catch {
    return undefined;
  }
}
