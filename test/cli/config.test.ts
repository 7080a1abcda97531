/** Bad configuration stops the process with one line naming the setting, exit code 2. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { runCli } from '../helpers/cli.js';

const secret = 'x'.repeat(40);

const badLines: [string, Record<string, string>, string[], RegExp][] = [
  ['a port that is not a number', { PORT: 'eighty' }, ['migrate'], /PORT: expected a TCP port number/],
  ['a flag that is not a number', {}, ['serve', '--port', '-3'], /--port: expected a TCP port number/],
  [
    'a database URL that is not PostgreSQL',
    { DATABASE_URL: 'mysql://localhost/odoo' },
    ['migrate'],
    /DATABASE_URL: expected a postgres:\/\/ connection URL/,
  ],
  [
    'Odoo mode without the shared secret',
    { DATABASE_URL: 'postgres://127.0.0.1/none' },
    ['serve'],
    /SYNC_STUDIO_SECRET: required when DATABASE_URL is set/,
  ],
  [
    'a secret that is too short',
    { DATABASE_URL: 'postgres://127.0.0.1/none', SYNC_STUDIO_SECRET: 'short' },
    ['serve'],
    /SYNC_STUDIO_SECRET: expected at least 32 characters/,
  ],
  [
    'half of the Odoo settings',
    { ODOO_URL: 'http://odoo.local:8069' },
    ['serve'],
    /ODOO_DB: ODOO_URL, ODOO_DB, ODOO_USER and ODOO_PASSWORD go together/,
  ],
  [
    'an Odoo URL that is not http',
    { ODOO_URL: 'ftp://odoo', ODOO_DB: 'a', ODOO_USER: 'b', ODOO_PASSWORD: 'c' },
    ['serve'],
    /ODOO_URL: expected an http\(s\) URL/,
  ],
  ['a misspelt setting', { SYNC_STUDIO_JOB_TIMOUT: '5' }, ['serve'], /SYNC_STUDIO_JOB_TIMOUT: unknown setting/],
  ['a timeout of zero', { SYNC_STUDIO_JOB_TIMEOUT: '0' }, ['serve'], /SYNC_STUDIO_JOB_TIMEOUT: expected seconds/],
  [
    'retry delays that are not numbers',
    { SYNC_STUDIO_RETRY_DELAYS: '5m,15m' },
    ['serve'],
    /SYNC_STUDIO_RETRY_DELAYS: expected comma-separated seconds/,
  ],
  [
    'a model name that is not one',
    { SYNC_STUDIO_ENV_ALLOW_MODELS: 'ir.config_parameter, Passwords!' },
    ['serve'],
    /SYNC_STUDIO_ENV_ALLOW_MODELS: expected comma-separated Odoo model names/,
  ],
  ['a webhook rate of zero', { SYNC_STUDIO_WEBHOOK_RATE: '0' }, ['serve'], /SYNC_STUDIO_WEBHOOK_RATE: expected requests per second/],
  ['a metrics token that is too short', { SYNC_STUDIO_METRICS_TOKEN: 'abc' }, ['serve'], /SYNC_STUDIO_METRICS_TOKEN: expected at least 24/],
];

for (const [label, env, args, message] of badLines) {
  test(`bad config: ${label} → exit 2 with one line naming it`, async () => {
    const result = await runCli(args, env);
    assert.equal(result.code, 2, `exit code (stderr: ${result.stderr})`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`);
    assert.match(lines[0]!, message);
  });
}

test('a database that cannot be used (missing, or nobody listening) → exit 1 with one line naming DATABASE_URL and what PostgreSQL said, never the password', async () => {
  const cases: [string, string[], RegExp][] = [
    [
      'postgres://postgres:hunter2-secret@127.0.0.1:5432/sync_studio_no_such_db',
      ['migrate'],
      /database "sync_studio_no_such_db" does not exist/,
    ],
    ['postgres://postgres:hunter2-secret@127.0.0.1:5432/sync_studio_no_such_db', ['uninstall-capture'], /does not exist/],
    ['postgres://postgres:hunter2-secret@127.0.0.1:1/odoo', ['migrate'], /ECONNREFUSED/],
  ];
  for (const [url, args, said] of cases) {
    const result = await runCli(args, { DATABASE_URL: url, SYNC_STUDIO_SECRET: secret });
    assert.equal(result.code, 1, `${args[0]}: exit code (stderr: ${result.stderr})`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`);
    assert.match(lines[0]!, /^sync-studio: cannot use the PostgreSQL database of DATABASE_URL: /);
    assert.match(lines[0]!, said);
    assert.doesNotMatch(result.stderr, /hunter2/);
  }
});

test('--version prints the version of the package', async () => {
  const result = await runCli(['--version'], {});
  assert.equal(result.code, 0, result.stderr);
  const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(result.stdout.trim(), version);
});

test('--help works on every command', async () => {
  for (const command of [[], ['serve'], ['migrate'], ['import'], ['export'], ['run'], ['rotate-secret']]) {
    const result = await runCli([...command, '--help'], { SYNC_STUDIO_SECRET: secret });
    assert.equal(result.code, 0, `${command.join(' ')} --help: ${result.stderr}`);
    assert.match(result.stdout, /Usage: sync-studio/);
  }
  const serveHelp = await runCli(['serve', '--help'], {});
  assert.match(serveHelp.stdout, /--database-url <value>.*DATABASE_URL/);
  assert.match(serveHelp.stdout, /SYNC_STUDIO_JOB_TIMEOUT/);
});

test("each command's --help lists only the options it uses", async () => {
  const options = async (command: string) =>
    [...(await runCli([command, '--help'], {})).stdout.matchAll(/^\s+(--[a-z-]+)/gm)].map((match) => match[1]).sort();
  const store = ['--data-dir', '--database-url', '--log-level', '--secret'];
  assert.deepEqual(await options('import'), [...store, '--module'].sort());
  assert.deepEqual(await options('export'), [...store, '--author', '--license', '--years'].sort());
  assert.deepEqual(await options('migrate'), store);
  assert.deepEqual(await options('rotate-secret'), [...store, '--new-secret'].sort());
  assert.deepEqual(await options('uninstall-capture'), ['--database-url', '--log-level']);
  const run = await options('run');
  assert.ok(
    ['--force', '--odoo-url', '--job-timeout', '--egress-allow', '--plugin-urls'].every((o) => run.includes(o)),
    run.join(' '),
  );
  assert.ok(!run.includes('--port') && !run.includes('--webhook-rate') && !run.includes('--metrics-token'), run.join(' '));
  const serve = await options('serve');
  assert.ok(
    ['--port', '--webhook-rate', '--metrics-token', '--odoo-origin'].every((o) => serve.includes(o)),
    serve.join(' '),
  );
  const misplaced = await runCli(['import', '--port', '9000', 'project.xml'], {});
  assert.equal(misplaced.code, 2);
  assert.match(misplaced.stderr, /unknown option '--port'/);
});

test('an unknown command or a missing argument is a usage error (exit 2)', async () => {
  assert.equal((await runCli(['frobnicate'], {})).code, 2);
  assert.equal((await runCli(['import'], {})).code, 2);
});
