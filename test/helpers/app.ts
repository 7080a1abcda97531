/**
 * An API under test: a fresh migrated database, the real store and hono app, and a token per
 * role. `call(role, method, path, body)` sends a request through `app.request` (no port).
 */
import { createTokenVerifier, mintToken, type Role } from '../../server/src/auth/index.js';
import { createApp, type AppDeps } from '../../server/src/http/app.js';
import { ProjectStore, projectRoutes } from '../../server/src/projects/index.js';
import { checkSecretKey, SecretCipher } from '../../server/src/secrets/index.js';
import { createLogger } from '../../server/src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestApp {
  db: TestDatabase;
  app: ReturnType<typeof createApp>;
  store: ProjectStore;
  cipher: SecretCipher;
  tokens: Record<Role, string>;
  call(role: Role | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function createTestApp(extra: Partial<AppDeps> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const cipher = new SecretCipher(TEST_SECRET);
  await checkSecretKey(db.pool, cipher);
  const store = new ProjectStore(db.pool, cipher);
  const app = createApp({
    logger: createLogger('silent'),
    verifier: createTokenVerifier({ secret: TEST_SECRET, adminToken: ADMIN_TOKEN }),
    ready: async () => true,
    checkResponses: true,
    ...extra,
    apiRoutes: [projectRoutes({ store, cipher, publicUrl: 'http://sync.test' }), ...(extra.apiRoutes ?? [])],
  });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const tokens = {
    user: mintToken(TEST_SECRET, { uid: 10, db: 'odoo', role: 'user', exp }),
    developer: mintToken(TEST_SECRET, { uid: 11, db: 'odoo', role: 'developer', exp }),
    administrator: mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'administrator', exp }),
  };
  return {
    db,
    app,
    store,
    cipher,
    tokens,
    async call(role, method, path, body) {
      const headers: Record<string, string> = {};
      if (role) headers.authorization = `Bearer ${tokens[role]}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const response = await app.request(path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    close: () => db.drop(),
  };
}
