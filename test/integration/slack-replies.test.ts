// Slack's answers as the Slack adapter reads them, over the real @slack/web-api client against a local server
// that answers `ok` but leaves out a field Slack documents: the Chat port refuses with a coded error naming the
// field, instead of carrying an empty channel id or message ts into the store. And Slack's refusals to let the
// bot read a thread or its direct messages, which make a retry post again (at least once) with a warning.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { createSlackChat } from '../../src/adapters/slack/slack-chat';
import { FirebreakError } from '../../src/errors';
import type { Chat } from '../../src/ports/chat';
import { quietSlackLogger } from '../support/slack-logger';

/** What the server answers, by method: Slack's `ok: true` with whatever else the test says. */
let answers: Record<string, Record<string, unknown>>;
let server: Server;
let chat: Chat;

beforeEach(async () => {
  answers = {};
  server = createServer((req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ...answers[method] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new WebClient('xoxb-replies-test', {
    slackApiUrl: `http://127.0.0.1:${port}/api/`,
    retryConfig: { retries: 0 },
    logger: quietSlackLogger,
  });
  chat = createSlackChat(client);
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function refusal(work: Promise<unknown>): Promise<FirebreakError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof FirebreakError)) throw new Error(`expected a FirebreakError, got ${String(error)}`);
  return error;
}

it('a created channel without its id is a coded error naming the field, not a channel with id ""', async () => {
  answers['conversations.create'] = { channel: { name: 'inc-20260101-web' } };
  const error = await refusal(chat.createChannel('inc-20260101-web'));
  expect(error.code).toBe('CHAT_UNAVAILABLE');
  expect(error.message).toContain("Slack's answer to conversations.create lacks a valid channel.id");
  expect(error.details).toMatchObject({ step: 'creating the incident channel', providerError: 'invalid_reply' });
});

it('a posted message without its ts is refused the same way, so the outbox retries the post', async () => {
  answers['chat.postMessage'] = { channel: 'C0INC' };
  const error = await refusal(chat.postMessage('C0INC', { kind: 'text', text: 'hello' }));
  expect(error.code).toBe('CHAT_UNAVAILABLE');
  expect(error.message).toContain('lacks a valid ts');
});

it('reads what is there: lists default to empty, optional fields stay optional', async () => {
  answers['conversations.create'] = { channel: { id: 'C0NEW', name: 'inc-20260101-web', is_private: false } };
  expect(await chat.createChannel('inc-20260101-web')).toEqual({ id: 'C0NEW', name: 'inc-20260101-web' });
  answers['usergroups.list'] = {};
  expect(await chat.userGroupMembers('oncall-web')).toBeNull();
  answers['conversations.history'] = {};
  expect(await chat.readMessage({ channelId: 'C0INC', messageId: '1.000' })).toBeNull();
});

it('a thread or direct messages Slack will not let the bot read are "not found", said once to the operator', async () => {
  const warnings: string[] = [];
  const client = new WebClient('xoxb-replies-test', {
    slackApiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    retryConfig: { retries: 0 },
    logger: quietSlackLogger,
  });
  const warned = createSlackChat(client, { warn: (_context, message) => void warnings.push(message) });
  answers['auth.test'] = { user_id: 'U0BOT', bot_id: 'B0BOT' };
  answers['conversations.open'] = { channel: { id: 'D0BOB' } };
  // Slack's documents say a bot token may not read a public channel's thread; were it so, post rather than stall.
  answers['conversations.replies'] = { ok: false, error: 'not_allowed_token_type' };
  answers['conversations.history'] = {
    ok: false,
    error: 'missing_scope',
    needed: 'im:history',
    provided: 'chat:write',
  };
  const marker = { kind: 'incident_update' as const, incidentId: 1, key: '9' };
  const since = new Date('2026-01-01T00:00:00Z');
  expect(await warned.findMarkedReply({ channelId: 'C0INC', messageId: '1.000' }, marker, since)).toBeNull();
  expect(await warned.findMarkedDirectMessage('U0BOB', marker, since)).toBeNull();
  expect(warnings).toEqual([
    expect.stringContaining('cannot look in the thread'),
    expect.stringContaining('the app needs im:history'),
  ]);
  // Any other refusal is not hidden: the job retries, or gives up, as for any failed call.
  answers['conversations.replies'] = { ok: false, error: 'channel_not_found' };
  expect((await refusal(warned.findMarkedReply({ channelId: 'C0X', messageId: '1.000' }, marker, since))).code).toBe(
    'CHAT_REJECTED',
  );
});
