/**
 * The Docker image's health check asks /readyz (the database answers and the job runner runs), not
 * /healthz (the process is up): run as the Dockerfile writes it against a started sidecar.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { packageRoot } from '../../server/src/shared/paths.js';
import { childEnv, startServe, stop } from '../helpers/cli.js';
import { createEmptyDatabase } from '../helpers/db.js';

const database = await createEmptyDatabase('ss_docker_health');
const serve = await startServe({
  DATABASE_URL: database.url,
  SYNC_STUDIO_SECRET: 'docker-health-test-secret-with-more-than-32-characters',
  SYNC_STUDIO_WORKERS: '1',
  PORT: '0',
});
after(async () => {
  await stop(serve.child);
  await database.drop();
});

test('the Dockerfile HEALTHCHECK asks /readyz and passes against a ready sidecar, fails without one', async () => {
  const dockerfile = await readFile(join(packageRoot, 'Dockerfile'), 'utf8');
  const command = /^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  assert.ok(command, 'a HEALTHCHECK with an exec-form CMD');
  const [program, ...args] = JSON.parse(command) as string[];
  assert.equal(program, 'node');
  assert.match(args.join(' '), /\/readyz/);
  const check = (port: string) => spawnSync(process.execPath, args, { env: childEnv({ PORT: port }), timeout: 10_000 }).status;
  assert.equal(check(new URL(serve.url).port), 0);
  assert.equal(check('1'), 1, 'nothing listens on port 1');
});
