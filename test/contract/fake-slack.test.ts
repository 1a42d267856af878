// The fake Slack against the real clients: @slack/web-api's WebClient calls it, and a server checking
// signatures with Bolt's own verifySlackRequest receives what it sends. If Slack's SDKs accept it, so will the app.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { ErrorCode, WebClient } from '@slack/web-api';
import { SLACK_TIER_DEFAULTS } from '../../src/config/policy';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { signSlackRequest } from '../../src/sandbox/slack-signature';
import { quietSlackLogger } from '../support/slack-logger';

const TOKEN = 'xoxb-contract-test';
const SECRET = 'contract-signing-secret-0123456789';

let slack: FakeSlack;
let client: WebClient;

function webClient(token: string | undefined, apiUrl: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quietSlackLogger,
  });
}

beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: TOKEN });
  client = webClient(TOKEN, slack.apiUrl);
});
afterEach(async () => {
  await slack.stop();
});

interface SdkError {
  code?: string;
  data?: { error?: string; errors?: unknown[] };
  retryAfter?: number;
  statusCode?: number;
}

/** The error the SDK threw (the test fails if the call succeeded). */
async function sdkError(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the Slack call to fail, but it succeeded');
}

async function platformError(call: Promise<unknown>): Promise<string | undefined> {
  const error = await sdkError(call);
  expect(error.code).toBe(ErrorCode.PlatformError);
  return error.data?.error;
}

