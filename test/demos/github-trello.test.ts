/**
 * The GitHub ↔ Trello demo end to end (server/samples/demos/github-trello.xml) against stateful
 * GitHub and Trello stubs: webhook setup on both sides (Trello's HEAD check included), a new issue
 * becoming a card with its text and labels, comments becoming card comments, labels attached and
 * detached both ways, labels renamed and deleted both ways, forged deliveries refused with 401,
 * the manual push of all open issues through sub-jobs, the nightly label check under each
 * strategy, and API outages: a webhook answers 503 (the sender delivers again), a cron job retries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GithubStub } from '../stubs/github.js';
import { TrelloStub } from '../stubs/trello.js';
import { pollUntil } from '../helpers/poll.js';
import { logLines, startDemo, type DemoHarness } from './harness.js';

const GITHUB_TOKEN = 'ghp_demo_token_0123456789';
const TRELLO = { key: 'trello-api-key', token: 'trello-user-token-abcdef', secret: 'trello-app-secret' };
let github: GithubStub;
let trello: TrelloStub;
let h: DemoHarness;

before(async () => {
  github = await new GithubStub(GITHUB_TOKEN, 'acme/widgets').start();
  trello = await new TrelloStub(TRELLO.key, TRELLO.token, TRELLO.secret).start();
  h = await startDemo('github-trello.xml', {
    urls: { github: github.url, trello: trello.url },
    secrets: {
      GITHUB_TOKEN,
      GITHUB_REPO: 'acme/widgets',
      TRELLO_KEY: TRELLO.key,
      TRELLO_TOKEN: TRELLO.token,
      TRELLO_SECRET: TRELLO.secret,
      TRELLO_BOARD_ID: trello.board,
    },
  });
  trello.post = h.post;
});
after(async () => {
  await h.close();
  await github.stop();
  await trello.stop();
});

const post = (url: string, init: RequestInit) => h.post(url, init);
const cardOf = async (number: number) => {
  const { rows } = await h.s.db.pool.query(
    `select case when system1 = 'trello' then ref1 else ref2 end as card from sync_studio.link
      where relation = 'github_trello_issue' and (case when system1 = 'github' then ref1 else ref2 end) = $1`,
    [String(number)],
  );
  return rows[0] ? trello.card(rows[0].card) : undefined;
};
const labelLinks = async () =>
  (
    await h.s.db.pool.query(
      `select ref1 as github, ref2 as trello from sync_studio.link where relation = 'github_trello_label' order by id`,
    )
  ).rows;
const trelloNames = (ids: string[]) => ids.map((id) => trello.label(id).name).sort();
const githubNames = (number: number) =>
  github
    .issue(number)
    .labels.map((label) => label.name)
    .sort();
const body = async (response: Response) => ({ status: response.status, body: await response.text() });

/** Waits until no job of the demo is pending or running (sub-jobs of sub-jobs included). */
async function allSettled() {
  await pollUntil(
    'every job of the demo to settle',
    async () => {
      const { rows } = await h.s.db.pool.query(
        `select count(*)::int as open from sync_studio.job where project_id = $1 and state in ('pending', 'started')`,
        [h.projectId],
      );
      return rows[0].open === 0 ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

async function runCron(strategy: string) {
  const { rows: param } = await h.s.db.pool.query(
    `select id from sync_studio.project_param where project_id = $1 and key = 'LABELS_MERGE_STRATEGY'`,
    [h.projectId],
  );
  await h.s.store.update('param', param[0].id, { value: strategy });
  const { rows } = await h.s.db.pool.query(`select id from sync_studio.trigger_cron where trigger_name = 'CONFLICT_RESOLVING'`);
  const run = await h.s.call('developer', 'POST', `/api/triggers/cron/${rows[0].id}/run`, {});
  return h.s.settled(run.body.job_id, 60_000);
}

describe('GitHub ↔ Trello demo', () => {
  test('SETUP_GITHUB registers three signed repository hooks; SETUP_TRELLO two board webhooks (after their HEAD check)', async () => {
    const job = await h.press('SETUP_GITHUB');
    assert.equal(job.state, 'done', await logLines(h, job.id));
    const { rows } = await h.s.db.pool.query(`select trigger_name, path from sync_studio.trigger_webhook order by trigger_name`);
    const url = Object.fromEntries(rows.map((row) => [row.trigger_name, `http://sync.test/sync/webhook/${row.path}`]));
    assert.deepEqual(
      github.hooks.map((hook) => [hook.config.url, hook.events, hook.config.content_type]),
      [
        [url.GITHUB_ISSUE_UPDATES, ['issues'], 'json'],
        [url.GITHUB_ISSUE_COMMENT, ['issue_comment'], 'json'],
        [url.GITHUB_LABEL_UPDATES, ['label'], 'json'],
      ],
    );
    assert.ok(github.hooks.every((hook) => /^[0-9a-f]{40}$/.test(hook.config.secret)));
    const ping = await github.deliver(post, 'issues', { zen: 'Keep it logically awesome.', hook_id: 1 });
    assert.deepEqual(await body(ping), { status: 200, body: '"It Works!"' });

    const setup = await h.press('SETUP_TRELLO');
    assert.equal(setup.state, 'done', await logLines(h, setup.id));
    assert.deepEqual(
      trello.webhooks.map((hook) => [hook.callbackURL, hook.idModel]),
      [
        [url.TRELLO_CARD_UPDATES, trello.board],
        [url.TRELLO_LABEL_UPDATES, trello.board],
      ],
    );
    const logs = (await logLines(h, job.id)) + (await logLines(h, setup.id));
    for (const secret of [GITHUB_TOKEN, TRELLO.token, TRELLO.key]) assert.ok(!logs.includes(secret), 'no credential in the log');
  });

  test('a new issue becomes a card with its text as a comment and its labels as Trello labels, all linked', async () => {
    github.addRepoLabel('bug', 'd73a4a');
    const { response } = await github.openIssue(post, 'Crash on save', 'Steps: save twice', ['bug']);
    assert.equal(response.status, 200, await response.text());
    const card = (await cardOf(1))!;
    assert.ok(card, 'issue 1 is linked to a card');
    assert.equal(card.name, 'GITHUB:Crash on save');
    assert.equal(card.desc, 'https://github.com/acme/widgets/issues/1');
    assert.deepEqual(card.comments, ['A Message posted on GitHub:\nSteps: save twice']);
    assert.deepEqual(trelloNames(card.idLabels), ['bug']);
    assert.equal(trello.labelNamed('bug')!.color, 'red');
    assert.deepEqual(await labelLinks(), [{ github: String(github.labelNamed('bug')!.id), trello: trello.labelNamed('bug')!.id }]);
  });

  test('an issue opened with a label: the opened and labeled events GitHub sends at once make one card', async () => {
    github.addRepoLabel('p1', 'ff0000');
    const issue = github.addIssue('Two events', 'Body', ['p1']);
    const events = [
      { action: 'opened', issue: github.issueJson(issue) },
      { action: 'labeled', issue: github.issueJson(issue), label: github.labelNamed('p1') },
    ];
    const responses = await Promise.all(events.map((event) => github.deliver(post, 'issues', event)));
    const { rows: failed } = await h.s.db.pool.query(
      `select id from sync_studio.job where project_id = $1 and trigger_name = 'GITHUB_ISSUE_UPDATES' and state = 'failed'`,
      [h.projectId],
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200],
      (await Promise.all(failed.map((job) => logLines(h, job.id)))).join('\n'),
    );
    const card = (await cardOf(issue.number))!;
    assert.deepEqual(
      trello.cards.filter((c) => c.name === 'GITHUB:Two events').map((c) => c.id),
      [card.id],
    );
    assert.deepEqual(trelloNames(card.idLabels), ['p1']);
    assert.equal(trello.labels.filter((label) => label.name === 'p1').length, 1);
    assert.deepEqual(card.comments, ['A Message posted on GitHub:\nBody']);
  });

  test('comments on the issue become card comments', async () => {
    assert.equal((await github.comment(post, 1, 'Also on Linux')).status, 200);
    assert.deepEqual((await cardOf(1))!.comments.at(-1), 'A Message posted on GitHub:\nAlso on Linux');
  });

  test('Trello down while a GitHub event is handled: 503 handler_unavailable (RetryableJobError); the redelivery goes through', async () => {
    trello.outage(1);
    const failed = await github.comment(post, 1, 'During the outage');
    assert.equal(failed.status, 503);
    assert.equal(((await failed.json()) as any).error.code, 'handler_unavailable');
    const comment = 'A Message posted on GitHub:\nDuring the outage';
    assert.ok(!(await cardOf(1))!.comments.includes(comment));
    const { rows } = await h.s.db.pool.query(
      `select id from sync_studio.job where project_id = $1 and trigger_name = 'GITHUB_ISSUE_COMMENT' order by id desc limit 1`,
      [h.projectId],
    );
    assert.match(await logLines(h, rows[0].id), /RetryableJobError: trello API answered 502/);
    assert.equal((await github.redeliver(post)).status, 200);
    assert.equal((await cardOf(1))!.comments.filter((text) => text === comment).length, 1);
  });

  test('labels attached to and detached from the issue follow on the card', async () => {
    github.addRepoLabel('ui', '0000ff');
    assert.equal((await github.label(post, 1, 'ui')).status, 200);
    assert.deepEqual(trelloNames((await cardOf(1))!.idLabels), ['bug', 'ui']);
    assert.equal(trello.labelNamed('ui')!.color, 'blue');
    assert.equal((await github.unlabel(post, 1, 'ui')).status, 200);
    assert.deepEqual(trelloNames((await cardOf(1))!.idLabels), ['bug']);
  });

  test('labels attached to and detached from the card follow on the issue (created on GitHub when new)', async () => {
    const card = (await cardOf(1))!;
    const urgent = trello.addBoardLabel('urgent', 'orange');
    const attached = await trello.attachLabel(post, card.id, urgent.id);
    assert.deepEqual(
      attached.map((r) => r.status),
      [200, 200],
    );
    assert.deepEqual(githubNames(1), ['bug', 'urgent']);
    assert.equal(github.labelNamed('urgent')!.color, 'ff9f1a');
    await trello.detachLabel(post, card.id, urgent.id);
    assert.deepEqual(githubNames(1), ['bug']);
    const ui = trello.labelNamed('ui')!;
    await trello.attachLabel(post, card.id, ui.id);
    assert.deepEqual(githubNames(1), ['bug', 'ui'], 'a linked label is attached, not created again');
    assert.equal(github.labels.filter((label) => label.name === 'ui').length, 1);
  });

  test('a label renamed or recoloured on one side is renamed or recoloured on the other', async () => {
    assert.equal((await github.editLabel(post, 'bug', { name: 'defect' })).status, 200);
    assert.equal(trello.labelNamed('defect')?.id, (await labelLinks())[0].trello);
    const urgent = trello.labelNamed('urgent')!;
    await trello.editLabel(post, urgent.id, { name: 'asap', color: 'green' });
    assert.deepEqual(github.labelNamed('asap'), { id: github.labels.find((l) => l.name === 'asap')!.id, name: 'asap', color: '008000' });
    assert.equal(github.labelNamed('urgent'), undefined);
  });

  test('a label deleted on one side is deleted on the other, and unlinked', async () => {
    const defect = trello.labelNamed('defect')!;
    assert.equal((await github.deleteLabel(post, 'defect')).status, 200);
    assert.equal(trello.labelNamed('defect'), undefined);
    assert.ok(!(await cardOf(1))!.idLabels.includes(defect.id));
    const asap = trello.labelNamed('asap')!;
    await trello.deleteLabel(post, asap.id);
    assert.equal(github.labelNamed('asap'), undefined);
    const linked = (await labelLinks()).map((link) => link.trello);
    assert.ok(!linked.includes(defect.id) && !linked.includes(asap.id));
  });

  test('forged GitHub and Trello deliveries are refused with 401 and change nothing', async () => {
    const cards = trello.cards.length;
    const forged = await github.deliver(
      post,
      'issues',
      {
        action: 'opened',
        issue: { number: 99, title: 'Forged', body: 'x', labels: [], html_url: 'https://github.com/acme/widgets/issues/99' },
      },
      { forged: true },
    );
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as any).error.code, 'invalid_signature');
    assert.equal(trello.cards.length, cards);
    assert.equal(await cardOf(99), undefined);

    const card = (await cardOf(1))!;
    const ui = trello.labelNamed('ui')!;
    await trello.detachLabel(post, card.id, ui.id);
    assert.deepEqual(githubNames(1), [], 'the genuine detach went through');
    const refused = await trello.attachLabel(post, card.id, ui.id, { forged: true });
    assert.deepEqual(
      refused.map((r) => r.status),
      [401, 401],
    );
    assert.deepEqual(githubNames(1), [], 'the forged attach did not');
    const { rows } = await h.s.db.pool.query(
      `select j.id from sync_studio.job j where j.project_id = $1 and j.trigger_name = 'TRELLO_CARD_UPDATES' order by j.id desc limit 1`,
      [h.projectId],
    );
    assert.match(await logLines(h, rows[0].id), /WebhookSignatureError: refused: X-Trello-Webhook is missing or does not match/);
  });

  test('PUSH_ALL_ISSUES pushes the open issues without a card through sub-jobs of 10', async () => {
    github.addRepoLabel('docs', '00c2e0');
    const pushed = github.issues.length; // opened through the webhook already
    github.addIssue('Closed long ago').state = 'closed';
    const fresh = Array.from({ length: 23 }, (_, i) => github.addIssue(`Issue ${i}`, i % 2 ? `Text ${i}` : null, i % 5 ? [] : ['docs']));
    const parent = await h.press('PUSH_ALL_ISSUES');
    await allSettled();
    const { rows: jobs } = await h.s.db.pool.query(
      `select j.id, j.function, j.state, j.args, j.error from sync_studio.job j where j.project_id = $1 and j.id > $2 order by j.id`,
      [h.projectId, parent.id],
    );
    assert.ok(
      jobs.every((job) => job.state === 'done'),
      JSON.stringify(jobs.map((job) => [job.function, job.state, job.error])),
    );
    const chunks = jobs.filter((job) => job.function === 'process_github_issues');
    assert.deepEqual(
      chunks.map((job) => job.args[0].length),
      [10, 10, pushed + 23 - 20],
      'the open issues in chunks of 10',
    );
    assert.match(await logLines(h, chunks[0].id), /Issue is already pushed: 1/);
    const pages = jobs.filter((job) => job.function === 'fetch_github_issues');
    assert.deepEqual(
      pages.map((job) => job.args),
      [[1]],
    );
    assert.match(await logLines(h, pages[0].id), /No more issues. Page=1/);
    for (const [i, issue] of fresh.entries()) {
      const card = (await cardOf(issue.number))!;
      assert.equal(card.name, `GITHUB:Issue ${i}`);
      assert.equal(card.desc, `https://github.com/acme/widgets/issues/${issue.number}`);
      assert.deepEqual(card.comments, i % 2 ? [`A Message posted on GitHub:\nText ${i}`] : []);
      assert.deepEqual(trelloNames(card.idLabels), i % 5 ? [] : ['docs']);
    }
    assert.equal(await cardOf(pushed + 1), undefined, 'closed issues are not pushed');
    assert.equal(trello.cards.filter((card) => card.name === 'GITHUB:Crash on save').length, 1, 'issue 1 was not pushed again');
  });

  describe('the nightly check settles label differences by LABELS_MERGE_STRATEGY', () => {
    let card: string;

    before(async () => {
      github.addRepoLabel('alpha', 'ff0000');
      github.addRepoLabel('beta', '00ff00');
      await github.openIssue(post, 'Labels', null, ['alpha', 'beta']);
      card = (await cardOf(github.issues.length))!.id;
      assert.deepEqual(trelloNames(trello.card(card).idLabels), ['alpha', 'beta']);
    });
    /** The issue has alpha, the card beta; the cron runs; answers [issue labels, card labels]. */
    async function mismatchThenRun(strategy: string) {
      const issue = github.issues.at(-1)!;
      issue.labels = [github.labelNamed('alpha')!];
      trello.card(card).idLabels = [trello.labelNamed('beta')!.id];
      const job = await runCron(strategy);
      assert.equal(job.state, 'done', await logLines(h, job.id));
      assert.match(await logLines(h, job.id), new RegExp(`Found labels mismatch: issue=${issue.number}, card=${card} \\(${strategy}\\)`));
      return [githubNames(issue.number), trelloNames(trello.card(card).idLabels)];
    }

    test('USE_TRELLO: the issue gets the card labels', async () => {
      assert.deepEqual(await mismatchThenRun('USE_TRELLO'), [['beta'], ['beta']]);
    });
    test('USE_GITHUB: the card gets the issue labels', async () => {
      assert.deepEqual(await mismatchThenRun('USE_GITHUB'), [['alpha'], ['alpha']]);
    });
    test('UNION: each side gets the labels it misses', async () => {
      assert.deepEqual(await mismatchThenRun('UNION'), [
        ['alpha', 'beta'],
        ['alpha', 'beta'],
      ]);
    });
    test('INTERSECTION: labels missing on one side are removed from the other', async () => {
      assert.deepEqual(await mismatchThenRun('INTERSECTION'), [[], []]);
    });
    test('in step: nothing changes; an unknown strategy fails the job naming the allowed ones', async () => {
      const job = await runCron('UNION');
      assert.equal(job.state, 'done');
      assert.doesNotMatch(await logLines(h, job.id), /Found labels mismatch/);
      const bad = await runCron('BOTH');
      assert.equal(bad.state, 'failed');
      assert.match(
        await logLines(h, bad.id),
        /Unknown LABELS_MERGE_STRATEGY "BOTH": use one of USE_TRELLO, USE_GITHUB, UNION, INTERSECTION/,
      );
    });
    test('a GitHub or Trello outage ends in a retry (RetryableJobError), then the job is done', async () => {
      github.outage(1);
      const first = await runCron('UNION');
      assert.equal(first.state, 'done', await logLines(h, first.id));
      assert.equal(first.attempts, 2, 'the first attempt met the outage and was retried');
      assert.match(await logLines(h, first.id), /RetryableJobError: github API answered 502/);
      trello.outage(1);
      const second = await runCron('UNION');
      assert.equal(second.state, 'done', await logLines(h, second.id));
      assert.equal(second.attempts, 2);
      assert.match(await logLines(h, second.id), /RetryableJobError: trello API answered 502/);
    });
  });
});
