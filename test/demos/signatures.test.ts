/** Webhook signature checks of the GitHub, Trello and Telegram plugins: the real scheme passes, a forged signature fails. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { githubSignatureValid, telegramSecretTokenValid, trelloSignatureValid } from '../../server/src/plugins/signatures.js';

test("GitHub's X-Hub-Signature-256: GitHub's documented example passes, a forged one fails", () => {
  const body = 'Hello, World!';
  const secret = "It's a Secret to Everybody";
  const real = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
  assert.equal(githubSignatureValid({ headers: { 'x-hub-signature-256': real }, body }, secret), true);
  assert.equal(githubSignatureValid({ headers: { 'x-hub-signature-256': real }, body: `${body}!` }, secret), false);
  assert.equal(githubSignatureValid({ headers: { 'x-hub-signature-256': 'sha256=00' }, body }, secret), false);
  assert.equal(githubSignatureValid({ headers: {}, body }, secret), false);
});

test("Trello's X-Trello-Webhook: base64 HMAC-SHA1 of the body followed by the callback URL", () => {
  const body = '{"action":{"type":"addLabelToCard"}}';
  const callback = 'https://sync.example.com/sync/webhook/abc';
  const real = createHmac('sha1', 'app-secret')
    .update(body + callback)
    .digest('base64');
  assert.equal(trelloSignatureValid({ headers: { 'x-trello-webhook': real }, body }, 'app-secret', callback), true);
  assert.equal(trelloSignatureValid({ headers: { 'x-trello-webhook': real }, body }, 'app-secret', `${callback}x`), false);
  assert.equal(trelloSignatureValid({ headers: { 'x-trello-webhook': real }, body }, 'other-secret', callback), false);
});

test("Telegram's secret token header", () => {
  assert.equal(telegramSecretTokenValid({ headers: { 'x-telegram-bot-api-secret-token': 'abc' } }, 'abc'), true);
  assert.equal(telegramSecretTokenValid({ headers: { 'x-telegram-bot-api-secret-token': 'abd' } }, 'abc'), false);
  assert.equal(telegramSecretTokenValid({ headers: {} }, 'abc'), false);
});
