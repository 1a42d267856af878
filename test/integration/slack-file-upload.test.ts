// The Chat port's uploadFile over the real @slack/web-api client against the fake Slack: Slack's
// three-step upload (URL, bytes, complete) shares the file in the channel; failures come back coded.
import { WebClient } from '@slack/web-api';
import { createSlackChat, type SlackCallObserver } from '../../src/adapters/slack/slack-chat';
import { FirebreakError } from '../../src/errors';
import type { Chat } from '../../src/ports/chat';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { quietSlackLogger } from '../support/slack-logger';

const TOKEN = 'xoxb-file-upload-test';

const POSTMORTEM = [
  '# Postmortem — INC-12: checkout errors',
  '',
  '## Timeline',
  '',
  '| time | what happened |',
  '| --- | --- |',
  '| 09:14 | alert fired |',
  '| 09:31 | resolved |',
  '',
].join('\n');

let slack: FakeSlack;
let chat: Chat;
let observed: Array<[string, string]>;

beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: TOKEN });
  const client = new WebClient(TOKEN, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quietSlackLogger,
  });
  observed = [];
  const observer: SlackCallObserver = { called: (method, _seconds, outcome) => observed.push([method, outcome]) };
  chat = createSlackChat(client, { observer });
});
afterEach(async () => {
  await slack.stop();
});

async function chatError(call: Promise<unknown>): Promise<FirebreakError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(FirebreakError);
    return error as FirebreakError;
  }
  throw new Error('expected the upload to fail, but it succeeded');
}

it('shares the file in a channel the bot created: the content is stored and the comment is the message', async () => {
  const channel = await chat.createChannel('inc-12-checkout');
  const { fileId } = await chat.uploadFile(channel.id, {
    filename: 'INC-12-postmortem.md',
    title: 'Postmortem draft — INC-12: checkout errors',
    content: POSTMORTEM,
    comment: ':memo: Postmortem draft for INC-12 (resolved).',
  });

  expect(fileId).toMatch(/^F0[A-Z0-9]+$/);
  const [message] = slack.messages(channel.id);
  expect(slack.files(channel.id)).toEqual([
    {
      id: fileId,
      name: 'INC-12-postmortem.md',
      title: 'Postmortem draft — INC-12: checkout errors',
      content: POSTMORTEM,
      channel: channel.id,
      ts: message?.ts,
    },
  ]);
  expect(slack.messages(channel.id)).toEqual([
    expect.objectContaining({
      user: slack.auth().botUserId,
      text: ':memo: Postmortem draft for INC-12 (resolved).',
      files: [
        expect.objectContaining({
          id: fileId,
          name: 'INC-12-postmortem.md',
          mimetype: 'text/markdown',
          size: Buffer.byteLength(POSTMORTEM),
        }),
      ],
    }),
  ]);
  expect(observed).toEqual([
    ['conversations.create', 'ok'],
    ['files.uploadV2', 'ok'],
  ]);
});

it('without a comment the file is still shared, as a message with no text', async () => {
  const channel = await chat.createChannel('inc-13-quiet');
  const { fileId } = await chat.uploadFile(channel.id, {
    filename: 'INC-13-postmortem.md',
    title: 'INC-13',
    content: '# INC-13\n',
  });
  expect(slack.messages(channel.id)).toEqual([
    expect.objectContaining({ text: '', files: [expect.objectContaining({ id: fileId })] }),
  ]);
});

it('a channel the bot is not in: CHAT_NOT_IN_CHANNEL, naming the step; nothing is shared', async () => {
  const error = await chatError(
    chat.uploadFile('C0GENERAL', {
      filename: 'INC-14-postmortem.md',
      title: 'INC-14',
      content: '# INC-14\n',
      comment: 'x',
    }),
  );
  expect(error.code).toBe('CHAT_NOT_IN_CHANNEL');
  expect(error.details).toMatchObject({
    providerError: 'not_in_channel',
    step: expect.stringContaining('INC-14-postmortem.md'),
  });
  expect(error.retryable).toBe(false);
  expect(slack.messages('C0GENERAL')).toEqual([]);
  expect(slack.files()).toEqual([]);
});

it('an unknown channel: CHAT_REJECTED with channel_not_found', async () => {
  const error = await chatError(chat.uploadFile('C0NOPE', { filename: 'a.md', title: 'a', content: 'a' }));
  expect(error.code).toBe('CHAT_REJECTED');
  expect(error.details.providerError).toBe('channel_not_found');
});

it('429 on files.completeUploadExternal: CHAT_RATE_LIMITED with Retry-After; retrying later shares it once', async () => {
  const channel = await chat.createChannel('inc-15-busy');
  slack.fail('files.completeUploadExternal', { status: 429, retryAfterSeconds: 4 });
  const file = { filename: 'INC-15-postmortem.md', title: 'INC-15', content: '# INC-15\n', comment: 'draft' };

  const error = await chatError(chat.uploadFile(channel.id, file));
  expect(error.code).toBe('CHAT_RATE_LIMITED');
  expect(error.details.retryAfterSeconds).toBe(4);
  expect(error.retryable).toBe(true);
  expect(observed.at(-1)).toEqual(['files.uploadV2', 'rate_limited']);
  expect(slack.messages(channel.id)).toEqual([]);

  const { fileId } = await chat.uploadFile(channel.id, file);
  expect(slack.files(channel.id).map((f) => f.id)).toEqual([fileId]);
  expect(slack.messages(channel.id)).toHaveLength(1);
});
