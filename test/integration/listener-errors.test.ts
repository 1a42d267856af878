// A listener that fails: the person who typed or clicked is told, in words, only to them, and Bolt's
// app.error sees the failure and logs it once, with which listener it was (the registrar used to swallow
// it, so app.error never heard of a failing Firebreak listener, and nothing counted the failures).
import pino from 'pino';
import { FirebreakError } from '../../src/errors';
import { boltRegistrar } from '../../src/slack/registrar';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
let lines: Array<Record<string, unknown>>;

beforeEach(async () => {
  lines = [];
  const logger = pino(
    { level: 'error' },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  h = await startHarness({ logger });
});

afterEach(async () => {
  await h.stop();
});

it('tells the person and hands the failure to app.error, which logs it once with the listener', async () => {
  const general = h.slack.channelByName('general');
  if (!general) throw new Error('the fake Slack has no #general');
  boltRegistrar(h.firebreak.slack.app).command('/boom', async ({ ack }) => {
    await ack();
    throw new FirebreakError('STORE_UNAVAILABLE', 'the database went away on purpose');
  });

  const answer = await h.slack.commandAnswer({ command: '/boom', text: '', userId: 'U0ALICE', channelId: general.id });

  expect(answer.response_type).toBe('ephemeral');
  expect(answer.text).toContain('Firebreak could not do that (STORE_UNAVAILABLE: the database went away on purpose)');
  const failures = await eventually(
    () => lines.filter((l) => l.msg === 'slack listener failed'),
    'app.error to log the failure',
  );
  expect(failures).toHaveLength(1);
  expect(failures[0]).toMatchObject({
    kind: 'command',
    id: '/boom',
    code: 'STORE_UNAVAILABLE',
    err: { message: 'the database went away on purpose' },
  });
  expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
  // app.error counts it, for an alert on failing commands and clicks.
  const metrics = await fetch(`${h.firebreak.url}/metrics`).then((r) => r.text());
  expect(metrics).toContain('firebreak_slack_listener_failures_total{kind="command",id="/boom"} 1');
});
