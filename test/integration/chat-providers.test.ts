// The Chat port holds for more than Slack: the same incident flows, through the real HTTP server and outbox,
// hold incidents on Slack (the real adapter against the local Slack Web API) and on a second, test-only platform
// with its own channel names, Markdown messages and `@username` mentions (test/support/markdown-chat.ts). An
// alert opens a channel named by the platform's rules, posts, pins and announces the card, shows the lead as the
// platform mentions people, says when every alert has resolved, and finds a post whose answer was lost instead
// of posting it twice. Only how each platform writes things differs.
import { userActor } from '../../src/domain/actor';
import { assignLead } from '../../src/domain/incident-changes';
import { responderJoined } from '../../src/flows/catch-up';
import { updateIncident } from '../../src/flows/update-incident';
import type { MessageMarker } from '../../src/ports/chat';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { BOT_TOKEN, eventually, startHarness, type Harness } from '../support/harness';
import { startLossyProxy, type LossyProxy } from '../support/lossy-proxy';
import { createMarkdownChat, MarkdownChatPlatform } from '../support/markdown-chat';
import { alertmanagerPayload } from '../support/payloads';

jest.setTimeout(30_000);

interface SeenMessage {
  /** Everything the message shows, as the platform writes it. */
  text: string;
  pinned: boolean;
  marker: MessageMarker['kind'] | null;
}

/** One chat platform under test: how to start Firebreak on it, and what its people see there. */
interface Platform {
  name: string;
  start(): Promise<Harness>;
  stop(): Promise<void>;
  incidentChannels(): Array<{ id: string; name: string }>;
  messages(channelId: string): SeenMessage[];
  announcements(): SeenMessage[];
  /** How the platform shows a mention of this person. */
  mention(userId: string): string;
  /** How the card says that the incident's one alert has resolved. */
  allResolvedOnCard: RegExp;
  /** The platform's own rule for a channel name. */
  validName: RegExp;
  /** The next post of this kind is made, but Firebreak never hears the answer. */
  loseAnswerOfNextPost(kind: MessageMarker['kind']): void;
  /** Whether that answer was lost. */
  answerLost(): boolean;
  /** A person joins the channel, as the platform tells Firebreak (its event, or its receiver calling the flow). */
  join(h: Harness, channelId: string, userId: string): Promise<void>;
  /** What was shown to this person alone. */
  shownOnlyTo(userId: string): string[];
}

function slack(): Platform {
  let fake: FakeSlack;
  let proxy: LossyProxy;
  let lost = false;
  const seen = (m: ReturnType<FakeSlack['messages']>[number]): SeenMessage => ({
    text: `${m.text}\n${JSON.stringify(m.blocks ?? [])}`,
    pinned: m.pinned,
    marker: (/^firebreak_(incident_card|incident_announcement)$/.exec(m.metadata?.event_type ?? '')?.[1] ??
      null) as SeenMessage['marker'],
  });
  return {
    name: 'Slack',
    async start() {
      fake = await FakeSlack.start({ botToken: BOT_TOKEN });
      proxy = await startLossyProxy(fake.apiUrl);
      return startHarness({ slack: fake, env: { SLACK_API_URL: proxy.apiUrl } });
    },
    async stop() {
      await proxy.stop();
      await fake.stop();
    },
    incidentChannels: () => fake.listChannels().filter((c) => c.name.startsWith('inc-')),
    messages: (channelId) => fake.messages(channelId).map(seen),
    announcements: () => fake.messages(fake.channelByName('incidents')?.id ?? '').map(seen),
    mention: (userId) => `<@${userId}>`,
    validName: /^inc-\d{8}-[a-z0-9-]{1,67}$/,
    allResolvedOnCard: /All 1 alert has resolved/,
    loseAnswerOfNextPost(kind) {
      proxy.setFault((method, body) => {
        if (lost || method !== 'chat.postMessage' || !decodeURIComponent(body).includes(`firebreak_${kind}`))
          return null;
        lost = true;
        return 'lose-answer';
      });
    },
    answerLost: () => lost,
    async join(_h, channelId, userId) {
      expect(await fake.joinChannel(channelId, userId)).toBe(200);
    },
    shownOnlyTo: (userId) =>
      fake.ephemerals.filter((e) => e.user === userId).map((e) => `${e.text}\n${JSON.stringify(e.blocks ?? [])}`),
  };
}

function markdown(): Platform {
  let platform: MarkdownChatPlatform;
  const seen = (m: MarkdownChatPlatform['messages'][number]): SeenMessage => ({
    text: m.text,
    pinned: m.pinned,
    marker: m.marker?.kind ?? null,
  });
  return {
    name: 'a Markdown platform (test-only)',
    async start() {
      platform = new MarkdownChatPlatform({ channels: ['incidents'], usernames: { U0BOB: 'bob' } });
      return startHarness({ chat: () => createMarkdownChat(platform) });
    },
    async stop() {},
    incidentChannels: () => [...platform.channels.values()].filter((c) => c.name.startsWith('inc-')),
    messages: (channelId) => platform.messagesIn(channelId).map(seen),
    announcements: () => platform.messagesIn(platform.channelByName('incidents')?.id ?? '').map(seen),
    mention: (userId) => `@${platform.usernames.get(userId) ?? userId}`,
    validName: /^inc-\d+-[a-z0-9-]{1,60}$/,
    allResolvedOnCard: /0 firing, 1 resolved/,
    loseAnswerOfNextPost(kind) {
      platform.loseAnswerOfNextPost = kind;
    },
    answerLost: () => platform.loseAnswerOfNextPost === null && platform.posts.incident_card === 1,
    async join(h, channelId, userId) {
      // What this platform's receiver would do on its "user joined" event: the same use case.
      platform.channels.get(channelId)?.members.add(userId);
      const flows = { store: h.firebreak.store, clock: h.clock, wakeOutbox: () => h.firebreak.outbox.wake() };
      await responderJoined(flows, { channelId, userId, joinId: 'join-1', invitedByUs: false });
    },
    shownOnlyTo: (userId) => platform.ephemerals.filter((e) => e.userId === userId).map((e) => e.text),
  };
}

