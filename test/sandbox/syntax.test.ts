// The syntax check: problems with line and column for task and common code, without running it,
// including what SES refuses on sight.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxPool, type SandboxPool } from '../../server/src/sandbox/index.js';
import { makeRequest, RecordingPowers } from './helpers.js';

let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ workers: 1, memoryMb: 64 });
});
after(() => pool.close());

test('valid code has no problems, and checking it runs nothing', async () => {
  assert.deepEqual(
    await pool.checkSyntax(
      'async function handle_cron() {\n  const { a = 1, ...rest } = await http.get(url);\n  return a?.b ?? rest;\n}\nfor (;;) {}',
    ),
    [],
  );
});

test('a syntax error gives its line, its column (1-based) and the parser message', async () => {
  assert.deepEqual(await pool.checkSyntax('function handle_cron() {\n  return 1 +;\n}'), [
    { line: 2, column: 13, message: 'Unexpected token' },
  ]);
});

test('an error on the first line has its column counted from the code the user wrote', async () => {
  assert.deepEqual(await pool.checkSyntax('const x = ;'), [{ line: 1, column: 11, message: 'Unexpected token' }]);
});

test('strict mode applies, as in the sandbox', async () => {
  const [problem] = await pool.checkSyntax('function handle_cron() {\n  with (params) {}\n}');
  assert.deepEqual([problem?.line, problem?.column], [2, 3]);
  assert.match(problem?.message ?? '', /strict mode/);
});

test('what SES refuses: dynamic import, HTML-like comments (even i-->0), direct eval; each with its place', async () => {
  const problems = await pool.checkSyntax("const s = 'import(x)';\nwhile (i-->0) {}\nconst v = eval('1');\nconst w = (0, eval)('1');");
  assert.deepEqual(
    problems.map(({ line, column }) => [line, column]),
    [
      [1, 12],
      [2, 9],
      [3, 11],
    ],
  );
  assert.match(problems[0]?.message ?? '', /dynamic import\(\) is not available/);
  assert.match(problems[1]?.message ?? '', /looks like an HTML comment/);
  assert.match(problems[2]?.message ?? '', /direct eval/);
});

test('top-level return and await are refused, as task code is a script', async () => {
  assert.equal((await pool.checkSyntax('return 1')).length, 1);
  assert.equal((await pool.checkSyntax('await log(1)')).length, 1);
});

test('running code with a syntax error fails the job with the same places, for task and common code', async () => {
  const powers = new RecordingPowers();
  const task = await pool.run(makeRequest({ code: 'function handle_cron() {\n  return )\n}' }), powers);
  assert.ok(!task.ok);
  assert.equal(task.error.name, 'SyntaxError');
  assert.equal(task.error.message, 'task 1 line 2, column 10: Unexpected token');
  const common = await pool.run(makeRequest({ commonCode: 'const = 1', projectVersion: 99 }), powers);
  assert.ok(!common.ok);
  assert.equal(common.error.message, 'common code line 1, column 7: Unexpected token');
});

test('a large check is parsed off the main thread: the main thread keeps turning while it runs', async () => {
  const big = 'const a = [' + '1, '.repeat(300_000) + '];\n';
  let turned = false;
  const checked = pool.checkSyntax(big).then((problems) => ({ problems, turned }));
  setImmediate(() => (turned = true));
  const { problems, turned: turnedMeanwhile } = await checked;
  assert.deepEqual(problems, []);
  assert.equal(turnedMeanwhile, true, 'the event loop ran other work before the answer arrived');
});

test('a check over its time limit is stopped with a clear error; the next check works', async () => {
  const strict = createSandboxPool({ workers: 1, memoryMb: 64, syntax: { timeoutMs: 1 } });
  try {
    await assert.rejects(strict.checkSyntax('const a = [' + '1, '.repeat(300_000) + '];'), {
      code: 'syntax_check_timeout',
      message: 'the syntax check took longer than 0.001 s and was stopped',
    });
  } finally {
    await strict.close();
  }
  assert.deepEqual(await pool.checkSyntax('const ok = 1;'), []);
});
