/**
 * The listener's log while drains fail (Odoo away: the records cannot be loaded, the events wait in
 * the outbox): one warning when it starts, none per poll, one line when drains work again.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import pino from 'pino';
import { OdooConnectionError } from '../../server/src/odoo/index.js';
import { DbListener } from '../../server/src/triggers/db/listener.js';
import { createTestDatabase } from '../helpers/db.js';

const db = await createTestDatabase('ss_listener', 2);
after(() => db.drop());

test('while Odoo is away, a poll-only listener warns once, not at every poll, and says when draining works again', async () => {
  const lines: { level: number; msg: string; failedAttempts?: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let calls = 0;
  const failures = 25;
  const listener = new DbListener({
    pool: db.pool,
    connectionString: db.url,
    instanceId: 1,
    mode: 'poll-only',
    pollMs: 5,
    dispatch: async () => {
      calls++;
      if (calls <= failures)
        throw new OdooConnectionError('http://127.0.0.1:1', 'cannot reach Odoo at http://127.0.0.1:1', {
          code: 'ECONNREFUSED',
          message: 'connect ECONNREFUSED 127.0.0.1:1',
        });
      return 0;
    },
    logger: pino({ level: 'info' }, sink),
  });
  await listener.start();
  const deadline = Date.now() + 10_000;
  while (calls <= failures + 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await listener.stop();
  assert.ok(calls > failures + 2, `the listener kept polling (${calls} drains)`);
  const drainLines = lines.filter((l) => l.msg.startsWith('draining the DB event outbox'));
  assert.deepEqual(
    drainLines.map((l) => [l.level, l.msg]),
    [
      [40, 'draining the DB event outbox failed; retrying at every poll'],
      [30, 'draining the DB event outbox works again'],
    ],
  );
  assert.equal(drainLines[1]!.failedAttempts, failures);
});
