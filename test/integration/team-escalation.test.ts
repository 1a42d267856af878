// Escalating to another team, through the real signed Slack path against the local Slack and the local
// PagerDuty: `/incident escalate` and the card's "Escalate…" page the team with its own key (once), invite its
// people, record it, and show the team's acknowledgement on the card and in the postmortem.
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { ESCALATE_FIELDS, VIEWS } from '../../src/slack/ids';
import { alertmanagerPayload } from '../support/payloads';
import { commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const ROUTING_KEY = 'test-routing-key-0123456789abcdef';
const NETWORK_KEY = 'network-team-routing-key-0123456789';
const API_TOKEN = 'test-pagerduty-api-token';
const WEBHOOK_SECRET = 'test-pagerduty-webhook-secret';
const POLICY = `
teams:
  - name: network
    pagerduty: { routingKey: ${NETWORK_KEY} }
    slackUserGroup: oncall-web
  - name: web-oncall
    pagerduty: { escalationPolicyId: PESC0WEB }
`;

let pd: FakePagerDuty;
let h: Harness;

beforeEach(async () => {
  pd = await FakePagerDuty.start({ apiToken: API_TOKEN, routingKey: ROUTING_KEY, otherRoutingKeys: [NETWORK_KEY] });
  h = await startHarness({
    policy: POLICY,
    env: {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      PAGERDUTY_API_URL: pd.apiUrl,
      PAGERDUTY_API_TOKEN: API_TOKEN,
      PAGERDUTY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
  pd.connectWebhook({ url: `${h.firebreak.url}/webhooks/pagerduty`, secret: WEBHOOK_SECRET });
});
afterEach(async () => {
  await h.stop();
  await pd.stop();
});

const TEAM_KEY = 'firebreak-inc-1-team-network';
const teamTriggers = () =>
  pd.events().filter((e) => e.status === 202 && (e.body as { dedup_key?: string }).dedup_key === TEAM_KEY);

async function incidentChannel() {
  await h.postAlert('alertmanager', alertmanagerPayload());
  return eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the incident channel');
}

function card(channelId: string, includes: string) {
  return eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
    15_000,
  );
}

const escalate = (channelId: string, text: string, userId = 'U0CAROL') =>
  commandAnswer(h.slack, { command: '/incident', text: `escalate ${text}`, userId, channelId });

it('/incident escalate pages the team with its own key, invites its group, and shows its acknowledgement', async () => {
  const channel = await incidentChannel();
  expect(h.slack.members(channel.id)).not.toContain('U0BOB');

  const answer = await escalate(channel.id, 'network routers dropping packets in eu-west');
  expect(answer.text).toContain('Escalated INC-1 to *network*: paging them through PagerDuty');
  await eventually(() => teamTriggers().length === 1, "the network team's page");
  const body = teamTriggers()[0]?.body as { routing_key: string; payload: { summary: string } };
  expect(body.routing_key).toBe(NETWORK_KEY);
  expect(body.payload.summary).toContain('escalated to network: routers dropping packets in eu-west');
  // The members of @oncall-web are brought into the channel.
  await eventually(() => h.slack.members(channel.id).includes('U0BOB'), 'Bob invited');
  expect(h.slack.members(channel.id)).toContain('U0ALICE');
  await card(channel.id, 'Teams engaged');
  await card(channel.id, 'waiting for acknowledgement');

  // Asked again: not paged again.
  const again = await escalate(channel.id, 'network');
  expect(again.text).toContain('was already escalated to for INC-1; not paged again');

  // The team acknowledges in PagerDuty: recorded and shown; the incident's own page is untouched.
  await pd.acknowledge(TEAM_KEY, { userId: 'PUSR0BOB' });
  await card(channel.id, 'acknowledged by Bob Baker');
  await h.drained();
  expect(teamTriggers()).toHaveLength(1);
  const events = await h.firebreak.store.timeline.list(1);
  expect(events.filter((e) => e.type === 'team.escalated')).toEqual([
    expect.objectContaining({
      actor: expect.objectContaining({ kind: 'user', id: 'U0CAROL' }),
      data: { team: 'network', key: TEAM_KEY, message: 'routers dropping packets in eu-west' },
    }),
  ]);
  expect(events.filter((e) => e.type === 'team.acknowledged')).toEqual([
    expect.objectContaining({ data: { team: 'network', by: 'Bob Baker' } }),
  ]);
  expect(events.map((e) => e.type)).not.toContain('page.acknowledged');

  // The postmortem tells it and measures the time to escalate.
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve routers fixed',
    userId: 'U0CAROL',
    channelId: channel.id,
  });
  const file = await eventually(() => h.slack.files(channel.id)[0], 'the postmortem file', 15_000);
  // Resolving the incident resolves the team's page in PagerDuty: nobody there is paged for it any more.
  await eventually(() => pd.incident(TEAM_KEY)?.status === 'resolved', "the team's page resolved");
  expect(file.content).toContain('Escalated to the network team by');
  expect(file.content).toContain('The network team acknowledged (Bob Baker)');
  expect(file.content).toContain('| Time to escalate (opened → first other team paged) |');
});

it('an unknown team is refused with the known teams and the right form; nothing is paged', async () => {
  const channel = await incidentChannel();
  const answer = await escalate(channel.id, 'dba please look');
  expect(answer.text).toContain('there is no team "dba"; the teams are network, web-oncall');
  expect(answer.text).toContain('/incident escalate <team> [message]');
  const outside = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'escalate network',
    userId: 'U0CAROL',
    channelId: 'C0GENERAL',
  });
  expect(outside.text).toMatch(/incident channel/);
  await h.drained();
  expect(teamTriggers()).toHaveLength(0);
  expect((await h.firebreak.store.timeline.list(1)).map((e) => e.type)).not.toContain('team.escalated');
});

