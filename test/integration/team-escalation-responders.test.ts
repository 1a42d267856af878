// Escalating to a team named by its escalation policy, through the real signed Slack path and the real PDJS
// client against the local PagerDuty: the team is asked by a responder request on the incident's own PagerDuty
// incident — once, across a second escalate, a lost answer and a restart — and its acceptance is the team's
// acknowledgement on the card and in the postmortem; a decline shows until the next responder accepts. Without
// PAGERDUTY_FROM_EMAIL, the escalator is told so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { alertmanagerPayload } from '../support/payloads';
import { BOT_TOKEN, commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(40_000);

const ROUTING_KEY = 'test-routing-key-0123456789abcdef';
const API_TOKEN = 'test-pagerduty-api-token';
const WEBHOOK_SECRET = 'test-pagerduty-webhook-secret';
const POLICY_ID = 'PESC0WEB';
const POLICY = `
teams:
  - name: web-oncall
    pagerduty: { escalationPolicyId: ${POLICY_ID} }
`;

let pd: FakePagerDuty;
let slack: FakeSlack;
let dir: string;
let h: Harness;

function start(env: Record<string, string> = { PAGERDUTY_FROM_EMAIL: 'carol@example.com' }): Promise<Harness> {
  return startHarness({
    dir,
    slack,
    policy: POLICY,
    env: {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      PAGERDUTY_API_URL: pd.apiUrl,
      PAGERDUTY_API_TOKEN: API_TOKEN,
      PAGERDUTY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...env,
    },
  });
}

async function startAll(env?: Record<string, string>): Promise<void> {
  h = await start(env);
  pd.connectWebhook({ url: `${h.firebreak.url}/webhooks/pagerduty`, secret: WEBHOOK_SECRET });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-responders-'));
  pd = await FakePagerDuty.start({ apiToken: API_TOKEN, routingKey: ROUTING_KEY });
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
});
afterEach(async () => {
  await h.stop();
  await slack.stop();
  await pd.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PAGE_KEY = 'firebreak-inc-1';
const requests = () => pd.incident(PAGE_KEY)?.responderRequests ?? [];

/** An incident, paged: its PagerDuty incident is where the team is asked to join. */
async function pagedIncident() {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(
    () => slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  const incident = await eventually(() => pd.incident(PAGE_KEY), "the incident's page in PagerDuty");
  return { channel, pagerIncidentId: incident.id };
}

function card(channelId: string, includes: string) {
  return eventually(
    () => slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
    15_000,
  );
}

const escalate = (channelId: string, text: string) =>
  commandAnswer(slack, { command: '/incident', text: `escalate ${text}`, userId: 'U0CAROL', channelId });

it('asks the team by a responder request, once, and its acceptance shows on the card and in the postmortem', async () => {
  await startAll();
  const { channel, pagerIncidentId } = await pagedIncident();

  const answer = await escalate(channel.id, 'web-oncall checkout errors in eu-west');
  expect(answer.text).toContain('Escalated INC-1 to *web-oncall*: paging them through PagerDuty');
  await eventually(() => requests().length === 1, 'the responder request');
  const [request] = requests();
  expect(request).toEqual(
    expect.objectContaining({
      policyId: POLICY_ID,
      requesterId: 'PUSR0CAROL',
      responders: [expect.objectContaining({ userId: 'PUSR0ALICE', state: 'pending' })],
    }),
  );
  expect(request?.message).toContain('escalated to web-oncall: checkout errors in eu-west');
  // Sent with the From header and the requester looked up by that email.
  const posts = pd.requests(`/incidents/${pagerIncidentId}/responder_requests`);
  expect(posts.map((r) => r.status)).toEqual([200]);
  expect(pd.requests('/users').map((r) => r.query.query)).toEqual(['carol@example.com']);
  // The team's own line (the incident's page also waits for acknowledgement).
  await card(channel.id, '*web-oncall* — paged');
  const stored = await h.firebreak.store.teamEscalations.findByKey('firebreak-inc-1-team-web-oncall');
  expect(stored).toEqual(expect.objectContaining({ status: 'paged', pagerIncidentId }));

  // Asked again: not requested again.
  const again = await escalate(channel.id, 'web-oncall');
  expect(again.text).toContain('was already escalated to for INC-1; not paged again');

  // Alice accepts in PagerDuty: the team's acknowledgement, recorded once (a replayed delivery changes nothing).
  const reply = await pd.answerResponderRequest(PAGE_KEY, { policyId: POLICY_ID });
  expect(reply.status).toBe(200);
  await card(channel.id, 'acknowledged by Alice Archer');
  const [delivery] = pd.deliveries().filter((d) => d.body.includes('incident.responder.replied'));
  if (!delivery) throw new Error('no incident.responder.replied delivery');
  const replay = await pd.sendRawWebhook(delivery.body, delivery.headers);
  expect(replay.status).toBe(200);
  await h.drained();
  expect(requests()).toHaveLength(1);
  const events = await h.firebreak.store.timeline.list(1);
  expect(events.filter((e) => e.type === 'team.acknowledged')).toEqual([
    expect.objectContaining({ data: { team: 'web-oncall', by: 'Alice Archer' } }),
  ]);
  // The incident's own page is untouched by the team's answer.
  expect(events.map((e) => e.type)).not.toContain('page.acknowledged');

  await commandAnswer(slack, {
    command: '/incident',
    text: 'resolve fixed',
    userId: 'U0CAROL',
    channelId: channel.id,
  });
  const file = await eventually(() => slack.files(channel.id)[0], 'the postmortem file', 15_000);
  expect(file.content).toContain('Escalated to the web-oncall team by');
  expect(file.content).toContain('The web-oncall team acknowledged (Alice Archer)');
});

it('a declined request shows on the card and the timeline, once; the next responder accepting shows instead', async () => {
  await startAll();
  const { channel } = await pagedIncident();
  await escalate(channel.id, 'web-oncall');
  await eventually(() => requests().length === 1, 'the responder request');

  // Alice declines in PagerDuty: the card says who; a replayed delivery changes nothing.
  expect((await pd.answerResponderRequest(PAGE_KEY, { policyId: POLICY_ID, state: 'declined' })).status).toBe(200);
  await card(channel.id, 'declined by Alice Archer');
  const [delivery] = pd.deliveries().filter((d) => d.body.includes('"declined"'));
  if (!delivery) throw new Error('no declined incident.responder.replied delivery');
  expect((await pd.sendRawWebhook(delivery.body, delivery.headers)).status).toBe(200);
  await h.drained();
  const declined = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'team.declined');
  expect(declined).toEqual([
    expect.objectContaining({
      data: { team: 'web-oncall', by: 'Alice Archer' },
      actor: expect.objectContaining({ kind: 'pager', name: 'Alice Archer' }),
    }),
  ]);

  // PagerDuty asks the policy's next level; Bob accepts: the team's line shows his acknowledgement instead.
  expect(requests()[0]?.responders.map((r) => [r.userId, r.state])).toEqual([
    ['PUSR0ALICE', 'declined'],
    ['PUSR0BOB', 'pending'],
  ]);
  expect((await pd.answerResponderRequest(PAGE_KEY, { policyId: POLICY_ID, userId: 'PUSR0BOB' })).status).toBe(200);
  const acknowledged = await card(channel.id, 'acknowledged by Bob Baker');
  const teams = JSON.stringify(
    (acknowledged.blocks as Array<{ block_id?: string }>).find((b) => b.block_id === 'teams'),
  );
  expect(teams).toContain('web-oncall');
  expect(teams).not.toContain('declined');
  // A decline after the team acknowledged changes nothing: someone is on it.
  expect(
    (await pd.answerResponderRequest(PAGE_KEY, { policyId: POLICY_ID, userId: 'PUSR0BOB', state: 'declined' })).body,
  ).toEqual({ applied: false, reason: 'already acknowledged' });
  const types = (await h.firebreak.store.timeline.list(1)).map((e) => e.type);
  expect(types.filter((t) => t === 'team.declined')).toHaveLength(1);

  await commandAnswer(slack, { command: '/incident', text: 'resolve fixed', userId: 'U0CAROL', channelId: channel.id });
  const file = await eventually(() => slack.files(channel.id)[0], 'the postmortem file', 15_000);
  expect(file.content).toContain('The web-oncall team declined (Alice Archer)');
  expect(file.content).toContain('The web-oncall team acknowledged (Bob Baker)');
});

it('a lost answer and a restart still make one request', async () => {
  await startAll();
  const { channel, pagerIncidentId } = await pagedIncident();
  const path = `/incidents/${pagerIncidentId}/responder_requests`;
  // The request is made in PagerDuty, but Firebreak hears a 502: it cannot know it got through.
  pd.fail(path, { status: 502, applied: true });
  await escalate(channel.id, 'web-oncall');
  await eventually(() => requests().length === 1, 'the responder request');
  await h.stop();
  await startAll();
  await card(channel.id, 'waiting for acknowledgement');
  await h.drained();
  expect(requests()).toHaveLength(1);
  expect(pd.requests(path).map((r) => r.status)).toEqual([502]);
  // Each try looked first: the request already on the incident was the earlier try's.
  expect(pd.requests(`/incidents/${pagerIncidentId}`).length).toBeGreaterThanOrEqual(2);
});

it('without PAGERDUTY_FROM_EMAIL the team is not paged, and the reply, card and timeline say what to set', async () => {
  await startAll({});
  const { channel } = await pagedIncident();
  const answer = await escalate(channel.id, 'web-oncall');
  expect(answer.text).toContain('not paging them');
  expect(answer.text).toContain('PAGERDUTY_FROM_EMAIL');
  await card(channel.id, 'PAGERDUTY_FROM_EMAIL');
  await h.drained();
  expect(requests()).toHaveLength(0);
  const [escalated] = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'team.escalated');
  expect(escalated?.data).toEqual(
    expect.objectContaining({ notPaged: expect.stringContaining('PAGERDUTY_FROM_EMAIL') }),
  );
});

it('a test incident (never paged): the team is not paged, and the reply says why', async () => {
  await startAll();
  const declared = await commandAnswer(slack, {
    command: '/incident',
    text: 'declare --test checkout drill',
    userId: 'U0CAROL',
    channelId: 'C0GENERAL',
  });
  expect(declared.text).toBeDefined();
  const channel = await eventually(
    () => slack.listChannels().find((c) => c.name.startsWith('test-')),
    'the test incident channel',
  );
  const answer = await escalate(channel.id, 'web-oncall');
  expect(answer.text).toContain('is a test incident: nobody is paged');
  await h.drained();
  expect(pd.incidents().flatMap((i) => i.responderRequests ?? [])).toHaveLength(0);
});