describe('Web API basics', () => {
  it('auth.test names the bot, its team and workspace URL', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      user_id: 'U0FIREBRK',
      bot_id: 'B0FIREBRK',
      team_id: 'T0SANDBOX',
      url: expect.stringMatching(/^https:\/\/.+\/$/),
    });
    expect(slack.auth()).toEqual({ botUserId: 'U0FIREBRK', botId: 'B0FIREBRK', teamId: 'T0SANDBOX' });
  });

  it('apiUrl ends with a slash and points at this server', () => {
    expect(slack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('a wrong token is invalid_auth, no token is not_authed, and neither reaches the method', async () => {
    expect(
      await platformError(webClient('xoxb-wrong', slack.apiUrl).chat.postMessage({ channel: 'C0GENERAL', text: 'x' })),
    ).toBe('invalid_auth');
    expect(await platformError(webClient(undefined, slack.apiUrl).auth.test())).toBe('not_authed');
    expect(slack.calls('auth.test')).toEqual([expect.objectContaining({ ok: false, error: 'not_authed' })]);
    expect(slack.listChannels().every((c) => !c.isMember)).toBe(true);
  });

  it('an unknown method is unknown_method', async () => {
    expect(await platformError(client.apiCall('chat.teleport', { channel: 'C0GENERAL' }))).toBe('unknown_method');
  });

  it('missing required arguments are invalid_arguments', async () => {
    expect(await platformError(client.apiCall('users.info', {}))).toBe('invalid_arguments');
    expect(await platformError(client.apiCall('chat.update', { channel: 'C0GENERAL', text: 'x' }))).toBe(
      'invalid_arguments',
    );
  });

  it('accepts JSON bodies as well as the form encoding the SDK uses, and answers 200 with ok:false for errors', async () => {
    const response = await fetch(`${slack.apiUrl}conversations.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ name: 'json-made' }),
    });
    expect(response.status).toBe(200);
    const created = (await response.json()) as { ok: boolean; channel: { id: string } };
    expect(created.ok).toBe(true);
    const posted = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: created.channel.id, blocks: [{ type: 'divider' }] }),
    });
    expect(await posted.json()).toMatchObject({ ok: true });
    expect(slack.messages(created.channel.id)[0]?.blocks).toEqual([{ type: 'divider' }]);
    const broken = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{nope',
    });
    expect(broken.status).toBe(200);
    expect(await broken.json()).toEqual({ ok: false, error: 'invalid_json' });
  });
});

describe('conversations.create', () => {
  it('creates a channel the bot created and is a member of', async () => {
    const result = await client.conversations.create({ name: 'inc-20240101-checkout' });
    const channel = result.channel!;
    expect(channel).toMatchObject({
      name: 'inc-20240101-checkout',
      creator: 'U0FIREBRK',
      is_channel: true,
      is_member: true,
      is_private: false,
    });
    expect(channel.id).toMatch(/^C0[A-Z0-9]+$/);
    expect(typeof channel.created).toBe('number');
    expect(slack.members(channel.id!)).toEqual(['U0FIREBRK']);
    expect(slack.channelByName('#inc-20240101-checkout')).toMatchObject({
      id: channel.id,
      isMember: true,
      creator: 'U0FIREBRK',
    });
    expect(slack.channel(channel.id!)?.name).toBe('inc-20240101-checkout');
  });

  it('a name in use is name_taken, including the preset ones', async () => {
    await client.conversations.create({ name: 'war-room' });
    expect(await platformError(client.conversations.create({ name: 'war-room' }))).toBe('name_taken');
    expect(await platformError(client.conversations.create({ name: 'general' }))).toBe('name_taken');
    expect(slack.listChannels().filter((c) => c.name === 'war-room')).toHaveLength(1);
  });

  it.each([
    ['', 'invalid_name_required'],
    ['a'.repeat(81), 'invalid_name_maxlength'],
    ['Checkout', 'invalid_name_specials'],
    ['check out', 'invalid_name_specials'],
    ['v1.2', 'invalid_name_specials'],
    ['café', 'invalid_name_specials'],
    ['---', 'invalid_name_punctuation'],
  ])('refuses %j with %s', async (name, error) => {
    expect(await platformError(client.conversations.create({ name }))).toBe(error);
  });

  it('accepts the longest legal name (80 characters of a-z, 0-9, - and _)', async () => {
    const name = `a_b-${'9'.repeat(76)}`;
    expect((await client.conversations.create({ name })).channel?.name).toBe(name);
  });
});

describe('chat.postMessage', () => {
  it('is not_in_channel in a preset channel until the bot joins; then posts by id or name', async () => {
    expect(await platformError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'hello' }))).toBe(
      'not_in_channel',
    );
    const joined = await client.conversations.join({ channel: 'C0GENERAL' });
    expect(joined.channel?.is_member).toBe(true);
    const byName = await client.chat.postMessage({ channel: '#general', text: 'hello' });
    expect(byName).toMatchObject({
      ok: true,
      channel: 'C0GENERAL',
      message: { text: 'hello', user: 'U0FIREBRK', bot_id: 'B0FIREBRK' },
    });
    expect(byName.ts).toMatch(/^\d+\.\d{6}$/);
    await client.chat.postMessage({ channel: 'general', text: 'again' });
    expect(slack.messages('C0GENERAL').map((m) => m.text)).toEqual(['hello', 'again']);
  });

  it('joining twice is fine and says so', async () => {
    await client.conversations.join({ channel: 'C0INCIDENTS' });
    const again = await client.conversations.join({ channel: 'C0INCIDENTS' });
    expect(again.warning).toBe('already_in_channel');
    expect(slack.members('C0INCIDENTS').filter((u) => u === 'U0FIREBRK')).toHaveLength(1);
  });

  it('channel_not_found for an unknown channel, no_text without text or blocks', async () => {
    expect(await platformError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    const { channel } = await client.conversations.create({ name: 'quiet' });
    expect(await platformError(client.apiCall('chat.postMessage', { channel: channel!.id }))).toBe('no_text');
    expect(slack.messages(channel!.id!)).toEqual([]);
  });

  it('stores blocks the SDK sent JSON-encoded in the form as objects', async () => {
    const { channel } = await client.conversations.create({ name: 'blocks' });
    const blocks = [{ type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: '*hi*' } }];
    await client.chat.postMessage({ channel: channel!.id!, text: 'hi', blocks });
    expect(slack.messages(channel!.id!)[0]).toMatchObject({
      text: 'hi',
      blocks,
      edited: false,
      pinned: false,
      reactions: [],
    });
    expect(slack.calls('chat.postMessage')[0]?.args.blocks).toEqual(blocks);
  });

  it('refuses blocks Slack would refuse', async () => {
    const { channel } = await client.conversations.create({ name: 'bad-blocks' });
    const id = channel!.id!;
    expect(
      await platformError(
        client.chat.postMessage({
          channel: id,
          text: 'x',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }],
        }),
      ),
    ).toBe('invalid_blocks');
    expect(
      await platformError(
        client.chat.postMessage({
          channel: id,
          text: 'x',
          blocks: [
            { type: 'divider', block_id: 'a' },
            { type: 'divider', block_id: 'a' },
          ],
        }),
      ),
    ).toBe('invalid_blocks');
    expect(
      await platformError(client.apiCall('chat.postMessage', { channel: id, text: 'x', blocks: '{not json' })),
    ).toBe('invalid_blocks_format');
    expect(slack.messages(id)).toEqual([]);
  });

  it('gives unique, increasing ts even when the clock stands still', async () => {
    const frozen = await FakeSlack.start({ botToken: TOKEN, clock: () => 1_700_000_000_123 });
    try {
      const frozenClient = webClient(TOKEN, frozen.apiUrl);
      const { channel } = await frozenClient.conversations.create({ name: 'ts' });
      const ts: string[] = [];
      for (let i = 0; i < 5; i++)
        ts.push((await frozenClient.chat.postMessage({ channel: channel!.id!, text: String(i) })).ts!);
      expect(ts[0]).toBe('1700000000.123000');
      expect(new Set(ts).size).toBe(5);
      expect([...ts].sort()).toEqual(ts);
    } finally {
      await frozen.stop();
    }
  });
});

describe('editing and pinning', () => {
  it('chat.update edits the bot message and marks it edited; errors for missing and foreign messages', async () => {
    const { channel } = await client.conversations.create({ name: 'edits' });
    const id = channel!.id!;
    const posted = await client.chat.postMessage({ channel: id, text: 'v1', blocks: [{ type: 'divider' }] });
    const updated = await client.chat.update({ channel: id, ts: posted.ts!, text: 'v2' });
    expect(updated).toMatchObject({ ok: true, channel: id, ts: posted.ts, text: 'v2' });
    expect(slack.messages(id)[0]).toMatchObject({ text: 'v2', edited: true, blocks: [{ type: 'divider' }] });
    expect(await platformError(client.chat.update({ channel: id, ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    const human = slack.postUserMessage(id, 'U0ALICE', 'mine');
    expect(await platformError(client.chat.update({ channel: id, ts: human, text: 'hijacked' }))).toBe(
      'cant_update_message',
    );
    expect(slack.messages(id)[1]?.text).toBe('mine');
  });

  it('pins.add pins once: already_pinned the second time, message_not_found for no message', async () => {
    const { channel } = await client.conversations.create({ name: 'pins' });
    const id = channel!.id!;
    const posted = await client.chat.postMessage({ channel: id, text: 'card' });
    await client.pins.add({ channel: id, timestamp: posted.ts! });
    expect(slack.messages(id)[0]?.pinned).toBe(true);
    expect(await platformError(client.pins.add({ channel: id, timestamp: posted.ts! }))).toBe('already_pinned');
    expect(await platformError(client.pins.add({ channel: id, timestamp: '1.000001' }))).toBe('message_not_found');
    const list = await client.pins.list({ channel: id });
    expect(list.items).toEqual([
      expect.objectContaining({
        type: 'message',
        channel: id,
        created_by: 'U0FIREBRK',
        message: expect.objectContaining({ ts: posted.ts, text: 'card' }),
      }),
    ]);
  });

  it('chat.getPermalink links to the message', async () => {
    const { channel } = await client.conversations.create({ name: 'links' });
    const posted = await client.chat.postMessage({ channel: channel!.id!, text: 'x' });
    const link = await client.chat.getPermalink({ channel: channel!.id!, message_ts: posted.ts! });
    expect(link.permalink).toContain(`/archives/${channel!.id}/p${posted.ts!.replace('.', '')}`);
  });
});

describe('conversations.history and replies', () => {
  it('returns newest first, honours latest/oldest/inclusive/limit, and needs membership', async () => {
    expect(await platformError(client.conversations.history({ channel: 'C0GENERAL' }))).toBe('not_in_channel');
    const { channel } = await client.conversations.create({ name: 'history' });
    const id = channel!.id!;
    const ts: string[] = [];
    for (const text of ['one', 'two', 'three', 'four'])
      ts.push((await client.chat.postMessage({ channel: id, text })).ts!);
    const all = await client.conversations.history({ channel: id });
    expect(all.messages?.map((m) => m.text)).toEqual(['four', 'three', 'two', 'one']);
    const exact = await client.conversations.history({
      channel: id,
      latest: ts[1],
      oldest: ts[1],
      inclusive: true,
      limit: 1,
    });
    expect(exact.messages?.map((m) => m.text)).toEqual(['two']);
    const exclusive = await client.conversations.history({ channel: id, latest: ts[3], oldest: ts[0] });
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['three', 'two']);
    const page = await client.conversations.history({ channel: id, limit: 3 });
    expect(page.has_more).toBe(true);
    const rest = await client.conversations.history({
      channel: id,
      limit: 3,
      cursor: page.response_metadata!.next_cursor!,
    });
    expect(rest.messages?.map((m) => m.text)).toEqual(['one']);
  });

  it('thread replies stay out of history and come back from conversations.replies', async () => {
    const { channel } = await client.conversations.create({ name: 'threads' });
    const id = channel!.id!;
    const parent = await client.chat.postMessage({ channel: id, text: 'parent' });
    await client.chat.postMessage({ channel: id, text: 'reply', thread_ts: parent.ts! });
    const history = await client.conversations.history({ channel: id });
    expect(history.messages).toEqual([expect.objectContaining({ text: 'parent', reply_count: 1 })]);
    const replies = await client.conversations.replies({ channel: id, ts: parent.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
  });
});

describe('conversations.invite', () => {
  it('invites people; names each kind of failure as Slack does', async () => {
    expect(await platformError(client.conversations.invite({ channel: 'C0GENERAL', users: 'U0ALICE' }))).toBe(
      'not_in_channel',
    );
    expect(await platformError(client.conversations.invite({ channel: 'C0NOPE', users: 'U0ALICE' }))).toBe(
      'channel_not_found',
    );
    const { channel } = await client.conversations.create({ name: 'invites' });
    const id = channel!.id!;
    await client.conversations.invite({ channel: id, users: 'U0ALICE,U0BOB' });
    expect(slack.members(id)).toEqual(['U0FIREBRK', 'U0ALICE', 'U0BOB']);
    expect(await platformError(client.conversations.invite({ channel: id, users: 'U0ALICE,U0BOB' }))).toBe(
      'already_in_channel',
    );
    // Some already in, some not: fine, the new ones join.
    await client.conversations.invite({ channel: id, users: 'U0ALICE,U0CAROL' });
    expect(slack.members(id)).toEqual(['U0FIREBRK', 'U0ALICE', 'U0BOB', 'U0CAROL']);
    const unknown = await sdkError(client.conversations.invite({ channel: id, users: 'U0NOBODY,U0ALICE' }));
    expect(unknown.data?.error).toBe('user_not_found');
    expect(unknown.data?.errors).toEqual([{ user: 'U0NOBODY', ok: false, error: 'user_not_found' }]);
    expect(await platformError(client.conversations.invite({ channel: id, users: 'U0FIREBRK' }))).toBe(
      'cant_invite_self',
    );
    expect(slack.members(id)).toHaveLength(4);
  });
});

describe('conversations.list and people', () => {
  it('pages with cursors until next_cursor is empty', async () => {
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await client.conversations.create({ name });
    await client.conversations.create({ name: 'secret', is_private: true });
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.conversations.list({
        types: 'public_channel',
        exclude_archived: true,
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.channels!.length).toBeLessThanOrEqual(3);
      names.push(...page.channels!.map((c) => c.name!));
      cursor = page.response_metadata?.next_cursor || undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toEqual(['incidents', 'general', 'a1', 'a2', 'a3', 'a4', 'a5']);
    const privateOnes = await client.conversations.list({ types: 'private_channel' });
    expect(privateOnes.channels?.map((c) => c.name)).toEqual(['secret']);
    expect(await platformError(client.conversations.list({ cursor: 'garbage' }))).toBe('invalid_cursor');
  });

  it('users, emails and the on-call group', async () => {
    expect((await client.users.info({ user: 'U0ALICE' })).user).toMatchObject({
      name: 'alice',
      real_name: 'Alice Archer',
      profile: { email: 'alice@example.com', real_name: 'Alice Archer', display_name: 'alice' },
    });
    expect((await client.users.lookupByEmail({ email: 'bob@example.com' })).user?.id).toBe('U0BOB');
    expect(await platformError(client.users.lookupByEmail({ email: 'nobody@example.com' }))).toBe('users_not_found');
    expect(await platformError(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    const members = (await client.users.list({})).members!.map((u) => u.id);
    expect(members).toEqual(['U0FIREBRK', 'U0ALICE', 'U0BOB', 'U0CAROL']);
    const groups = await client.usergroups.list({ include_users: true });
    expect(groups.usergroups).toEqual([
      expect.objectContaining({ id: 'S0ONCALL', handle: 'oncall-web', users: ['U0ALICE', 'U0BOB'] }),
    ]);
    expect((await client.usergroups.users.list({ usergroup: 'S0ONCALL' })).users).toEqual(['U0ALICE', 'U0BOB']);
    expect(slack.members('C0INCIDENTS')).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL']);
  });
});

describe('rate limits and outages', () => {
  it('429 surfaces as the SDK rate-limited error carrying Retry-After; the next call succeeds', async () => {
    slack.fail('auth.test', { status: 429, retryAfterSeconds: 7 });
    const error = await sdkError(client.auth.test());
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    expect((await client.auth.test()).ok).toBe(true);
    expect(slack.calls('auth.test').map((c) => [c.ok, c.error])).toEqual([
      [false, 'ratelimited'],
      [true, undefined],
    ]);
  });

  it('answers 429 exactly like Slack: status, Retry-After header, body', async () => {
    slack.fail('auth.test', { status: 429 });
    const response = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('500 surfaces as an HTTP error, `times` times, and the call has no effect', async () => {
    slack.fail('conversations.create', { status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await sdkError(client.conversations.create({ name: 'flaky' }));
      expect(error.code).toBe(ErrorCode.HTTPError);
      expect(error.statusCode).toBe(500);
    }
    expect(slack.channelByName('flaky')).toBeUndefined();
    expect((await client.conversations.create({ name: 'flaky' })).ok).toBe(true);
  });

  it('an injected platform error answers 200 ok:false; clearFailures drops what is queued', async () => {
    slack.fail('chat.postMessage', { error: 'fatal_error' });
    await client.conversations.join({ channel: 'C0GENERAL' });
    expect(await platformError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }))).toBe('fatal_error');
    slack.fail('chat.postMessage', { status: 503, times: 5 });
    slack.clearFailures();
    expect((await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).ok).toBe(true);
  });

  it('maxCallsPerChannelPerSecond counts successful calls per channel in any sliding second', async () => {
    let now = 1_700_000_000_000;
    const timed = await FakeSlack.start({ botToken: TOKEN, clock: () => now });
    try {
      const c = webClient(TOKEN, timed.apiUrl);
      const a = (await c.conversations.create({ name: 'a' })).channel!.id!;
      const b = (await c.conversations.create({ name: 'b' })).channel!.id!;
      const at = async (ms: number, channel: string, method: 'post' | 'update', ts?: string): Promise<string> => {
        now = 1_700_000_000_000 + ms;
        if (method === 'update') return (await c.chat.update({ channel, ts: ts!, text: 'u' })).ts!;
        return (await c.chat.postMessage({ channel, text: 'p' })).ts!;
      };
      const first = await at(0, a, 'post');
      await at(400, a, 'update', first);
      await at(999, a, 'update', first); // three inside [0, 1000)
      await at(1000, a, 'post'); // a full second after the first: [400, 1400) holds 400, 999, 1000 — still three
      await at(2500, a, 'post');
      for (const ms of [3000, 3500, 3999]) await at(ms, b, 'post');
      now = 1_700_000_003_600;
      timed.fail('chat.postMessage', { error: 'internal_error' });
      await c.chat.postMessage({ channel: b, text: 'fails' }).catch(() => undefined); // a failed call does not count
      expect(timed.maxCallsPerChannelPerSecond(['chat.postMessage', 'chat.update'])).toBe(3);
      expect(timed.maxCallsPerChannelPerSecond(['chat.update'])).toBe(2);
      expect(timed.maxCallsPerChannelPerSecond(['chat.postMessage'])).toBe(3);
      expect(timed.calls('chat.postMessage').at(-1)).toMatchObject({
        ok: false,
        error: 'internal_error',
        at: 1_700_000_003_600,
      });
    } finally {
      await timed.stop();
    }
  });
});

describe('state, change notification and reset', () => {
  it('onChange fires on every change until unsubscribed; reset returns to the preset workspace', async () => {
    let changes = 0;
    const unsubscribe = slack.onChange(() => {
      changes += 1;
    });
    await client.conversations.create({ name: 'noisy' });
    expect(changes).toBe(1);
    await client.conversations.join({ channel: 'C0GENERAL' });
    expect(changes).toBe(2);
    unsubscribe();
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' });
    expect(changes).toBe(2);
    slack.reset();
    expect(slack.calls()).toEqual([]);
    expect(slack.listChannels().map((c) => [c.id, c.name, c.isMember])).toEqual([
      ['C0INCIDENTS', 'incidents', false],
      ['C0GENERAL', 'general', false],
    ]);
    expect(slack.messages('C0GENERAL')).toEqual([]);
  });

  it('stop() closes promptly even with a keep-alive connection open', async () => {
    const other = await FakeSlack.start({ botToken: TOKEN });
    await webClient(TOKEN, other.apiUrl).auth.test();
    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${other.apiUrl}auth.test`)).rejects.toThrow();
  });
});

