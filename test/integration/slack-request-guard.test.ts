// What a caller of POST /slack/events sees, through the real HTTP server and the real Bolt receiver:
// malformed but signed bodies answer 400, refusals say why in JSON, replays and future timestamps are
// refused, and nothing stored changes.
import pino from 'pino';
import { signSlackRequest } from '../../src/sandbox/slack-signature';
import { alertmanagerPayload, incidentCommandBody } from '../support/payloads';
import { eventually, SIGNING_SECRET, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

interface Answer {
  status: number;
  text: string;
  json: { error?: string } | null;
}

async function post(
  body: string,
  options: { contentType?: string; headers?: Record<string, string>; path?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${h.firebreak.url}${options.path ?? '/slack/events'}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? FORM, ...options.headers },
    body,
  });
  const text = await response.text();
  let json: Answer['json'] = null;
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    // not JSON
  }
  return { status: response.status, text, json };
}

/** Signed as Slack signs, at `ts` (default now). */
function postSigned(
  body: string,
  options: { contentType?: string; ts?: number; headers?: Record<string, string>; path?: string } = {},
): Promise<Answer> {
  return post(body, {
    ...options,
    headers: { ...signSlackRequest(SIGNING_SECRET, body, options.ts ?? nowSeconds()), ...options.headers },
  });
}

/** Everything a refusal must not change. */
async function storedState() {
  const incidents = await h.firebreak.store.incidents.listRecent(50);
  const timelines = await Promise.all(incidents.map((i) => h.firebreak.store.timeline.list(i.id)));
  return { incidents, timelines };
}

function expectRefusal(answer: Answer, status: number, says: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.json?.error).toMatch(says);
  // Never echo the secret, nor the signature that was sent.
  expect(answer.text).not.toContain(SIGNING_SECRET);
  expect(answer.text).not.toMatch(/v0=[0-9a-f]{64}/);
}

describe('a correctly signed body that is not what Slack sends', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['interactivity payload=null', 'payload=null', FORM, /payload.*object/i],
    ['interactivity payload that is not JSON', 'payload=%7Bnot-json', FORM, /payload.*not valid JSON/i],
    [
      'interactivity payload without a type',
      `payload=${encodeURIComponent('{"user":{"id":"U0ALICE"}}')}`,
      FORM,
      /payload.*type/i,
    ],
    ['interactivity payload that is an array', `payload=${encodeURIComponent('[1,2]')}`, FORM, /payload.*object/i],
    ['form with neither a command nor a payload', 'hello=world', FORM, /command|payload/i],
    ['JSON null', 'null', JSON_TYPE, /object/i],
    ['JSON array', '[]', JSON_TYPE, /object/i],
    ['JSON string', '"event_callback"', JSON_TYPE, /object/i],
    ['JSON object without a type', '{"event":{}}', JSON_TYPE, /type/i],
    ['not JSON at all', '{"type":', JSON_TYPE, /not valid JSON/i],
    ['an empty body', '', JSON_TYPE, /empty/i],
  ];

  it.each(cases)(
    '%s answers 400 saying what was wrong, and changes nothing',
    async (_name, body, contentType, says) => {
      const before = await storedState();
      expectRefusal(await postSigned(body, { contentType }), 400, says);
      expect(await storedState()).toEqual(before);
    },
  );

  it('leaves the process serving: a signed command right after still answers', async () => {
    await postSigned('payload=null');
    await postSigned('null', { contentType: JSON_TYPE });
    const body = incidentCommandBody('help');
    const answer = await postSigned(body);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('/incident declare');
    expect((await h.postAlert('alertmanager', alertmanagerPayload())).status).toBe(202);
  });
});

describe('what passes the guard reaches Bolt as before', () => {
  it("Slack's SSL check (unsigned) and URL verification (signed) are answered as Slack expects", async () => {
    const ssl = await post('ssl_check=1&token=unused');
    expect(ssl.status).toBe(200);
    expect(ssl.text).toBe('');
    const challenge = { type: 'url_verification', token: 'unused', challenge: 'c-3a7f' };
    const verified = await postSigned(JSON.stringify(challenge), { contentType: JSON_TYPE });
    expect(verified.status).toBe(200);
    expect(JSON.parse(verified.text)).toEqual({ challenge: 'c-3a7f' });
  });

  it("a listener's error still reaches app.error, and the request is answered", async () => {
    await h.stop();
    let logged = '';
    const logger = pino(
      { level: 'error' },
      {
        write: (line: string) => {
          logged += line;
        },
      },
    );
    h = await startHarness({ logger });
    h.firebreak.slack.app.action('test_boom', async ({ ack }) => {
      await ack();
      throw new Error('listener failed on purpose');
    });
    const payload = {
      type: 'block_actions',
      user: { id: 'U0ALICE' },
      team: { id: 'T0SANDBOX' },
      api_app_id: 'A0FIREBRK',
      trigger_id: '8.8.8',
      actions: [{ action_id: 'test_boom', block_id: 'b', type: 'button', action_ts: '1.2' }],
    };
    expect((await postSigned(`payload=${encodeURIComponent(JSON.stringify(payload))}`)).status).toBe(200);
    await eventually(
      () => logged.includes('slack request failed') && logged.includes('listener failed on purpose'),
      'app.error to log the failure',
    );
  });
});

