// Readiness that means ready: one auth.test at start (which also gives Bolt the bot ids), and /readyz
// false, with a reason, while Slack is unreachable or refuses the token, or the outbox falls behind.
// The real HTTP server and Bolt receiver against the local Slack, whose call log and faults drive the tests.
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { alertmanagerPayload } from '../support/payloads';
import { adjustableClock, BOT_TOKEN, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

let h: Harness | null = null;
let slack: FakeSlack;

beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
});
afterEach(async () => {
  await h?.stop();
  h = null;
  await slack.stop();
});

interface ReadyAnswer {
  status: number;
  body: { status: string; checks: { store: string; slack: string; outbox: string } };
  text: string;
}

async function readyz(): Promise<ReadyAnswer> {
  const response = await fetch(`${h!.firebreak.url}/readyz`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as ReadyAnswer['body'], text };
}

const readyzWhen = (what: string, test: (answer: ReadyAnswer) => boolean) =>
  eventually(async () => {
    const answer = await readyz();
    return test(answer) && answer;
  }, what);

it('calls auth.test once at start, not before every request Bolt handles', async () => {
  h = await startHarness({ slack });
  for (let i = 0; i < 5; i++) {
    const reply = await h.slack.slashCommand({
      command: '/incident',
      text: 'help',
      userId: 'U0ALICE',
      channelId: 'C0GENERAL',
    });
    expect(reply.status).toBe(200);
  }
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(
    () => slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  await eventually(() => slack.messages(channel.id).some((m) => m.pinned), 'the card');
  expect(slack.calls('auth.test')).toHaveLength(1);
  expect(await readyz()).toMatchObject({
    status: 200,
    body: { status: 'ready', checks: { store: 'ok', slack: 'ok', outbox: 'ok' } },
  });
});

it('starts while Slack is down, not ready, and becomes ready when a probe gets through', async () => {
  slack.outage({ status: 503, forMs: 60_000 });
  h = await startHarness({ slack, slackProbeMs: 100 });
  const down = await readyz();
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ status: 'not ready', checks: { store: 'ok', outbox: 'ok' } });
  expect(down.body.checks.slack).toMatch(/^unreachable/);
  expect(down.body.checks.slack).toContain('503');

  slack.endOutages();
  await readyzWhen('/readyz to answer 200', (a) => a.status === 200);
  // Once known, Bolt has the ids: requests no longer ask auth.test.
  const probes = slack.calls('auth.test').length;
  await h.slack.slashCommand({ command: '/incident', text: 'help', userId: 'U0ALICE', channelId: 'C0GENERAL' });
  expect(slack.calls('auth.test')).toHaveLength(probes);
});

it('answers 503 while Slack answers 503 to every call, and 200 again once it recovers', async () => {
  h = await startHarness({ slack, slackProbeMs: 100 });
  expect((await readyz()).status).toBe(200);
  slack.outage({ status: 503, forMs: 60_000 });
  await h.postAlert('alertmanager', alertmanagerPayload());
  const down = await readyzWhen('/readyz to see Slack down', (a) => a.status === 503);
  expect(down.body.checks.slack).toMatch(/^unreachable since \S+: Slack answered HTTP 503/);
  expect(down.body.checks.store).toBe('ok');

  slack.endOutages();
  await readyzWhen('/readyz to answer 200', (a) => a.status === 200);
  await eventually(() => slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the incident channel');
});

it.each(['invalid_auth', 'token_revoked', 'account_inactive'])(
  'answers 503 naming the refused token (%s), never the token itself, and recovers',
  async (error) => {
    h = await startHarness({ slack, slackProbeMs: 100 });
    expect((await readyz()).status).toBe(200);
    slack.fail('*', { error, times: 1000 });
    await h.postAlert('alertmanager', alertmanagerPayload());
    const refused = await readyzWhen('/readyz to see the token refused', (a) => a.status === 503);
    expect(refused.body.checks.slack).toContain(`Slack refused the bot token (${error})`);
    expect(refused.body.checks.slack).toContain('SLACK_BOT_TOKEN');
    expect(refused.text).not.toContain(BOT_TOKEN);

    slack.clearFailures();
    await readyzWhen('/readyz to answer 200', (a) => a.status === 200);
  },
);

it('answers 503 naming the outbox when a job is overdue by more than a minute', async () => {
  const clock = adjustableClock();
  h = await startHarness({ slack, clock });
  // A worker that no longer delivers: its jobs wait.
  await h.firebreak.outbox.stop();
  await h.firebreak.store.outbox.enqueue({ kind: 'test.waiting' }, clock.now());
  clock.advance(59_000);
  expect(await readyz()).toMatchObject({ status: 200, body: { checks: { outbox: 'ok' } } });
  clock.advance(15_000);
  const late = await readyz();
  expect(late.status).toBe(503);
  expect(late.body.checks.outbox).toMatch(/^a job has waited 7[45] s past its time/);
  expect(late.body.checks).toMatchObject({ store: 'ok', slack: 'ok' });
});