describe.each([slack(), markdown()])('incidents held on $name', (platform) => {
  let h: Harness;

  beforeEach(async () => {
    h = await platform.start();
  });
  afterEach(async () => {
    await h.stop();
    await platform.stop();
  });

  async function incidentChannel(): Promise<{ id: string; name: string }> {
    expect((await h.postAlert('alertmanager', alertmanagerPayload())).status).toBe(202);
    return eventually(() => platform.incidentChannels()[0], 'the incident channel');
  }

  const card = (channelId: string, shows: string) =>
    eventually(
      () => platform.messages(channelId).find((m) => m.marker === 'incident_card' && m.text.includes(shows)),
      `the card showing ${shows}`,
      15_000,
    );

  it('an alert opens a channel named by the platform, with its card posted, pinned and announced', async () => {
    const channel = await incidentChannel();
    expect(channel.name).toMatch(platform.validName);
    expect(channel.name).toContain('request-rate-on-web');
    await h.drained();
    const cards = platform.messages(channel.id).filter((m) => m.marker === 'incident_card');
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ pinned: true });
    expect(cards[0]?.text).toContain('INC-1');
    const [announcement, ...others] = platform.announcements().filter((m) => m.marker === 'incident_announcement');
    expect(others).toHaveLength(0);
    expect(announcement?.text).toContain('INC-1');
  });

  it('the lead is shown on the card as the platform mentions people', async () => {
    const channel = await incidentChannel();
    await card(channel.id, 'INC-1');
    const flows = { store: h.firebreak.store, clock: h.clock, wakeOutbox: () => h.firebreak.outbox.wake() };
    const led = await updateIncident(flows, 1, (incident, now) =>
      assignLead(incident, 'U0BOB', userActor('U0ALICE'), now),
    );
    expect(led.ok).toBe(true);
    await card(channel.id, platform.mention('U0BOB'));
    const again = await updateIncident(flows, 1, (incident, now) =>
      assignLead(incident, 'U0BOB', userActor('U0ALICE'), now),
    );
    // The refusal names the lead as tokens; each platform writes them its own way.
    expect(again).toEqual({ ok: false, reason: [{ mention: 'U0BOB' }, ' already leads this incident.'] });
  });

  it('when every alert resolves, the card counts it and a notice says so', async () => {
    const channel = await incidentChannel();
    await card(channel.id, 'INC-1');
    expect((await h.postAlert('alertmanager', alertmanagerPayload({ status: 'resolved' }))).status).toBe(202);
    await eventually(
      () => platform.messages(channel.id).find((m) => m.marker === null && /alerts? .*ha(s|ve) resolved/i.test(m.text)),
      'the notice that every alert resolved',
      15_000,
    );
    await h.drained();
    const cards = platform.messages(channel.id).filter((m) => m.marker === 'incident_card');
    expect(cards).toHaveLength(1);
    expect(cards[0]?.text).toMatch(platform.allResolvedOnCard);
  });

  it('a person joining is caught up, alone, and noted on the timeline', async () => {
    const channel = await incidentChannel();
    await card(channel.id, 'INC-1');
    await platform.join(h, channel.id, 'U0BOB');
    const [shown] = await eventually(
      () => (platform.shownOnlyTo('U0BOB').length > 0 ? platform.shownOnlyTo('U0BOB') : undefined),
      'the catch-up',
    );
    expect(shown).toContain('Catching up on INC-1');
    expect(shown).toContain('Request rate on web is 8x normal');
    expect(platform.shownOnlyTo('U0ALICE')).toEqual([]);
    const joined = await eventually(async () => {
      const events = await h.firebreak.store.timeline.list(1);
      return events.filter((e) => e.type === 'responder.joined' && e.data.userId === 'U0BOB').length === 1;
    }, 'the join on the timeline');
    expect(joined).toBe(true);
    // Each platform's card names the newcomer as it mentions people.
    await card(channel.id, platform.mention('U0BOB'));
  });

  it('a card whose answer was lost is found by its marker, not posted twice', async () => {
    platform.loseAnswerOfNextPost('incident_card');
    const channel = await incidentChannel();
    await card(channel.id, 'INC-1');
    await h.drained();
    expect(platform.answerLost()).toBe(true);
    const cards = platform.messages(channel.id).filter((m) => m.marker === 'incident_card');
    expect(cards).toHaveLength(1);
    expect(cards[0]?.pinned).toBe(true);
    const [incident] = await h.firebreak.store.incidents.listRecent(1);
    expect(incident?.cardMessageId).toBeTruthy();
  });
});
