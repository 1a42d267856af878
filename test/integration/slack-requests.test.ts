// Slack's side through the real Bolt HTTP receiver: signatures checked, commands answered, actions recorded.
import { signSlackRequest } from '../../src/sandbox/slack-signature';
import { alertmanagerPayload, incidentCommandBody } from '../support/payloads';
import { commandAnswer, eventually, SIGNING_SECRET, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

async function postSigned(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${h.firebreak.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function incidentChannel() {
  return eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'incident channel');
}

async function card(channelId: string, includes: string) {
  return eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `card showing ${includes}`,
  );
}

describe('signature verification', () => {
  it('accepts a request signed as Slack signs it', async () => {
    const body = incidentCommandBody('help');
    const response = await postSigned(body, signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)));
    expect(response.status).toBe(200);
    expect(response.text).toContain('/incident declare');
  });

  it('refuses a bad signature', async () => {
    const body = incidentCommandBody('help');
    const response = await postSigned(body, signSlackRequest('another-secret', body, Math.floor(Date.now() / 1000)));
    expect(response.status).toBe(401);
  });

  it('refuses a body changed after signing', async () => {
    const headers = signSlackRequest(SIGNING_SECRET, incidentCommandBody('help'), Math.floor(Date.now() / 1000));
    const response = await postSigned(incidentCommandBody('declare Fake outage sev1'), headers);
    expect(response.status).toBe(401);
    expect(await h.firebreak.store.incidents.listRecent(10)).toEqual([]);
  });

  it('refuses a correctly signed request that is 10 minutes old (replay)', async () => {
    const body = incidentCommandBody('declare Replayed outage');
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const response = await postSigned(body, signSlackRequest(SIGNING_SECRET, body, tenMinutesAgo));
    expect(response.status).toBe(401);
    expect(await h.firebreak.store.incidents.listRecent(10)).toEqual([]);
  });
});

describe('/incident', () => {
  it('declare opens an incident channel, invites the declarer as lead and pins the card', async () => {
    const answer = await commandAnswer(h.slack, {
      command: '/incident',
      text: 'declare Checkout returns 500s sev2 checkout',
      userId: 'U0ALICE',
      channelId: h.slack.channelByName('general')!.id,
    });
    expect(answer.response_type).toBe('in_channel');
    expect(answer.text).toContain('declared *INC-1*');
    const channel = await incidentChannel();
    expect(channel.name).toMatch(/^inc-\d{8}-checkout-returns-500s$/);
    await eventually(() => h.slack.members(channel.id).includes('U0ALICE'), 'alice invited');
    const pinned = await card(channel.id, 'Checkout returns 500s');
    expect(JSON.stringify(pinned.blocks)).toContain('<@U0ALICE>');
    const events = await h.firebreak.store.timeline.list(1);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['incident.declared', { kind: 'user', id: 'U0ALICE', name: 'alice' }],
      ['incident.lead_assigned', { kind: 'user', id: 'U0ALICE', name: 'alice' }],
    ]);
  });

  it('status, note, lead and sev inside the channel land in the timeline with their actor and on the card', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await card(channel.id, 'Investigating');
    const run = (text: string, userId = 'U0BOB') =>
      commandAnswer(h.slack, { command: '/incident', text, userId, channelId: channel.id });

    expect(JSON.stringify(await run('status identified flash sale traffic'))).toContain('Status is now *identified*');
    expect(JSON.stringify(await run('note added 10 web servers'))).toContain('Noted');
    expect(JSON.stringify(await run('lead <@U0CAROL|carol>'))).toContain('<@U0CAROL> now leads');
    expect(JSON.stringify(await run('sev 2'))).toContain('Severity is now *sev2*');

    const pinned = await card(channel.id, 'SEV2');
    const text = JSON.stringify(pinned.blocks);
    expect(text).toContain('Identified');
    expect(text).toContain('<@U0CAROL>');
    expect(text).toContain('added 10 web servers');
    const events = (await h.firebreak.store.timeline.list(1)).filter((e) => e.actor.kind === 'user');
    expect(events.map((e) => [e.type, e.actor.kind === 'user' ? e.actor.id : ''])).toEqual([
      ['incident.status_changed', 'U0BOB'],
      ['note.added', 'U0BOB'],
      ['incident.lead_assigned', 'U0BOB'],
      ['incident.severity_changed', 'U0BOB'],
    ]);
  });

  it('wrong input gets a reply only the user sees, naming the problem and the right form', async () => {
    const reply = await h.slack.slashCommand({
      command: '/incident',
      text: 'sev 7',
      userId: 'U0ALICE',
      channelId: h.slack.channelByName('general')!.id,
    });
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(reply.body.text).toContain('a number from 1 (worst) to 4');
    expect(reply.body.text).toContain('/incident sev <1-4>');
  });

  it('channel commands outside an incident channel say where they work', async () => {
    const answer = await commandAnswer(h.slack, {
      command: '/incident',
      text: 'note hello',
      userId: 'U0ALICE',
      channelId: h.slack.channelByName('general')!.id,
    });
    expect(answer.response_type ?? 'ephemeral').toBe('ephemeral');
    expect(answer.text).toContain('works inside an incident channel');
  });

  it('declare with no arguments opens the modal; submitting it declares the incident', async () => {
    await h.slack.slashCommand({
      command: '/incident',
      text: 'declare',
      userId: 'U0ALICE',
      channelId: h.slack.channelByName('general')!.id,
    });
    const view = await eventually(() => h.slack.views('U0ALICE')[0], 'the declare modal');
    expect(JSON.stringify(view)).toContain('Declare an incident');
    const bad = await h.slack.submitView({
      userId: 'U0ALICE',
      callbackId: 'incident_declare',
      values: {
        title: { title_input: { type: 'plain_text_input', value: '  ' } },
        severity: { severity_select: { type: 'static_select', selected_option: { value: 'sev2' } } },
      },
    });
    expect(JSON.stringify(bad.body)).toContain('Say what is happening');
    const good = await h.slack.submitView({
      userId: 'U0ALICE',
      callbackId: 'incident_declare',
      values: {
        title: { title_input: { type: 'plain_text_input', value: 'Search is slow' } },
        severity: { severity_select: { type: 'static_select', selected_option: { value: 'sev3' } } },
        service: { service_input: { type: 'plain_text_input', value: 'search' } },
      },
    });
    expect(good.status).toBe(200);
    const incident = await eventually(
      async () => (await h.firebreak.store.incidents.listOpen())[0],
      'declared incident',
    );
    expect(incident).toMatchObject({
      title: 'Search is slow',
      severity: 'sev3',
      service: 'search',
      leadUserId: 'U0ALICE',
    });
  });

  it('list shows open incidents with their channels', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await eventually(async () => (await h.firebreak.store.incidents.findById(1))?.channelId, 'channel stored');
    const answer = await commandAnswer(h.slack, {
      command: '/incident',
      text: 'list',
      userId: 'U0ALICE',
      channelId: channel.id,
    });
    expect(answer.text).toContain('Open incidents (1)');
    expect(answer.text).toContain(`<#${channel.id}>`);
  });

  it('list answers in the acknowledgement itself: one message, nothing more through the response URL', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    const responsesBefore = h.slack.responses.length;
    const reply = await h.slack.slashCommand({
      command: '/incident',
      text: 'list',
      userId: 'U0ALICE',
      channelId: channel.id,
    });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).toContain('Open incidents (1)');
    // Time for a late answer to arrive, had one been sent.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.responses).toHaveLength(responsesBefore);
  });
});

