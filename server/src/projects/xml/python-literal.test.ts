import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldFromRef, fieldRef, formatOdooDatetime, modelFromRef, modelRef, parseOdooDatetime, slugify } from './odoo-names.js';
import { looksLikePython } from './python-code.js';
import { PythonLiteralError, pythonStringLiteral, readPythonLiteral } from './python-literal.js';

describe('Python literals of eval attributes', () => {
  test('reads constants, numbers and strings in both quotes', () => {
    assert.equal(readPythonLiteral('True'), true);
    assert.equal(readPythonLiteral(' False '), false);
    assert.equal(readPythonLiteral('None'), null);
    assert.equal(readPythonLiteral('-42'), -42);
    assert.equal(readPythonLiteral('12.5'), 12.5);
    assert.equal(readPythonLiteral(`'it\\'s'`), "it's");
    assert.equal(readPythonLiteral(`"say \\"hi\\"\\n\\u00e9\\x41"`), 'say "hi"\né' + 'A');
    assert.equal(readPythonLiteral(`'C:\\d'`), 'C:\\d');
  });

  test('reads lists, tuples and the x2many command forms with ref()', () => {
    assert.deepEqual(readPythonLiteral('[]'), []);
    assert.deepEqual(readPythonLiteral('[1, (2,), (3), ("a", None),]'), [1, [2], 3, ['a', null]]);
    assert.deepEqual(readPythonLiteral("[(4, ref('sync.sync_project_context_math_demo'))]"), [
      [4, { ref: 'sync.sync_project_context_math_demo' }],
    ]);
    assert.deepEqual(readPythonLiteral(`[(6, 0, [ref('a'), ref("b")])]`), [[6, 0, [{ ref: 'a' }, { ref: 'b' }]]]);
  });

  test('refuses anything that would need evaluation', () => {
    for (const source of [
      "__import__('os')",
      'datetime.now()',
      '1 + 1',
      "ref('a', 'b')",
      '[1, 2',
      "'open",
      'True False',
      '',
      'obj.attr',
      '{1: 2}',
    ]) {
      assert.throws(() => readPythonLiteral(source), PythonLiteralError, source);
    }
  });

  test('writes string literals that read back unchanged', () => {
    for (const value of ['', 'plain', "it's", 'say "hi"', `both ' and "`, 'back\\slash', 'line\nbreak\ttab']) {
      assert.equal(readPythonLiteral(pythonStringLiteral(value)), value);
    }
    assert.equal(pythonStringLiteral('https://x.example'), "'https://x.example'");
  });
});

describe("Odoo's names", () => {
  test('slugify as the upstream exporter does', () => {
    assert.equal(slugify('SETUP_WEBHOOK'), 'setup-webhook');
    assert.equal(slugify('Viber Integration'), 'viber-integration');
    assert.equal(slugify('Über Sync!'), 'uber-sync');
    assert.equal(slugify('Sample: Hello Sync Studio'), 'sample-hello-sync-studio');
    assert.equal(slugify('日本'), '');
  });

  test('model and field refs', () => {
    assert.equal(modelRef('res.partner'), 'base.model_res_partner');
    assert.equal(modelFromRef('base.model_res_partner'), 'res.partner');
    assert.equal(modelFromRef('mail.model_mail_message'), 'mail.message');
    assert.equal(modelFromRef('base.res_partner'), undefined);
    assert.equal(fieldRef('crm.lead', 'date_deadline'), 'base.field_crm_lead__date_deadline');
    assert.deepEqual(fieldFromRef('base.field_res_partner__email'), { model: 'res.partner', field: 'email' });
    assert.deepEqual(fieldFromRef('account.field_res_partner__customer_rank'), { model: 'res.partner', field: 'customer_rank' });
    assert.equal(fieldFromRef('base.field_res_partner_email'), undefined);
  });

  test('datetimes as YYYY-MM-DD HH:MM:SS UTC', () => {
    assert.equal(formatOdooDatetime(new Date('2030-01-02T03:04:05.678Z')), '2030-01-02 03:04:05');
    assert.deepEqual(parseOdooDatetime('2030-01-02 03:04:05'), new Date('2030-01-02T03:04:05Z'));
    assert.deepEqual(parseOdooDatetime('2030-01-02'), new Date('2030-01-02T00:00:00Z'));
    assert.equal(parseOdooDatetime('2030-02-30 00:00:00'), undefined);
    assert.equal(parseOdooDatetime('tomorrow'), undefined);
  });
});

describe('Python task code detection', () => {
  test('upstream Python is recognised, JavaScript is not', () => {
    assert.equal(looksLikePython('def handle_button():\n    log("x")\n'), true);
    assert.equal(looksLikePython('from datetime import timedelta\nX = 1\n'), true);
    assert.equal(looksLikePython('REL = "crm_partner"\n'), false);
    assert.equal(looksLikePython('async function handle_button() {\n  log("def f():");\n}\n'), false);
    assert.equal(looksLikePython('function f() {}\ndef g():\n    pass\n'), false);
    assert.equal(looksLikePython(''), false);
  });
});
