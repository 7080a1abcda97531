import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonDepthExceeds, parseWebhookRequest, type RawWebhookRequest } from './request.js';
import { replyFromResult } from './response.js';

const PUBLIC = 'https://sync.example';
const raw = (contentType: string | undefined, body: string | Buffer, extra: Partial<RawWebhookRequest> = {}): RawWebhookRequest => ({
  method: 'POST',
  url: '/sync/webhook/abc?x=1&x=2&y=3',
  headers: contentType === undefined ? {} : { 'content-type': contentType },
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  remoteAddr: '10.0.0.1',
  ...extra,
});

describe('parseWebhookRequest', () => {
  test('a JSON body becomes json and body; query names that repeat become lists', async () => {
    const parsed = await parseWebhookRequest('json', raw('application/json; charset=UTF-8', '{"a":[1,2]}'), PUBLIC);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.request.json, { a: [1, 2] });
    assert.equal(parsed.request.body, '{"a":[1,2]}');
    assert.deepEqual(parsed.request.query, { x: ['1', '2'], y: '3' });
    assert.equal(parsed.request.url, 'https://sync.example/sync/webhook/abc?x=1&x=2&y=3');
    assert.equal(parsed.request.path, '/sync/webhook/abc');
    assert.equal(parsed.request.remote_addr, '10.0.0.1');
  });

  test('+json media types are JSON', async () => {
    const parsed = await parseWebhookRequest('json', raw('application/vnd.github+json', '1'), PUBLIC);
    assert.ok(parsed.ok);
    assert.equal(parsed.request.json, 1);
  });

  test('an empty body needs no content type', async () => {
    const parsed = await parseWebhookRequest('json', raw(undefined, '', { method: 'GET' }), PUBLIC);
    assert.ok(parsed.ok);
    assert.equal(parsed.request.json, null);
    assert.equal(parsed.request.body, '');
  });

  test('wrong content types are 415, for each kind', async () => {
    for (const [kind, type] of [
      ['json', 'application/x-www-form-urlencoded'],
      ['json', 'text/plain'],
      ['json', undefined],
      ['http', 'application/json'],
    ] as const) {
      const parsed = await parseWebhookRequest(kind, raw(type, 'a=1'), PUBLIC);
      assert.ok(!parsed.ok, `${kind} with ${type}`);
      assert.equal(parsed.rejection.status, 415);
    }
    const latin1 = await parseWebhookRequest('json', raw('application/json; charset=iso-8859-1', '{}'), PUBLIC);
    assert.ok(!latin1.ok);
    assert.equal(latin1.rejection.status, 415);
  });

  test('unparsable, invalid UTF-8 and too deeply nested bodies are 400', async () => {
    const cases: [RawWebhookRequest, string][] = [
      [raw('application/json', '{"a":'), 'invalid_json'],
      [raw('application/json', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 'invalid_utf8'],
      [raw('application/json', '['.repeat(100_000) + ']'.repeat(100_000)), 'json_too_deep'],
    ];
    for (const [request, code] of cases) {
      const parsed = await parseWebhookRequest('json', request, PUBLIC);
      assert.ok(!parsed.ok, code);
      assert.equal(parsed.rejection.status, 400);
      assert.equal(parsed.rejection.code, code);
    }
    const form = await parseWebhookRequest('http', raw('application/x-www-form-urlencoded', 'a=%FF%FE'), PUBLIC);
    assert.ok(!form.ok);
    assert.equal(form.rejection.code, 'invalid_utf8');
    const multipart = await parseWebhookRequest('http', raw('multipart/form-data; boundary=zzz', 'not multipart at all'), PUBLIC);
    assert.ok(!multipart.ok);
    assert.equal(multipart.rejection.code, 'invalid_multipart');
  });

  test('url-encoded forms keep the raw body and parse fields', async () => {
    const parsed = await parseWebhookRequest('http', raw('application/x-www-form-urlencoded', 'name=J%C3%BCrgen&tag=a&tag=b'), PUBLIC);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.request.form, { name: 'Jürgen', tag: ['a', 'b'] });
    assert.equal(parsed.request.body, 'name=J%C3%BCrgen&tag=a&tag=b');
  });

  test('multipart bodies give fields and files (base64), body null', async () => {
    const form = new FormData();
    form.append('title', 'report');
    form.append('upload', new Blob([Buffer.from([0, 1, 2, 255])], { type: 'application/pdf' }), 'r.pdf');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const parsed = await parseWebhookRequest('http', raw(request.headers.get('content-type')!, body), PUBLIC);
    assert.ok(parsed.ok);
    assert.equal(parsed.request.body, null);
    assert.deepEqual(parsed.request.form, { title: 'report' });
    assert.deepEqual(parsed.request.files, [
      { field: 'upload', filename: 'r.pdf', content_type: 'application/pdf', size: 4, base64: 'AAEC/w==' },
    ]);
  });

  test('brackets inside strings do not count as nesting', () => {
    assert.equal(jsonDepthExceeds(`{"a":"${'['.repeat(1000)}\\"["}`, 3), false);
    assert.equal(jsonDepthExceeds('[[[[1]]]]', 3), true);
    assert.equal(jsonDepthExceeds('[[[1]]]', 3), false);
  });
});

