/**
 * Secret handles: task code never sees a secret's value. `secret('TRELLO_TOKEN')` gives it a
 * handle, a short text such as `~secret~TRELLO_TOKEN~3f9c0a1b2c4d~`, that it may place in an
 * `http` request's URL, headers, params or body. Here, just before the request leaves, each handle
 * is replaced by the secret's value, but only when the request goes to a URL that starts with the
 * secret's bound URL; for any other destination (or a secret without one) the request is refused
 * and nothing is sent. Redirects of such a request are followed only within the bound URLs.
 *
 * A handle carries a random tag drawn for its job: text that arrives from outside (a chat message
 * echoed back to the API it came from) cannot name a secret, and a handle kept past its job
 * expands nowhere.
 */
import { randomBytes } from 'node:crypto';
import { secretHandlePattern, type HttpRequest } from '../sandbox/index.js';
import { SyncStudioError } from '../shared/errors.js';

export interface SecretHandleTable {
  /** The job's tag, part of every handle it makes. */
  tag: string;
  /** key → value (null when unset) and bound URL (null: never expanded) */
  secrets: Readonly<Record<string, { value: string | null; boundUrl: string | null }>>;
}

export class SecretDestinationError extends SyncStudioError {
  constructor(message: string) {
    super('secret_destination_refused', `${message}; nothing was sent`, { status: 400 });
  }
}

/** A fresh tag for one job's handles. */
export function newHandleTag(): string {
  return randomBytes(9).toString('hex');
}

/** Does `url` lie under `prefix`: same origin, and a path that continues the prefix's at a boundary? */
export function urlIsUnder(url: URL, prefix: string): boolean {
  const bound = new URL(prefix);
  if (url.origin !== bound.origin) return false;
  const path = bound.pathname;
  if (!url.pathname.startsWith(path)) return false;
  return path.endsWith('/') || url.pathname.length === path.length || url.pathname[path.length] === '/';
}

/**
 * The request with every handle of this job replaced by its value, and the bound URLs the
 * request's redirects must stay under (empty when it carried no handle). Throws
 * SecretDestinationError when a handle may not go to `request.url`.
 */
export function expandSecretHandles(request: HttpRequest, table: SecretHandleTable): { request: HttpRequest; boundUrls: string[] } {
  const used = new Set<string>();
  const expand = (text: string, encode: (value: string) => string = (value) => value) =>
    text.replace(secretHandlePattern, (handle, key: string, tag: string) => {
      if (tag !== table.tag) return handle;
      const secret = table.secrets[key];
      if (!secret) throw new SecretDestinationError(`secret ${key} does not exist in this project`);
      if (secret.value === null) throw new SecretDestinationError(`secret ${key} has no value`);
      used.add(key);
      return encode(secret.value);
    });
  const url = expand(request.url, encodeURIComponent);
  const expanded: HttpRequest = { ...request, url };
  if (request.headers) expanded.headers = mapValues(request.headers, (value) => expand(value));
  if (request.params) expanded.params = deepExpand(request.params, expand) as Record<string, unknown>;
  if (request.data !== undefined) expanded.data = deepExpand(request.data, expand);
  if (used.size === 0) return { request, boundUrls: [] };
  const destination = new URL(url);
  const boundUrls: string[] = [];
  for (const key of used) {
    const { boundUrl } = table.secrets[key]!;
    if (boundUrl === null) {
      throw new SecretDestinationError(
        `secret ${key} has no bound URL, so its handle is never sent: an administrator sets the URL prefix it may go to`,
      );
    }
    if (!urlIsUnder(destination, boundUrl)) {
      throw new SecretDestinationError(
        `secret ${key} may only be sent to ${boundUrl}, not to ${destination.origin}${destination.pathname}`,
      );
    }
    boundUrls.push(boundUrl);
  }
  return { request: expanded, boundUrls };
}

/** Refuses a redirect of a request that carried secrets to a place outside their bound URLs. */
export function checkRedirect(boundUrls: readonly string[], target: URL): void {
  const outside = boundUrls.find((bound) => !urlIsUnder(target, bound));
  if (outside !== undefined) {
    throw new SecretDestinationError(
      `a request carrying secrets was redirected to ${target.origin}${target.pathname}, outside ${outside}; the redirect was not followed`,
    );
  }
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** Strings anywhere inside JSON-like data (bytes left alone). */
function deepExpand(data: unknown, expand: (text: string) => string): unknown {
  if (typeof data === 'string') return expand(data);
  if (Array.isArray(data)) return data.map((item) => deepExpand(item, expand));
  if (data !== null && typeof data === 'object' && !(data instanceof Uint8Array)) {
    return mapValues(data as Record<string, unknown>, (value) => deepExpand(value, expand));
  }
  return data;
}
