/**
 * The Telegram demo end to end (server/samples/demos/telegram.xml) against a stateful Telegram
 * stub and the Odoo double: webhook setup with a secret token, /start creating the partner and
 * the welcome reply, messages noted on the partner, a forged update refused, a /telegram note sent
 * to the user and confirmed, and a Telegram outage ending in a retry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TelegramStub } from '../stubs/telegram.js';
import { jobsOfTrigger, logLines, startDemo, type DemoHarness } from './harness.js';

const TOKEN = '123456:demo-bot-token';
let telegram: TelegramStub;
let h: DemoHarness;

before(async () => {
  telegram = await new TelegramStub(TOKEN).start();
  h = await startDemo('telegram.xml', { urls: { telegram: telegram.url }, secrets: { TELEGRAM_BOT_TOKEN: TOKEN } });
});
after(async () => {
  await h.close();
  await telegram.stop();
});

const ada = { id: 4242, first_name: 'Ada', last_name: 'Lovelace' };
const partnersOf = (ref: string) => h.rpc.executeKw<any[]>('res.partner', 'search_read', [[['ref', '=', ref]]], { fields: ['id', 'name'] });
const notesOf = async (partnerId: number) =>
  (
    await h.rpc.executeKw<any[]>(
      'mail.message',
      'search_read',
      [
        [
          ['model', '=', 'res.partner'],
          ['res_id', '=', partnerId],
        ],
      ],
      {
        fields: ['body'],
        order: 'id',
      },
    )
  ).map((m) => m.body as string);

describe('Telegram demo', () => {
  test('SETUP_TELEGRAM registers the webhook with a secret token', async () => {
    const job = await h.press('SETUP_TELEGRAM');
    assert.equal(job.state, 'done');
    const { rows } = await h.s.db.pool.query(`select path from sync_studio.trigger_webhook where trigger_name = 'TELEGRAM'`);
    assert.equal(telegram.webhook?.url, `http://sync.test/sync/webhook/${rows[0].path}`);
    assert.match(telegram.webhook!.secret_token, /^[0-9a-f]{40}$/);
    assert.deepEqual(telegram.webhook!.allowed_updates, ['message', 'edited_message']);
    assert.ok(!(await logLines(h, job.id)).includes(TOKEN), 'the bot token is not in the log');
  });

  test('/start creates the partner <id>@telegram and replies with the welcome text', async () => {
    const response = await telegram.deliver(h.post, { text: '/start', from: ada });
    assert.equal(response.status, 200);
    const [partner, ...others] = await partnersOf('4242@telegram');
    assert.equal(others.length, 0);
    assert.equal(partner.name, 'Telegram:Ada Lovelace');
    assert.deepEqual(telegram.sent.at(-1), { chat_id: 4242, text: 'Hello! How can I help you?', via: 'webhook reply' });
    assert.match((await notesOf(partner.id)).at(-1)!, /^From Telegram:<br\/><br\/>\/start$/);
  });

  test('other messages and edits are noted on the same partner', async () => {
    await telegram.deliver(h.post, { text: 'I need <help>', from: ada });
    await telegram.deliver(h.post, { text: 'I need help, please', from: ada }, { edited: true });
    const partners = await partnersOf('4242@telegram');
    assert.equal(partners.length, 1);
    const notes = await notesOf(partners[0].id);
    assert.ok(notes.includes('From Telegram:<br/><br/>I need &lt;help>'));
    assert.ok(notes.includes('Contact has updated his message:<br/><br/>I need help, please'));
  });

  test('an update without the registered secret token is refused and changes nothing', async () => {
    const intruder = { id: 666, first_name: 'Mallory' };
    const response = await telegram.deliver(h.post, { text: '/start', from: intruder }, { secretToken: 'forged' });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as any).error.code, 'invalid_signature');
    assert.deepEqual(await partnersOf('666@telegram'), []);
    const [job] = (await jobsOfTrigger(h, 'webhook', 'TELEGRAM', 1)).slice(-1);
    assert.match(await logLines(h, job.id), /refused: the update does not carry the secret token registered with Telegram/);
  });

  test('a /telegram note on the partner is sent to the user and confirmed; an outage ends in a retry', async () => {
    const [partner] = await partnersOf('4242@telegram');
    await h.rpc.executeKw('mail.message', 'create', [
      {
        model: 'res.partner',
        res_id: partner.id,
        body: '<p>/telegram Your order <b>shipped</b><script>x()</script></p>',
        message_type: 'comment',
      },
    ]);
    const [first] = await jobsOfTrigger(h, 'db', 'ON_MESSAGE_POSTED', 1);
    assert.equal(first.state, 'done', await logLines(h, first.id));
    assert.deepEqual(telegram.sent.at(-1), { chat_id: '4242', text: 'Your order <b>shipped</b>', via: 'sendMessage' });
    assert.ok((await notesOf(partner.id)).includes('The message has been sent in Telegram:<br/><br/>Your order &lt;b>shipped&lt;/b>'));

    telegram.outage(1);
    await h.rpc.executeKw('mail.message', 'create', [
      { model: 'res.partner', res_id: partner.id, body: '<p>/telegram Still there?</p>', message_type: 'comment' },
    ]);
    const [, second] = await jobsOfTrigger(h, 'db', 'ON_MESSAGE_POSTED', 2);
    assert.equal(second.state, 'done');
    assert.equal(second.attempts, 2, 'the first attempt met the outage and was retried');
    assert.match(await logLines(h, second.id), /RetryableJobError: telegram API answered 502/);
    assert.deepEqual(telegram.sent.at(-1), { chat_id: '4242', text: 'Still there?', via: 'sendMessage' });
  });
});