describe('buttons and reactions', () => {
  it('a :pushpin: on a message in the incident channel adds it to the timeline once', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await card(channel.id, 'Investigating');
    const ts = h.slack.postUserMessage(channel.id, 'U0BOB', 'Marketing launched the flash sale at 11:25');
    expect(await h.slack.addReaction(channel.id, ts, 'U0ALICE', 'pushpin')).toBe(200);
    await h.slack.addReaction(channel.id, ts, 'U0CAROL', 'pushpin');
    await eventually(
      async () => (await h.firebreak.store.timeline.list(1)).some((e) => e.type === 'message.pinned'),
      'pinned',
    );
    // Carol's :pushpin: handled too, not merely answered: only then does "once" mean anything.
    await h.drained();
    const events = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'message.pinned');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { kind: 'user', id: 'U0ALICE' },
      data: { text: 'Marketing launched the flash sale at 11:25', author: 'U0BOB' },
    });
    await card(channel.id, 'Marketing launched the flash sale');
  });

  it('the Resolve button opens the resolve form; submitting it resolves with the answers and the card turns final', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    const pinned = await card(channel.id, 'incident_resolve');
    const click = await h.slack.clickButton({
      userId: 'U0BOB',
      channelId: channel.id,
      messageTs: pinned.ts,
      actionId: 'incident_resolve',
    });
    expect(click.status).toBe(200);
    const form = await eventually(() => h.slack.views('U0BOB')[0], 'the resolve form');
    expect(JSON.stringify(form)).toContain('Root cause');
    const text = (value: string) => ({ type: 'plain_text_input', value });
    const submitted = await h.slack.submitView({
      userId: 'U0BOB',
      callbackId: 'incident_resolve_form',
      values: {
        summary: { summary_input: text('Flash sale overwhelmed web') },
        impact: { impact_input: text('Checkout down for 40% of users') },
        root_cause: { root_cause_input: text('') },
        resolution: { resolution_input: text('Added 20 web servers') },
        follow_ups: { follow_ups_input: text('- Configure auto-scaling\n- Pre-scale before sales') },
      },
    });
    expect(submitted.status).toBe(200);
    await card(channel.id, 'Resolved');
    const incident = await h.firebreak.store.incidents.findById(1);
    expect(incident?.status).toBe('resolved');
    const resolved = (await h.firebreak.store.timeline.list(1)).find((e) => e.type === 'incident.resolved');
    expect(resolved).toMatchObject({
      actor: { kind: 'user', id: 'U0BOB' },
      data: {
        summary: 'Flash sale overwhelmed web',
        impact: 'Checkout down for 40% of users',
        resolution: 'Added 20 web servers',
        followUps: ['Configure auto-scaling', 'Pre-scale before sales'],
      },
    });
    expect(resolved?.data).not.toHaveProperty('rootCause');
  });
});