describe('refusals say why, in JSON', () => {
  it('no signature headers: 401', async () => {
    expectRefusal(await post(incidentCommandBody('help')), 401, /X-Slack-Signature/);
  });

  it('a signature made with another secret: 401', async () => {
    const body = incidentCommandBody('help');
    expectRefusal(
      await post(body, { headers: signSlackRequest('another-secret', body, nowSeconds()) }),
      401,
      /does not match/,
    );
  });

  it('a timestamp older than 5 minutes: 401', async () => {
    expectRefusal(
      await postSigned(incidentCommandBody('declare Old outage'), { ts: nowSeconds() - 600 }),
      401,
      /older than 5 minutes/,
    );
    expect(await h.firebreak.store.incidents.listRecent(10)).toEqual([]);
  });

  it.each([
    ['10 minutes', 600],
    ['a day', 86_400],
  ])('a timestamp %s in the future: 401', async (_name, ahead) => {
    expectRefusal(
      await postSigned(incidentCommandBody('declare Future outage'), { ts: nowSeconds() + ahead }),
      401,
      /in the future/,
    );
    expect(await h.firebreak.store.incidents.listRecent(10)).toEqual([]);
  });

  it('a signed request no listener takes: 404 with a body', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: 'U0ALICE' },
      team: { id: 'T0SANDBOX' },
      api_app_id: 'A0FIREBRK',
      trigger_id: '9.9.9',
      actions: [{ action_id: 'nobody_listens', block_id: 'b', type: 'button', action_ts: '1.1' }],
    };
    expectRefusal(await postSigned(`payload=${encodeURIComponent(JSON.stringify(payload))}`), 404, /no listener/i);
  });

  it('a signed request to a path Bolt does not serve: 404 with a body', async () => {
    expectRefusal(await postSigned(incidentCommandBody('help'), { path: '/slack/events/' }), 404, /\/slack\/events/);
  });
});

describe('replays', () => {
  async function incidentChannel() {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await eventually(
      () => h.slack.listChannels().find((c) => c.name.startsWith('inc-')),
      'incident channel',
    );
    await eventually(
      async () => (await h.firebreak.store.incidents.findById(1))?.channelId === channel.id,
      'channel stored',
    );
    return channel;
  }

  it('a signed /incident note replayed 7 times within the window stores one note; each replay is refused with 401', async () => {
    const channel = await incidentChannel();
    const body = incidentCommandBody('note the database is fine', channel.id);
    const headers = signSlackRequest(SIGNING_SECRET, body, nowSeconds());
    expect((await post(body, { headers })).status).toBe(200);
    for (let i = 0; i < 7; i++) expectRefusal(await post(body, { headers }), 401, /already received/);
    const notes = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'note.added');
    expect(notes).toHaveLength(1);
  });

  it('an old /incident status replay cannot revert a newer change', async () => {
    const channel = await incidentChannel();
    const identified = incidentCommandBody('status identified bad deploy', channel.id, '1.1.1');
    const identifiedHeaders = signSlackRequest(SIGNING_SECRET, identified, nowSeconds() - 60);
    expect((await post(identified, { headers: identifiedHeaders })).status).toBe(200);
    const monitoring = incidentCommandBody('status monitoring rolled back', channel.id, '2.2.2');
    expect((await postSigned(monitoring)).status).toBe(200);
    expect((await h.firebreak.store.incidents.findById(1))?.status).toBe('monitoring');

    expectRefusal(await post(identified, { headers: identifiedHeaders }), 401, /already received/);
    expect((await h.firebreak.store.incidents.findById(1))?.status).toBe('monitoring');
  });

  it('a replay is refused by another replica on the same store', async () => {
    const other = await startHarness({ dir: h.dir, slack: h.slack });
    try {
      const body = incidentCommandBody('help');
      const headers = signSlackRequest(SIGNING_SECRET, body, nowSeconds());
      expect((await post(body, { headers })).status).toBe(200);
      const replay = await fetch(`${other.firebreak.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': FORM, ...headers },
        body,
      });
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { error: string }).error).toMatch(/already received/);
    } finally {
      await other.stop();
    }
  });

  it("Slack's own retry (new signature and timestamp, X-Slack-Retry-Num) is not a replay", async () => {
    const body = incidentCommandBody('help');
    expect((await postSigned(body, { ts: nowSeconds() - 2 })).status).toBe(200);
    expect(
      (await postSigned(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }))
        .status,
    ).toBe(200);
  });

  it('a refused signature is not remembered: the genuine request still goes through', async () => {
    const body = incidentCommandBody('help');
    const ts = nowSeconds();
    const genuine = signSlackRequest(SIGNING_SECRET, body, ts);
    // Same signature header, but a body it does not sign: refused, and not recorded as seen.
    expect((await post(incidentCommandBody('list'), { headers: genuine })).status).toBe(401);
    expect((await post(body, { headers: genuine })).status).toBe(200);
  });
});