it('"Escalate…" on the card opens the form; a team named by escalation policy gets its on-call engineer invited', async () => {
  const channel = await incidentChannel();
  const pinned = await card(channel.id, 'Escalate…');
  expect(h.slack.members(channel.id)).not.toContain('U0ALICE');
  await h.slack.clickButton({
    userId: 'U0CAROL',
    channelId: channel.id,
    messageTs: pinned.ts,
    actionId: 'team_escalate',
  });
  const view = await eventually(
    () => h.slack.views('U0CAROL')[0] as { private_metadata: string } | undefined,
    'the form',
  );
  await h.slack.submitView({
    userId: 'U0CAROL',
    callbackId: VIEWS.teamEscalate,
    privateMetadata: view.private_metadata,
    values: {
      [ESCALATE_FIELDS.team.block]: {
        [ESCALATE_FIELDS.team.action]: { type: 'static_select', selected_option: { value: 'web-oncall' } },
      },
      [ESCALATE_FIELDS.message.block]: { [ESCALATE_FIELDS.message.action]: { type: 'plain_text_input', value: '' } },
    },
  });
  // PESC0WEB's level-1 on-call is Alice (by email): she is invited.
  await eventually(() => h.slack.members(channel.id).includes('U0ALICE'), 'the on-call engineer invited');
  await card(channel.id, 'web-oncall');
  await h.drained();
  expect(h.slack.members(channel.id)).not.toContain('U0BOB');
  // Not paged (no route of its own): escalated, with its people invited.
  expect(pd.events().filter((e) => (e.body as { dedup_key?: string }).dedup_key?.includes('team'))).toEqual([]);
  const escalated = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'team.escalated');
  expect(escalated).toEqual([
    expect.objectContaining({
      actor: expect.objectContaining({ id: 'U0CAROL' }),
      data: expect.objectContaining({ team: 'web-oncall' }),
    }),
  ]);
});