describe('replyFromResult', () => {
  test('JSON webhooks send any value as JSON with status 200', () => {
    for (const value of [{ a: 1 }, [1, 500], 'text', 0, false]) {
      const result = replyFromResult('json', value);
      assert.ok(result.ok);
      assert.equal(result.reply.status, 200);
      assert.equal(result.reply.body, JSON.stringify(value));
      assert.match(result.reply.headers.find(([n]) => n === 'content-type')![1], /application\/json/);
    }
  });

  test('nothing returned is 200 OK for both kinds', () => {
    for (const kind of ['json', 'http'] as const) {
      const result = replyFromResult(kind, null);
      assert.ok(result.ok);
      assert.deepEqual([result.reply.status, result.reply.body], [200, 'OK']);
    }
  });

  test('http webhooks: body, [body, status], [body, status, headers] as object or pairs', () => {
    const plain = replyFromResult('http', 'hello');
    assert.ok(plain.ok);
    assert.deepEqual(
      [plain.reply.status, plain.reply.body, plain.reply.headers],
      [200, 'hello', [['content-type', 'text/plain; charset=utf-8']]],
    );
    const created = replyFromResult('http', ['made', 201]);
    assert.ok(created.ok);
    assert.deepEqual([created.reply.status, created.reply.body], [201, 'made']);
    const withObject = replyFromResult('http', ['<b>x</b>', 202, { 'Content-Type': 'text/html', 'X-Id': 7 }]);
    assert.ok(withObject.ok);
    assert.deepEqual(withObject.reply.headers, [
      ['content-type', 'text/html'],
      ['x-id', '7'],
    ]);
    const withPairs = replyFromResult('http', [{ ok: true }, 400, [['X-A', '1']]]);
    assert.ok(withPairs.ok);
    assert.equal(withPairs.reply.body, '{"ok":true}');
    assert.deepEqual(withPairs.reply.headers, [
      ['x-a', '1'],
      ['content-type', 'application/json; charset=utf-8'],
    ]);
    const empty = replyFromResult('http', ['ignored', 204]);
    assert.ok(empty.ok);
    assert.equal(empty.reply.body, null);
  });

  test('dangerous or malformed headers are dropped and named', () => {
    const result = replyFromResult('http', [
      'x',
      200,
      [
        ['Set-Cookie', 'session=1'],
        ['Transfer-Encoding', 'chunked'],
        ['Content-Length', '1'],
        ['X-Evil', 'a\r\nSet-Cookie: b'],
        ['Bad Name', 'v'],
        ['X-Fine', 'ok'],
      ],
    ]);
    assert.ok(result.ok);
    assert.deepEqual(result.dropped, ['Set-Cookie', 'Transfer-Encoding', 'Content-Length', 'X-Evil', 'Bad Name']);
    assert.deepEqual(result.reply.headers[0], ['x-fine', 'ok']);
  });

  test('a status out of range or headers of the wrong shape are refused', () => {
    assert.equal(replyFromResult('http', ['x', 99]).ok, false);
    assert.equal(replyFromResult('http', ['x', 600]).ok, false);
    assert.equal(replyFromResult('http', ['x', 200, 'X-A: 1']).ok, false);
    assert.equal(replyFromResult('http', ['x', 200, [['only-name']]]).ok, false);
  });
});