// ---- Slack's side: signed requests to the app ----

interface Received {
  contentType: string;
  body: string;
  headers: IncomingHttpHeaders;
}

interface FakeApp {
  url: string;
  received: Received[];
  /** What the app answers; JSON unless a string is given. */
  answer: (received: Received) => { status?: number; body?: unknown };
  stop(): Promise<void>;
}

/** A stand-in app that checks every request with Bolt's own signature verification before recording it. */
async function startApp(secret: string): Promise<FakeApp> {
  const app: FakeApp = { url: '', received: [], answer: () => ({}), stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        verifySlackRequest({
          signingSecret: secret,
          body,
          headers: {
            'x-slack-signature': String(req.headers['x-slack-signature']),
            'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
          },
        });
      } catch {
        res.writeHead(401).end();
        return;
      }
      const received = { contentType: String(req.headers['content-type']), body, headers: req.headers };
      app.received.push(received);
      const { status = 200, body: reply } = app.answer(received);
      if (reply === undefined) res.writeHead(status).end();
      else if (typeof reply === 'string') res.writeHead(status, { 'content-type': 'text/plain' }).end(reply);
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  app.stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return app;
}

// any: the payloads are Slack JSON, read field by field in the assertions.
function formPayload(received: Received | undefined): any {
  return JSON.parse(new URLSearchParams(received?.body ?? '').get('payload') ?? 'null');
}

