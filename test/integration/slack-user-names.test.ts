// The Chat port's userName over the real @slack/web-api client against the fake Slack: users.info's full
// name, null for a member Slack does not know, one call per person, and failures coded and not remembered.
import { WebClient } from '@slack/web-api';
import { createSlackChat } from '../../src/adapters/slack/slack-chat';
import { isFirebreakError } from '../../src/errors';
import type { Chat } from '../../src/ports/chat';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { quietSlackLogger } from '../support/slack-logger';

const TOKEN = 'xoxb-user-names-test';

let slack: FakeSlack;
let chat: Chat;

beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: TOKEN });
  const client = new WebClient(TOKEN, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quietSlackLogger,
  });
  chat = createSlackChat(client);
});
afterEach(async () => {
  await slack.stop();
});

it('gives the full name Slack knows a member by, not their username', async () => {
  expect(await chat.userName('U0ALICE')).toBe('Alice Archer');
  expect(await chat.userName('U0BOB')).toBe('Bob Baker');
});

it('answers null for a member Slack does not know (user_not_found)', async () => {
  expect(await chat.userName('U0NOBODY')).toBeNull();
});

it('asks Slack once per person, however often and however concurrently it is asked', async () => {
  await Promise.all([chat.userName('U0ALICE'), chat.userName('U0ALICE')]);
  await chat.userName('U0ALICE');
  expect(slack.calls('users.info')).toHaveLength(1);
});

it('throws a coded error when Slack fails, and asks again the next time', async () => {
  slack.fail('users.info', { status: 500 });
  const failure = await chat.userName('U0ALICE').catch((error: unknown) => error);
  expect(isFirebreakError(failure, 'CHAT_UNAVAILABLE')).toBe(true);
  expect(await chat.userName('U0ALICE')).toBe('Alice Archer');
  expect(slack.calls('users.info')).toHaveLength(2);
});
