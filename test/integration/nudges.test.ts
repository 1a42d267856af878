// Nudges, end to end through the signed Slack path against the local Slack: the lead prompt and the update
// reminder come after the policy's minutes (on an advanceable clock), not before; their buttons work; a
// change that answers them settles them; resolving stops them; a restart keeps a pending one and fires it once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { alertmanagerPayload } from '../support/payloads';
import { adjustableClock, BOT_TOKEN, commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(60_000);

const POLICY = 'nudges:\n  leadMinutes: 10\n  updateMinutes: 30\n';
const MINUTE = 60_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type Clock = ReturnType<typeof adjustableClock>;

/** Declared by a person, who then leads it; opened by an alert, it has no lead. */
async function openIncident(harness: Harness, how: 'declared' | 'alert') {
  if (how === 'alert') {
    expect((await harness.postAlert('alertmanager', alertmanagerPayload())).status).toBe(202);
  } else {
    const reply = await commandAnswer(harness.slack, {
      command: '/incident',
      text: 'declare Checkout errors sev3 checkout',
      userId: 'U0ALICE',
      channelId: 'C0GENERAL',
    });
    expect(reply.text).toContain('declared *INC-1*');
  }
  const channel = await eventually(
    () => harness.slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  await eventually(() => harness.slack.messages(channel.id).some((m) => m.pinned), 'the pinned card');
  await harness.drained();
  return channel;
}

/** Moves Firebreak's clock and lets it do whatever is due by then. */
async function advance(harness: Harness, clock: Clock, ms: number): Promise<void> {
  clock.advance(ms);
  harness.firebreak.outbox.wake();
  await harness.drained();
}

const leadPrompts = (harness: Harness, channelId: string) =>
  harness.slack.messages(channelId).filter((m) => JSON.stringify(m.blocks).includes('has no lead yet'));
const reminders = (harness: Harness, channelId: string) =>
  harness.slack.messages(channelId).filter((m) => JSON.stringify(m.blocks).includes('update for INC-1 has gone out'));

it('prompts for a lead after leadMinutes, not before; "I\'ll lead" makes the clicker lead and settles the prompt', async () => {
  const clock = adjustableClock();
  h = await startHarness({ policy: POLICY, clock });
  const channel = await openIncident(h, 'alert');

  await advance(h, clock, 9 * MINUTE);
  expect(leadPrompts(h, channel.id)).toHaveLength(0);

  await advance(h, clock, 2 * MINUTE);
  const prompt = await eventually(() => leadPrompts(h!, channel.id)[0], 'the lead prompt');
  expect(JSON.stringify(prompt.blocks)).toContain('nudge_lead');

  // Two people click at once: one leads, the other is told who does; the lead is assigned once.
  const responses = h.slack.responses.length;
  await Promise.all(
    ['U0BOB', 'U0CAROL'].map((userId) =>
      h!.slack.clickButton({ userId, channelId: channel.id, messageTs: prompt.ts, actionId: 'nudge_lead', value: '1' }),
    ),
  );
  const answers = await eventually(() => {
    const got = h!.slack.responses.slice(responses).map((r) => (r.body as { text: string }).text);
    return got.length === 2 ? got : undefined;
  }, 'both answers');
  const lead = (await h.firebreak.store.incidents.findById(1))?.leadUserId;
  expect(['U0BOB', 'U0CAROL']).toContain(lead);
  expect(answers.filter((t) => t.includes('You now lead *INC-1*'))).toHaveLength(1);
  expect(answers.filter((t) => t.includes(`<@${lead}> already leads`))).toHaveLength(1);
  const assigned = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'incident.lead_assigned');
  expect(assigned).toHaveLength(1);
  expect(assigned[0]).toMatchObject({ actor: { kind: 'user', id: lead }, data: { userId: lead } });
  // The prompt now says who leads, and offers nothing to click.
  await eventually(() => {
    const edited = h!.slack.messages(channel.id).find((m) => m.ts === prompt.ts);
    const blocks = JSON.stringify(edited?.blocks);
    return blocks.includes(`<@${lead}> leads the incident`) && !blocks.includes('nudge_lead');
  }, 'the prompt settled');

  await advance(h, clock, 20 * MINUTE);
  expect(leadPrompts(h, channel.id)).toHaveLength(1);
  expect((await h.firebreak.store.incidents.findById(1))?.leadUserId).toBe(lead);
});

it('reminds the lead after updateMinutes without movement; a note re-arms it; "Post update" opens the form; resolving stops it', async () => {
  const clock = adjustableClock();
  h = await startHarness({ policy: POLICY, clock });
  const channel = await openIncident(h, 'declared');
  expect((await h.firebreak.store.incidents.findById(1))?.leadUserId).toBe('U0ALICE');

  await advance(h, clock, 20 * MINUTE);
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'note rolled back the deploy',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  // 31 minutes after opening, but 11 after the note: not yet.
  await advance(h, clock, 11 * MINUTE);
  expect(reminders(h, channel.id)).toHaveLength(0);

  await advance(h, clock, 20 * MINUTE);
  const reminder = await eventually(() => reminders(h!, channel.id)[0], 'the update reminder');
  expect(reminder.text).toContain('<@U0ALICE>');
  expect(JSON.stringify(reminder.blocks)).toContain('update_open');

  await h.slack.clickButton({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: reminder.ts,
    actionId: 'update_open',
    value: '1',
  });
  const form = await eventually(
    () => h!.slack.openViews('U0ALICE').find((v) => JSON.stringify(v).includes('incident_update_form')),
    'the update form',
  );
  expect(JSON.stringify(form)).toContain('Post update');
  const submitted = await h.slack.submitView({
    userId: 'U0ALICE',
    callbackId: 'incident_update_form',
    privateMetadata: JSON.stringify({ incidentId: 1 }),
    values: {
      update_text: { update_text_input: { type: 'plain_text_input', value: 'Deploy rolled back; errors falling.' } },
    },
  });
  expect(submitted.status).toBe(200);
  await eventually(
    () => h!.slack.messages(channel.id).some((m) => m.text.includes('Deploy rolled back; errors falling.')),
    'the update in the channel',
  );
  await eventually(() => {
    const edited = h!.slack.messages(channel.id).find((m) => m.ts === reminder.ts);
    return (
      edited &&
      JSON.stringify(edited.blocks).includes('An update went out') &&
      !JSON.stringify(edited.blocks).includes('update_open')
    );
  }, 'the reminder settled');
  await h.drained();

  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve fixed',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  await h.drained();
  await advance(h, clock, 90 * MINUTE);
  expect(reminders(h, channel.id)).toHaveLength(1);
  // Nothing is left waiting to nudge a resolved incident.
  const pending = await h.firebreak.store.outbox.list({ status: 'pending', incidentId: 1 });
  expect(pending.filter((j) => j.kind === 'nudge.check')).toHaveLength(0);
});

it('a second reminder replaces the first: at most one stands', async () => {
  const clock = adjustableClock();
  h = await startHarness({ policy: POLICY, clock });
  const channel = await openIncident(h, 'alert');
  await advance(h, clock, 31 * MINUTE);
  const first = await eventually(() => reminders(h!, channel.id)[0], 'the first reminder');
  await advance(h, clock, 31 * MINUTE);
  await eventually(() => reminders(h!, channel.id).length === 2, 'the second reminder');
  await h.drained();
  const old = h.slack.messages(channel.id).find((m) => m.ts === first.ts);
  expect(JSON.stringify(old?.blocks)).toContain('A newer reminder follows below');
  expect(JSON.stringify(old?.blocks)).not.toContain('update_open');
  const standing = reminders(h, channel.id).filter((m) => JSON.stringify(m.blocks).includes('update_open'));
  expect(standing).toHaveLength(1);
});

it('a nudge pending across a restart (a new process on the same database) fires once', async () => {
  const clock = adjustableClock();
  const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-nudge-restart-'));
  try {
    const first = await startHarness({ slack, dir, policy: POLICY, clock });
    const channel = await openIncident(first, 'alert');
    await first.stop();

    clock.advance(11 * MINUTE);
    h = await startHarness({ slack, dir, policy: POLICY, clock });
    await eventually(() => leadPrompts(h!, channel.id).length === 1, 'the lead prompt after the restart', 15_000);
    await h.drained();
    await advance(h, clock, 5 * MINUTE);
    expect(leadPrompts(h, channel.id)).toHaveLength(1);
  } finally {
    await h?.stop();
    h = undefined;
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