describe('requests to the app, signed as Slack signs them', () => {
  let app: FakeApp;
  beforeEach(async () => {
    app = await startApp(SECRET);
    slack.connectApp({ requestUrl: app.url, signingSecret: SECRET });
  });
  afterEach(async () => {
    await app.stop();
  });

  it('signSlackRequest produces what Bolt verifies, and nothing else', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(SECRET, 'a=b', now);
    expect(headers['x-slack-request-timestamp']).toBe(String(now));
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    const verify = (body: string, h = headers) =>
      verifySlackRequest({
        signingSecret: SECRET,
        body,
        headers: {
          'x-slack-signature': h['x-slack-signature'],
          'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
        },
      });
    expect(() => verify('a=b')).not.toThrow();
    expect(() => verify('a=c')).toThrow();
    expect(() => verify('a=b', signSlackRequest('other-secret', 'a=b', now))).toThrow();
  });

  it('a slash command arrives form-encoded with Slack fields; its ack comes back; its response_url works', async () => {
    app.answer = () => ({ body: { response_type: 'ephemeral', text: 'got it' } });
    const reply = await slack.slashCommand({
      command: '/incident',
      text: 'help me',
      userId: 'U0ALICE',
      channelId: 'C0GENERAL',
    });
    expect(reply).toEqual({ status: 200, body: { response_type: 'ephemeral', text: 'got it' } });
    expect(app.received[0]?.contentType).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(app.received[0]!.body));
    expect(form).toMatchObject({
      team_id: 'T0SANDBOX',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/incident',
      text: 'help me',
      api_app_id: expect.any(String),
      token: expect.any(String),
      team_domain: expect.any(String),
    });
    expect(form.response_url).toMatch(new RegExp(`^${slack.url}/response/\\w+$`));
    const posted = await fetch(form.response_url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'later' }),
    });
    expect(posted.status).toBe(200);
    expect(slack.responses).toEqual([{ url: form.response_url, body: { text: 'later' } }]);
    expect(slack.ephemerals).toEqual([{ channel: 'C0GENERAL', user: 'U0ALICE', text: 'later' }]);
    // The trigger opens one modal for that person, once.
    const view = {
      type: 'modal' as const,
      callback_id: 'declare',
      title: { type: 'plain_text' as const, text: 'Declare' },
      blocks: [],
    };
    const opened = await client.views.open({ trigger_id: form.trigger_id!, view });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      callback_id: 'declare',
      state: { values: {} },
    });
    expect(slack.views('U0ALICE')).toEqual([opened.view]);
    expect(await platformError(client.views.open({ trigger_id: form.trigger_id!, view }))).toBe('exchanged_trigger_id');
    expect(await platformError(client.views.open({ trigger_id: '1.2.3', view }))).toBe('invalid_arguments');
  });

  it('a request signed with another secret is refused by the verifying app', async () => {
    slack.connectApp({ requestUrl: app.url, signingSecret: 'not-the-secret' });
    const reply = await slack.slashCommand({
      command: '/incident',
      text: 'help',
      userId: 'U0ALICE',
      channelId: 'C0GENERAL',
    });
    expect(reply.status).toBe(401);
    expect(app.received).toHaveLength(0);
  });

  it('a button click sends block_actions with the stored message and the button value from its blocks', async () => {
    const { channel } = await client.conversations.create({ name: 'card' });
    const id = channel!.id!;
    const blocks = [
      { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'INC-7' } },
      {
        type: 'actions',
        block_id: 'buttons',
        elements: [
          { type: 'button', action_id: 'incident_resolve', value: '7', text: { type: 'plain_text', text: 'Resolve' } },
        ],
      },
    ];
    const posted = await client.chat.postMessage({ channel: id, text: 'INC-7', blocks });
    const reply = await slack.clickButton({
      userId: 'U0BOB',
      channelId: id,
      messageTs: posted.ts!,
      actionId: 'incident_resolve',
    });
    expect(reply).toEqual({ status: 200, body: '' });
    const payload = formPayload(app.received[0]);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', name: 'bob', team_id: 'T0SANDBOX' },
      container: { type: 'message', message_ts: posted.ts, channel_id: id, is_ephemeral: false },
      channel: { id, name: 'card' },
      team: { id: 'T0SANDBOX' },
      message: { ts: posted.ts, text: 'INC-7', blocks },
      actions: [
        {
          action_id: 'incident_resolve',
          block_id: 'buttons',
          value: '7',
          type: 'button',
          action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
        },
      ],
    });
    expect(typeof payload.trigger_id).toBe('string');
    expect(typeof payload.api_app_id).toBe('string');
    // Replacing the original through the response_url edits the message, as Slack does.
    await fetch(payload.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'Resolved' }),
    });
    expect(slack.messages(id)[0]).toMatchObject({ text: 'Resolved', blocks: [], edited: true });
    await expect(
      slack.clickButton({ userId: 'U0BOB', channelId: id, messageTs: posted.ts!, actionId: 'incident_resolve' }),
    ).rejects.toThrow(/no button/);
  });

  it('a modal submission carries the open view and its values; the ack decides what happens to the modal', async () => {
    app.answer = (r) =>
      r.body.startsWith('payload=')
        ? { body: { response_action: 'errors', errors: { title: 'Say what is happening' } } }
        : {};
    await slack.slashCommand({ command: '/incident', text: 'declare', userId: 'U0ALICE', channelId: 'C0GENERAL' });
    const trigger = new URLSearchParams(app.received[0]!.body).get('trigger_id')!;
    const view = {
      type: 'modal' as const,
      callback_id: 'incident_declare',
      private_metadata: '{"c":1}',
      title: { type: 'plain_text' as const, text: 'Declare' },
      submit: { type: 'plain_text' as const, text: 'Go' },
      blocks: [
        {
          type: 'input' as const,
          block_id: 'title',
          label: { type: 'plain_text' as const, text: 'Title' },
          element: { type: 'plain_text_input' as const, action_id: 'title_input' },
        },
      ],
    };
    const opened = await client.views.open({ trigger_id: trigger, view });
    const values = { title: { title_input: { type: 'plain_text_input', value: ' ' } } };
    const bad = await slack.submitView({ userId: 'U0ALICE', callbackId: 'incident_declare', values });
    expect(bad).toEqual({
      status: 200,
      body: { response_action: 'errors', errors: { title: 'Say what is happening' } },
    });
    const payload = formPayload(app.received[1]);
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0ALICE', name: 'alice' },
      view: {
        id: opened.view!.id,
        type: 'modal',
        callback_id: 'incident_declare',
        private_metadata: '{"c":1}',
        state: { values },
      },
    });
    app.answer = () => ({});
    const good = await slack.submitView({
      userId: 'U0ALICE',
      callbackId: 'incident_declare',
      values: { title: { title_input: { type: 'plain_text_input', value: 'Down' } } },
    });
    expect(good).toEqual({ status: 200, body: '' });
    expect(formPayload(app.received[2]).view.state.values.title.title_input.value).toBe('Down');
  });

  it('a reaction is stored and sent as a signed reaction_added event_callback with a unique event_id', async () => {
    const { channel } = await client.conversations.create({ name: 'reactions' });
    const id = channel!.id!;
    const ts = slack.postUserMessage(id, 'U0BOB', 'the flash sale started at 11:25');
    expect(await slack.addReaction(id, ts, 'U0ALICE', 'pushpin')).toBe(200);
    expect(await slack.addReaction(id, ts, 'U0CAROL', 'pushpin')).toBe(200);
    expect(app.received[0]?.contentType).toBe('application/json');
    const first = JSON.parse(app.received[0]!.body);
    const second = JSON.parse(app.received[1]!.body);
    expect(first).toMatchObject({
      type: 'event_callback',
      team_id: 'T0SANDBOX',
      api_app_id: expect.any(String),
      event_id: expect.any(String),
      event_time: expect.any(Number),
      event: {
        type: 'reaction_added',
        user: 'U0ALICE',
        reaction: 'pushpin',
        item: { type: 'message', channel: id, ts },
        item_user: 'U0BOB',
        event_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      },
    });
    expect(second.event_id).not.toBe(first.event_id);
    expect(slack.messages(id)[0]?.reactions).toEqual([{ name: 'pushpin', users: ['U0ALICE', 'U0CAROL'] }]);
    // The same person reacting again, or a reaction where the bot is not a member: Slack sends nothing.
    expect(await slack.addReaction(id, ts, 'U0ALICE', 'pushpin')).toBe(0);
    const elsewhere = slack.postUserMessage('C0GENERAL', 'U0BOB', 'hi');
    expect(await slack.addReaction('C0GENERAL', elsewhere, 'U0ALICE', 'pushpin')).toBe(0);
    expect(app.received).toHaveLength(2);
  });
});

describe('files: getUploadURLExternal, the upload URL, completeUploadExternal', () => {
  const POSTMORTEM = '# INC-7 — checkout latency\n\n## Timeline\n\n- 10:02 alert fired\n';

  /** Steps one and two by hand: a file id whose bytes have arrived (raw body). */
  async function uploaded(content: string, filename = 'notes.md'): Promise<string> {
    const { upload_url: uploadUrl, file_id: fileId } = await client.files.getUploadURLExternal({
      filename,
      length: Buffer.byteLength(content),
    });
    const response = await fetch(uploadUrl!, { method: 'POST', body: content });
    expect(response.status).toBe(200);
    return fileId!;
  }

  it('filesUploadV2 end to end: the file is shared in the channel as a bot message with the comment', async () => {
    const channel = (await client.conversations.create({ name: 'inc-7-checkout' })).channel!.id!;
    const result = await client.filesUploadV2({
      channel_id: channel,
      filename: 'INC-7-postmortem.md',
      title: 'Postmortem draft — INC-7',
      content: POSTMORTEM,
      initial_comment: ':memo: Postmortem draft for INC-7',
    });
    const file = result.files[0]?.files?.[0];
    expect(file).toMatchObject({
      name: 'INC-7-postmortem.md',
      title: 'Postmortem draft — INC-7',
      mimetype: 'text/markdown',
      size: Buffer.byteLength(POSTMORTEM),
      channels: [channel],
    });
    expect(file?.id).toMatch(/^F0[A-Z0-9]+$/);
    const [message] = slack.messages(channel);
    expect(message).toMatchObject({
      user: 'U0FIREBRK',
      text: ':memo: Postmortem draft for INC-7',
      files: [
        {
          id: file?.id,
          name: 'INC-7-postmortem.md',
          title: 'Postmortem draft — INC-7',
          mimetype: 'text/markdown',
          size: Buffer.byteLength(POSTMORTEM),
        },
      ],
    });
    expect(slack.files(channel)).toEqual([
      {
        id: file?.id,
        name: 'INC-7-postmortem.md',
        title: 'Postmortem draft — INC-7',
        content: POSTMORTEM,
        channel,
        ts: message?.ts,
      },
    ]);
    expect(slack.calls().map((c) => c.method)).toEqual([
      'conversations.create',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(slack.calls('files.getUploadURLExternal')[0]?.args).toMatchObject({
      filename: 'INC-7-postmortem.md',
      length: String(Buffer.byteLength(POSTMORTEM)),
    });
    // Read back through the Web API, the message lists the file.
    const history = await client.conversations.history({ channel });
    expect(history.messages?.[0]).toMatchObject({
      text: ':memo: Postmortem draft for INC-7',
      bot_id: 'B0FIREBRK',
      upload: true,
      files: [{ id: file?.id, filetype: 'markdown' }],
    });
  });

  it('getUploadURLExternal needs filename and length, and hands out an upload URL on this server', async () => {
    expect(await platformError(client.apiCall('files.getUploadURLExternal', { length: 10 }))).toBe('invalid_arguments');
    expect(await platformError(client.apiCall('files.getUploadURLExternal', { filename: 'a.md' }))).toBe(
      'invalid_arguments',
    );
    expect(await platformError(client.apiCall('files.getUploadURLExternal', { filename: 'a.md', length: 'ten' }))).toBe(
      'invalid_arguments',
    );
    const result = await client.files.getUploadURLExternal({ filename: 'a.md', length: 10 });
    expect(result.upload_url).toBe(`${slack.url}/upload/${result.file_id}`);
    expect(slack.files()).toEqual([]); // nothing is visible until completed
  });

  it('the upload URL takes the bytes raw or as a multipart form with a file field; an unknown one is 404', async () => {
    const raw = await uploaded('raw bytes', 'raw.txt');
    const { upload_url: formUrl, file_id: formId } = await client.files.getUploadURLExternal({
      filename: 'form.md',
      length: 9,
    });
    const form = new FormData();
    form.append('filename', 'form.md');
    form.append('file', new Blob([Buffer.from('form body')]), 'form.md');
    const posted = await fetch(formUrl!, { method: 'POST', body: form });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe('OK - 9');
    await client.files.completeUploadExternal({ files: [{ id: raw }, { id: formId!, title: 'The form' }] });
    expect(slack.files().map((f) => [f.id, f.title, f.content, f.channel])).toEqual([
      [raw, 'raw.txt', 'raw bytes', undefined],
      [formId, 'The form', 'form body', undefined],
    ]);
    expect((await fetch(`${slack.url}/upload/F0NOPE`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${slack.url}/upload/${raw}`, { method: 'POST', body: 'again' })).status).toBe(404); // completed: the URL is spent
  });

  it('completeUploadExternal: file_not_found before the bytes arrive, for unknown ids, and the second time', async () => {
    const channel = (await client.conversations.create({ name: 'files-errors' })).channel!.id!;
    const { file_id: pending } = await client.files.getUploadURLExternal({ filename: 'p.md', length: 1 });
    expect(
      await platformError(client.files.completeUploadExternal({ files: [{ id: pending! }], channel_id: channel })),
    ).toBe('file_not_found');
    expect(
      await platformError(client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }], channel_id: channel })),
    ).toBe('file_not_found');
    expect(
      await platformError(client.apiCall('files.completeUploadExternal', { files: '[]', channel_id: channel })),
    ).toBe('invalid_arguments');
    expect(await platformError(client.apiCall('files.completeUploadExternal', { channel_id: channel }))).toBe(
      'invalid_arguments',
    );
    const done = await uploaded('once');
    await client.files.completeUploadExternal({ files: [{ id: done }], channel_id: channel });
    expect(
      await platformError(client.files.completeUploadExternal({ files: [{ id: done }], channel_id: channel })),
    ).toBe('file_not_found');
    expect(slack.messages(channel)).toHaveLength(1);
  });

  it('completeUploadExternal: channel_not_found, not_in_channel; a refused file can still be shared once the bot joins', async () => {
    const fileId = await uploaded(POSTMORTEM);
    expect(
      await platformError(client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: 'C0NOPE' })),
    ).toBe('channel_not_found');
    expect(
      await platformError(
        client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: 'C0GENERAL', initial_comment: 'x' }),
      ),
    ).toBe('not_in_channel');
    expect(slack.messages('C0GENERAL')).toEqual([]);
    expect(slack.files()).toEqual([]);
    await client.conversations.join({ channel: 'C0GENERAL' });
    await client.files.completeUploadExternal({
      files: [{ id: fileId }],
      channel_id: 'C0GENERAL',
      initial_comment: 'x',
    });
    expect(slack.files('C0GENERAL').map((f) => f.id)).toEqual([fileId]);
    expect(slack.files('C0INCIDENTS')).toEqual([]);
  });

  it('announces one change per completed upload, and reset forgets files', async () => {
    const channel = (await client.conversations.create({ name: 'files-changes' })).channel!.id!;
    let changes = 0;
    let seen: unknown[] = [];
    const unsubscribe = slack.onChange(() => {
      changes += 1;
      seen = [slack.files(channel).length, slack.messages(channel).length];
    });
    await client.filesUploadV2({ channel_id: channel, filename: 'a.md', content: 'a', initial_comment: 'a' });
    unsubscribe();
    expect(changes).toBe(1);
    expect(seen).toEqual([1, 1]); // the listener sees file and message together
    slack.reset();
    expect(slack.files()).toEqual([]);
  });

  it('429 on files.completeUploadExternal surfaces from filesUploadV2 as the rate-limited error; nothing is shared', async () => {
    const channel = (await client.conversations.create({ name: 'files-429' })).channel!.id!;
    slack.fail('files.completeUploadExternal', { status: 429, retryAfterSeconds: 3 });
    const error = await sdkError(client.filesUploadV2({ channel_id: channel, filename: 'a.md', content: 'a' }));
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(3);
    expect(slack.messages(channel)).toEqual([]);
    expect(slack.files()).toEqual([]);
  });
});

describe('message metadata', () => {
  const card = { event_type: 'firebreak_incident_card', event_payload: { incident_id: 42 } };

  it('chat.postMessage stores it; history and replies return it only with include_all_metadata', async () => {
    const id = (await client.conversations.create({ name: 'meta' })).channel!.id!;
    const posted = await client.chat.postMessage({ channel: id, text: 'card', metadata: card });
    expect(posted.message?.metadata).toEqual(card);
    await client.chat.postMessage({
      channel: id,
      text: 'reply',
      thread_ts: posted.ts!,
      metadata: { event_type: 'firebreak_note', event_payload: { n: 1 } },
    });
    await client.chat.postMessage({ channel: id, text: 'plain' });

    const without = await client.conversations.history({ channel: id });
    expect(without.messages?.every((m) => m.metadata === undefined)).toBe(true);
    const withAll = await client.conversations.history({ channel: id, include_all_metadata: true });
    expect(withAll.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['plain', undefined],
      ['card', card],
    ]);
    const replies = await client.conversations.replies({ channel: id, ts: posted.ts!, include_all_metadata: true });
    expect(replies.messages?.map((m) => m.metadata?.event_type)).toEqual(['firebreak_incident_card', 'firebreak_note']);
    expect(slack.messages(id).map((m) => m.metadata?.event_type)).toEqual([
      'firebreak_incident_card',
      'firebreak_note',
      undefined,
    ]);
  });

  it('accepts it as a JSON string or a JSON body object; chat.update keeps it unless given', async () => {
    const id = (await client.conversations.create({ name: 'meta-forms' })).channel!.id!;
    const asString = (await client.apiCall('chat.postMessage', {
      channel: id,
      text: 'a',
      metadata: JSON.stringify(card),
    })) as { ts?: string };
    const body = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        channel: id,
        text: 'b',
        metadata: { event_type: 'firebreak_incident_announcement', event_payload: { incident_id: 7 } },
      }),
    });
    expect(await body.json()).toMatchObject({ ok: true });
    expect(slack.messages(id).map((m) => m.metadata)).toEqual([
      card,
      { event_type: 'firebreak_incident_announcement', event_payload: { incident_id: 7 } },
    ]);
    await client.chat.update({ channel: id, ts: asString.ts as string, text: 'edited' });
    expect(slack.messages(id)[0]).toMatchObject({ text: 'edited', metadata: card });
    await client.chat.update({
      channel: id,
      ts: asString.ts as string,
      text: 'edited',
      metadata: { event_type: 'firebreak_incident_card', event_payload: { incident_id: 43 } },
    });
    expect(slack.messages(id)[0]?.metadata?.event_payload).toEqual({ incident_id: 43 });
  });

  it('text that is not JSON is invalid_metadata_format and posts nothing; a bad schema posts without it, with a warning', async () => {
    const id = (await client.conversations.create({ name: 'meta-bad' })).channel!.id!;
    expect(await platformError(client.apiCall('chat.postMessage', { channel: id, text: 'x', metadata: '{nope' }))).toBe(
      'invalid_metadata_format',
    );
    expect(slack.messages(id)).toEqual([]);
    for (const metadata of [
      { event_payload: { incident_id: 1 } },
      { event_type: 'has.dot', event_payload: {} },
      { event_type: 'ok_type', event_payload: [1] },
    ]) {
      const posted = await client.apiCall('chat.postMessage', {
        channel: id,
        text: 'x',
        metadata: JSON.stringify(metadata),
      });
      expect(posted).toMatchObject({
        ok: true,
        warning: 'invalid_metadata_schema',
        response_metadata: { warnings: ['invalid_metadata_schema'] },
      });
    }
    expect(slack.messages(id).map((m) => m.metadata)).toEqual([undefined, undefined, undefined]);
  });
});

describe('outage windows', () => {
  let now: number;
  let timed: FakeSlack;
  let c: WebClient;
  beforeEach(async () => {
    now = 1_700_000_000_000;
    timed = await FakeSlack.start({ botToken: TOKEN, clock: () => now });
    c = webClient(TOKEN, timed.apiUrl);
  });
  afterEach(async () => {
    await timed.stop();
  });

  it('429 for every method while the window lasts, with Retry-After; then Slack answers again', async () => {
    const [window] = timed.outage({ status: 429, retryAfterSeconds: 2, forMs: 5000 });
    expect(window).toEqual({ status: 429, retryAfterSeconds: 2, body: 'html', startsAt: now, endsAt: now + 5000 });
    for (const call of [c.auth.test(), c.conversations.create({ name: 'during' }), c.apiCall('chat.teleport', {})]) {
      const error = await sdkError(call);
      expect(error.code).toBe(ErrorCode.RateLimitedError);
      expect(error.retryAfter).toBe(2);
    }
    expect(timed.channelByName('during')).toBeUndefined();
    now += 4999;
    expect((await sdkError(c.auth.test())).code).toBe(ErrorCode.RateLimitedError);
    now += 1;
    expect((await c.auth.test()).ok).toBe(true);
    expect(timed.outageEndsAt()).toBe(1_700_000_005_000);
    expect(timed.calls().map((call) => call.error ?? 'ok')).toEqual([
      'ratelimited',
      'ratelimited',
      'ratelimited',
      'ratelimited',
      'ok',
    ]);
  });

  it('a schedule runs back to back: 429, then the edge 503 as an HTML page (or JSON when asked)', async () => {
    const windows = timed.outage([
      { status: 429, forMs: 1000 },
      { status: 503, forMs: 2000 },
      { status: 502, body: 'json', forMs: 1000 },
    ]);
    expect(windows.map((w) => [w.status, w.startsAt - now, w.endsAt - now])).toEqual([
      [429, 0, 1000],
      [503, 1000, 3000],
      [502, 3000, 4000],
    ]);
    now += 1500;
    const raw = await fetch(`${timed.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(raw.status).toBe(503);
    expect(raw.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await raw.text()).toContain('503 Service Unavailable');
    const error = await sdkError(c.auth.test());
    expect(error.code).toBe(ErrorCode.HTTPError);
    expect(error.statusCode).toBe(503);
    now += 2000;
    const json = await fetch(`${timed.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect([json.status, await json.json()]).toEqual([502, { ok: false, error: 'http_502' }]);
    now += 1000;
    expect((await c.auth.test()).ok).toBe(true);
    expect(timed.outageEndsAt()).toBe(1_700_000_004_000);
  });

  it('endOutages ends the running window and drops the scheduled ones; reset forgets them', async () => {
    timed.outage([
      { status: 503, forMs: 10_000 },
      { status: 429, forMs: 10_000 },
    ]);
    now += 3000;
    timed.endOutages();
    expect((await c.auth.test()).ok).toBe(true);
    expect(timed.outages().map((w) => [w.status, w.endsAt - 1_700_000_000_000])).toEqual([[503, 3000]]);
    timed.reset();
    expect(timed.outages()).toEqual([]);
    expect(timed.outageEndsAt()).toBeUndefined();
  });
});

describe('rate tiers', () => {
  it('off unless asked; over a method’s per-minute budget is 429 with the seconds until a call leaves the window', async () => {
    let now = 1_700_000_000_000;
    const tiered = await FakeSlack.start({
      botToken: TOKEN,
      clock: () => now,
      rateLimits: { 'conversations.create': 2 },
    });
    try {
      const c = webClient(TOKEN, tiered.apiUrl);
      await c.conversations.create({ name: 'one' });
      now += 20_000;
      await c.conversations.create({ name: 'two' });
      now += 5_000;
      const error = await sdkError(c.conversations.create({ name: 'three' }));
      expect(error.code).toBe(ErrorCode.RateLimitedError);
      expect(error.retryAfter).toBe(35); // the first call leaves the 60-second window 35 s from now
      expect(tiered.channelByName('three')).toBeUndefined();
      for (let i = 0; i < 5; i++) await c.auth.test(); // other methods have no budget
      now += 35_000;
      await c.conversations.create({ name: 'three' });
      expect((await sdkError(c.conversations.create({ name: 'four' }))).retryAfter).toBe(20);
      tiered.setRateLimits({ 'conversations.create': 0 });
      expect((await c.conversations.create({ name: 'four' })).ok).toBe(true);
      expect(tiered.callCounts()).toEqual({
        'conversations.create': { calls: 6, failed: 2 },
        'auth.test': { calls: 5, failed: 0 },
      });
    } finally {
      await tiered.stop();
    }
  });

  it('a refused token spends no budget', async () => {
    const tiered = await FakeSlack.start({ botToken: TOKEN, rateLimits: { 'auth.test': 1 } });
    try {
      expect(await platformError(webClient('xoxb-wrong', tiered.apiUrl).auth.test())).toBe('invalid_auth');
      expect((await webClient(TOKEN, tiered.apiUrl).auth.test()).ok).toBe(true);
      expect((await sdkError(webClient(TOKEN, tiered.apiUrl).auth.test())).code).toBe(ErrorCode.RateLimitedError);
    } finally {
      await tiered.stop();
    }
  });
});

describe('what delivery tests read', () => {
  it('message writes per channel with times (posts, edits, shared files), channel creation times, pins', async () => {
    let now = 1_700_000_000_000;
    const timed = await FakeSlack.start({ botToken: TOKEN, clock: () => now });
    try {
      const c = webClient(TOKEN, timed.apiUrl);
      const a = (await c.conversations.create({ name: 'writes-a' })).channel!.id!;
      expect(timed.channel(a)?.createdMs).toBe(now);
      now += 700;
      const b = (await c.conversations.create({ name: 'writes-b' })).channel!.id!;
      expect(timed.channelByName('writes-b')?.createdMs).toBe(1_700_000_000_700);
      const posted = await c.chat.postMessage({ channel: a, text: 'card' });
      now += 1000;
      await c.chat.update({ channel: a, ts: posted.ts!, text: 'card v2' });
      await c.pins.add({ channel: a, timestamp: posted.ts! });
      now += 1000;
      await c.chat.postMessage({ channel: 'writes-b', text: 'by name' });
      now += 1000;
      await c.filesUploadV2({ channel_id: a, filename: 'pm.md', content: '# pm' });
      timed.fail('chat.postMessage', { status: 500 });
      await c.chat.postMessage({ channel: b, text: 'fails' }).catch(() => undefined);
      const t0 = 1_700_000_000_000;
      expect(timed.messageWrites().map((w) => [w.method, w.channelId, w.at - t0])).toEqual([
        ['chat.postMessage', a, 700],
        ['chat.update', a, 1700],
        ['chat.postMessage', b, 2700],
        ['files.completeUploadExternal', a, 3700],
      ]);
      expect(timed.messageWrites(b)).toHaveLength(1);
      expect(
        timed
          .messages(a)
          .filter((m) => m.pinned)
          .map((m) => m.text),
      ).toEqual(['card v2']);
      expect(timed.callCounts()['chat.postMessage']).toEqual({ calls: 3, failed: 1 });
    } finally {
      await timed.stop();
    }
  });
});

describe('conversations.replies and history scopes: where a retry looks for a message', () => {
  const update = (key: string) => ({ event_type: 'firebreak_incident_update', event_payload: { incident_id: 1, key } });
  const keyOf = (m: { metadata?: { event_payload?: unknown } }) =>
    (m.metadata?.event_payload as { key?: string } | undefined)?.key;

  it('lists a thread parent first, then its replies since oldest with their metadata, page by page', async () => {
    const id = (await client.conversations.create({ name: 'announcements' })).channel!.id!;
    const parent = (await client.chat.postMessage({ channel: id, text: 'INC-1 declared' })).ts!;
    const ts: string[] = [];
    for (const key of ['1', '2', '3'])
      ts.push(
        (
          await client.chat.postMessage({
            channel: id,
            thread_ts: parent,
            text: `update ${key}`,
            metadata: update(key),
          })
        ).ts!,
      );
    const args = { channel: id, ts: parent, oldest: ts[0], include_all_metadata: true, limit: 2 };
    const first = await client.conversations.replies(args);
    expect(first.messages?.map((m) => [m.text, keyOf(m)])).toEqual([
      ['INC-1 declared', undefined],
      ['update 2', '2'],
    ]);
    expect(first.messages?.[0]).toMatchObject({ ts: parent, thread_ts: parent, reply_count: 3 });
    expect(first.messages?.[1]).toMatchObject({ thread_ts: parent, parent_user_id: slack.auth().botUserId });
    expect(first.has_more).toBe(true);
    const next = await client.conversations.replies({ ...args, cursor: first.response_metadata!.next_cursor! });
    expect(next.messages?.map((m) => m.text)).toEqual(['update 3']);
    expect(next.response_metadata?.next_cursor).toBe('');
    // A reply's ts names its thread too.
    const byReply = await client.conversations.replies({ channel: id, ts: ts[1]! });
    expect(byReply.messages?.map((m) => m.text)).toEqual(['INC-1 declared', 'update 1', 'update 2', 'update 3']);
  });

  it("answers Slack's errors: no such thread, channel, membership, a malformed oldest, no ts", async () => {
    const id = (await client.conversations.create({ name: 'thread-errors' })).channel!.id!;
    const parent = (await client.chat.postMessage({ channel: id, text: 'parent' })).ts!;
    expect(await platformError(client.conversations.replies({ channel: id, ts: '1.000001' }))).toBe('thread_not_found');
    expect(await platformError(client.conversations.replies({ channel: 'C0NOPE', ts: parent }))).toBe(
      'channel_not_found',
    );
    expect(await platformError(client.conversations.replies({ channel: 'C0GENERAL', ts: parent }))).toBe(
      'not_in_channel',
    );
    expect(await platformError(client.conversations.replies({ channel: id, ts: parent, oldest: 'yesterday' }))).toBe(
      'invalid_ts_oldest',
    );
    expect(await platformError(client.apiCall('conversations.replies', { channel: id }))).toBe('invalid_arguments');
  });

  it("is Slack's Tier 3 method, as Firebreak's budget counts it: 50 calls a minute, then 429", async () => {
    const perMinute = SLACK_TIER_DEFAULTS['conversations.replies'];
    expect(perMinute).toBe(50);
    const tiered = await FakeSlack.start({ botToken: TOKEN, rateLimits: { 'conversations.replies': perMinute! } });
    try {
      const c = webClient(TOKEN, tiered.apiUrl);
      const id = (await c.conversations.create({ name: 'tier-3' })).channel!.id!;
      const ts = (await c.chat.postMessage({ channel: id, text: 'parent' })).ts!;
      for (let i = 0; i < 50; i++) await c.conversations.replies({ channel: id, ts });
      const error = await sdkError(c.conversations.replies({ channel: id, ts }));
      expect(error.code).toBe(ErrorCode.RateLimitedError);
      expect(error.retryAfter).toBeGreaterThan(0);
    } finally {
      await tiered.stop();
    }
  });

  it('reading a direct message without im:history is missing_scope, naming the scope needed and those provided', async () => {
    const scopes = ['channels:history', 'chat:write', 'im:write'];
    const older = await FakeSlack.start({ botToken: TOKEN, scopes });
    try {
      const c = webClient(TOKEN, older.apiUrl);
      const im = (await c.conversations.open({ users: 'U0BOB' })).channel!.id!;
      await c.chat.postMessage({ channel: im, text: 'update', metadata: update('7') });
      const refused = await sdkError(c.conversations.history({ channel: im, include_all_metadata: true }));
      expect(refused.code).toBe(ErrorCode.PlatformError);
      expect(refused.data).toMatchObject({
        ok: false,
        error: 'missing_scope',
        needed: 'im:history',
        provided: scopes.join(','),
      });
      // Public channels need only channels:history, which this app has.
      const id = (await c.conversations.create({ name: 'public' })).channel!.id!;
      expect((await c.conversations.history({ channel: id })).ok).toBe(true);
      // Reinstalled with the scope: the direct message and its metadata can be read.
      older.setScopes([...scopes, 'im:history']);
      const read = await c.conversations.history({ channel: im, include_all_metadata: true });
      expect(read.messages?.map((m) => [m.text, keyOf(m)])).toEqual([['update', '7']]);
    } finally {
      await older.stop();
    }
  });
});

describe('conversations.open: direct messages', () => {
  it('opens the same direct message with a person each time, and posts in it', async () => {
    const first = await client.conversations.open({ users: 'U0CAROL' });
    const again = await client.conversations.open({ users: 'U0CAROL' });
    expect(first.channel?.id).toMatch(/^D/);
    expect(again.channel?.id).toBe(first.channel?.id);
    const full = await client.conversations.open({ users: 'U0CAROL', return_im: true });
    expect(full.channel).toMatchObject({ id: first.channel?.id, is_im: true, user: 'U0CAROL' });
    const posted = await client.chat.postMessage({ channel: first.channel?.id ?? '', text: 'update' });
    expect(posted.channel).toBe(first.channel?.id);
    expect(slack.messages(first.channel?.id ?? '').map((m) => m.text)).toEqual(['update']);
  });

  it('refuses no one, a bot, a stranger and a group, as Slack does', async () => {
    expect(await platformError(client.apiCall('conversations.open', {}))).toBe('users_list_not_supplied');
    expect(await platformError(client.conversations.open({ users: slack.auth().botUserId }))).toBe('cannot_dm_bot');
    expect(await platformError(client.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');
    expect(await platformError(client.conversations.open({ users: 'U0ALICE,U0BOB' }))).toBe('not_implemented');
  });

  it('keeps direct messages out of conversations.list unless asked for ims', async () => {
    const opened = await client.conversations.open({ users: 'U0BOB' });
    const listed = await client.conversations.list({});
    expect(listed.channels?.map((c) => c.id)).not.toContain(opened.channel?.id);
    const ims = await client.conversations.list({ types: 'im' });
    expect(ims.channels?.map((c) => c.id)).toEqual([opened.channel?.id]);
  });
});
