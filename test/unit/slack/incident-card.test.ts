import type { KnownBlock } from '@slack/types';
import type { TimelineEvent } from '../../../src/domain/timeline';
import { renderIncidentCard } from '../../../src/slack/views/incident-card';
import { anAlertRecord, anIncident, at, T0 } from '../../support/builders';

/** Everything a person reads on the card, as one string. */
function visibleText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks.map((b) => ({ ...b, block_id: undefined })));
}

function actionIds(blocks: KnownBlock[]): string[] {
  const ids: string[] = [];
  for (const block of blocks) {
    if (block.type === 'actions')
      for (const e of block.elements) if ('action_id' in e && e.action_id) ids.push(e.action_id);
    if (block.type === 'section' && block.accessory && 'action_id' in block.accessory && block.accessory.action_id)
      ids.push(block.accessory.action_id);
  }
  return ids;
}

const events: TimelineEvent[] = [
  {
    id: 1,
    incidentId: 7,
    at: T0,
    type: 'incident.declared',
    actor: { kind: 'monitor', id: 'alertmanager' },
    data: { title: 't', severity: 'sev2', service: 'web', source: 'alert' },
  },
  {
    id: 2,
    incidentId: 7,
    at: at(5),
    type: 'note.added',
    actor: { kind: 'user', id: 'U0ALICE' },
    data: { text: 'Traffic is 8x normal <@channel>' },
  },
];

describe('incident card', () => {
  it('shows status, severity, lead, duration, firing alerts with counts, latest entries and the buttons', () => {
    const card = renderIncidentCard({
      incident: anIncident({ leadUserId: 'U0ALICE', alertCounts: { firing: 2, resolved: 0 } }),
      firingAlerts: [
        anAlertRecord({ count: 37 }),
        anAlertRecord({ id: 2, fingerprint: 'fp-2', title: 'p99 latency above 2s', count: 1 }),
      ],
      latest: events,
      now: at(42),
      timeZone: 'UTC',
    });
    const text = visibleText(card.blocks);
    expect(card.text).toBe('INC-7 [sev2] High request rate on web — investigating');
    expect(text).toContain('INC-7 · High request rate on web');
    expect(text).toContain('Investigating');
    expect(text).toContain('SEV2');
    expect(text).toContain('<@U0ALICE>');
    expect(text).toContain('42m since 11:30 UTC');
    expect(text).toContain('Firing alerts (2)');
    expect(text).toContain('*High request rate on web* ×37');
    expect(text).toContain('p99 latency above 2s');
    expect(text).toContain('`11:35` Note: Traffic is 8x normal &lt;@channel&gt; — <@U0ALICE>');
    expect(actionIds(card.blocks)).toEqual(['update_open', 'incident_resolve']);
    expect(text).toContain('No stakeholder update yet');
  });

  it('says when the last stakeholder update went out, and who posted it', () => {
    const card = renderIncidentCard({
      incident: anIncident({ alertCounts: { firing: 0, resolved: 0 } }),
      firingAlerts: [],
      latest: [],
      now: at(42),
      timeZone: 'UTC',
      lastUpdate: { at: at(30), actor: { kind: 'user', id: 'U0BOB' } },
    });
    expect(visibleText(card.blocks)).toContain(':mega: Last update 12:00 UTC by <@U0BOB> (12m ago)');
  });

  it('marks a test incident under its title and in its notification text; a real one carries no mark', () => {
    const drill = renderIncidentCard({
      incident: anIncident({ test: true }),
      firingAlerts: [],
      latest: [],
      now: at(1),
      timeZone: 'UTC',
    });
    expect(drill.text).toBe('[TEST] INC-7 [sev2] High request rate on web — investigating');
    expect(drill.blocks[1]).toMatchObject({ type: 'context', block_id: 'test_incident' });
    expect(visibleText(drill.blocks)).toContain('*TEST INCIDENT* — nobody is paged');
    const real = renderIncidentCard({
      incident: anIncident(),
      firingAlerts: [],
      latest: [],
      now: at(1),
      timeZone: 'UTC',
    });
    expect(visibleText(real.blocks)).not.toContain('TEST INCIDENT');
  });

  it('shows a pinned message with its author and link, and with its latest edit', () => {
    const pinned: TimelineEvent = {
      id: 10,
      incidentId: 7,
      at: at(3),
      type: 'message.pinned',
      actor: { kind: 'user', id: 'U0ALICE' },
      data: {
        channelId: 'C0INC7',
        messageId: '1.0',
        text: 'Sale began 11:25',
        author: 'U0BOB',
        permalink: 'https://x.slack.com/archives/C0INC7/p10',
      },
    };
    const edited: TimelineEvent = {
      id: 11,
      incidentId: 7,
      at: at(5),
      type: 'message.edited',
      actor: { kind: 'user', id: 'U0BOB' },
      data: { channelId: 'C0INC7', messageId: '1.0', text: 'Sale began 11:20' },
    };
    const card = renderIncidentCard({
      incident: anIncident(),
      firingAlerts: [],
      latest: [pinned, edited],
      now: at(6),
      timeZone: 'UTC',
    });
    const text = visibleText(card.blocks);
    expect(text).toContain(
      '`11:33` Pinned from <@U0BOB>: “Sale began 11:20” (<https://x.slack.com/archives/C0INC7/p10|open>) — <@U0ALICE>',
    );
    expect(text).not.toContain('Pinned message edited');
  });

  it('escapes hostile titles so they cannot mention or link', () => {
    const card = renderIncidentCard({
      incident: anIncident(),
      firingAlerts: [anAlertRecord({ title: '<!channel> & <http://evil|click>' })],
      latest: [],
      now: at(1),
      timeZone: 'UTC',
    });
    const text = visibleText(card.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
  });

  it('says when every alert has resolved and offers to resolve, without resolving', () => {
    const card = renderIncidentCard({
      incident: anIncident({ alertCounts: { firing: 0, resolved: 2 } }),
      firingAlerts: [],
      latest: [],
      now: at(50),
      timeZone: 'UTC',
    });
    const text = visibleText(card.blocks);
    expect(text).toContain('All 2 alerts have resolved');
    expect(text).toContain('resolve the incident');
    expect(text).toContain('Investigating');
    expect(actionIds(card.blocks)).toEqual(['incident_resolve', 'update_open', 'incident_resolve']);
  });

  it('lists at most a handful of firing alerts and counts the rest, however many there are', () => {
    // The store hands the card the first eight of 10,000 firing alerts; the counts come with the incident.
    const firingAlerts = Array.from({ length: 8 }, (_, i) =>
      anAlertRecord({ id: i + 1, fingerprint: `f${i}`, title: `alert ${i}` }),
    );
    const incident = anIncident({ alertCounts: { firing: 10_000, resolved: 12 } });
    const text = visibleText(
      renderIncidentCard({ incident, firingAlerts, latest: [], now: at(1), timeZone: 'UTC' }).blocks,
    );
    expect(text).toContain('Firing alerts (10000, 12 resolved)');
    expect(text).toContain('alert 7');
    expect(text).toContain('…and 9992 more');
  });

  it('turns final when resolved: total duration, and only the postmortem left to do', () => {
    const card = renderIncidentCard({
      incident: anIncident({ status: 'resolved', resolvedAt: at(150), alertCounts: { firing: 0, resolved: 0 } }),
      firingAlerts: [],
      latest: [],
      now: at(151),
      timeZone: 'UTC',
      postmortemUrl: 'https://firebreak.example/incidents/7/postmortem?sig=x',
    });
    const text = visibleText(card.blocks);
    expect(text).toContain('Resolved');
    expect(text).toContain('2h 30m (resolved)');
    expect(text).toContain('open the page for managers');
    expect(actionIds(card.blocks)).toEqual(['postmortem_draft']);
  });

  it('shows times in the configured zone', () => {
    const card = renderIncidentCard({
      incident: anIncident(),
      firingAlerts: [anAlertRecord()],
      latest: [],
      now: at(10),
      timeZone: 'Europe/Paris',
    });
    expect(visibleText(card.blocks)).toContain('since 12:30 CET');
  });

  it('tells apart alerts that share a title by the labels that differ, and leaves unique titles alone', () => {
    const latency = (id: number, labels: Record<string, string>) =>
      anAlertRecord({ id, fingerprint: `lat-${id}`, title: 'p99 latency above 2s', labels });
    const card = renderIncidentCard({
      incident: anIncident({ alertCounts: { firing: 4, resolved: 0 } }),
      firingAlerts: [
        latency(1, { alertname: 'Latency', instance: 'web-3', job: 'web', team: 'a<b' }),
        latency(2, { alertname: 'Latency', instance: 'web-4', job: 'web', team: 'a<c' }),
        latency(3, { alertname: 'Latency', instance: 'web-4', job: 'web', team: 'a<b' }),
        anAlertRecord({ id: 4, fingerprint: 'rate', title: 'High request rate on web', labels: { instance: 'web-9' } }),
      ],
      latest: [],
      now: at(10),
      timeZone: 'UTC',
    });
    const alerts = card.blocks.find((b) => b.block_id === 'alerts');
    const lines = (alerts?.type === 'section' ? (alerts.text?.text ?? '') : '').split('\n');
    expect(lines).toEqual([
      '*Firing alerts (4)*',
      '• *p99 latency above 2s* (instance=web-3, team=a&lt;b) — sev2, since 11:30',
      '• *p99 latency above 2s* (instance=web-4, team=a&lt;c) — sev2, since 11:30',
      '• *p99 latency above 2s* (instance=web-4, team=a&lt;b) — sev2, since 11:30',
      '• *High request rate on web* — sev2, since 11:30',
    ]);
  });

  it('tells apart, in the latest entries too, alerts that fired with the same title', () => {
    const fired = (id: number, fingerprint: string): TimelineEvent => ({
      id,
      incidentId: 7,
      at: at(id),
      type: 'alert.fired',
      actor: { kind: 'monitor', id: 'alertmanager' },
      data: { fingerprint, title: 'p99 latency above 2s', severity: 'sev2' },
    });
    const record = (fingerprint: string, instance: string) =>
      anAlertRecord({ fingerprint, title: 'p99 latency above 2s', labels: { instance, job: 'web' } });
    const card = renderIncidentCard({
      incident: anIncident({ alertCounts: { firing: 1, resolved: 1 } }),
      // One is still firing; the other resolved, so only its record loaded for the timeline says where it fired.
      firingAlerts: [record('lat-1', 'web-1.prod:9100')],
      latestAlerts: [record('lat-2', 'web-2.prod:9100')],
      latest: [fired(1, 'lat-1'), fired(2, 'lat-2')],
      now: at(10),
      timeZone: 'UTC',
    });
    const timeline = card.blocks.find((b) => b.block_id === 'timeline');
    expect(timeline?.type === 'section' ? timeline.text?.text : '').toBe(
      [
        '*Latest*',
        '`11:31` Alert fired: *p99 latency above 2s* (instance=web-1) — alertmanager',
        '`11:32` Alert fired: *p99 latency above 2s* (instance=web-2) — alertmanager',
      ].join('\n'),
    );
  });

  it('keeps the labels that tell alerts apart short, however long their values', () => {
    const long = 'x'.repeat(300);
    const card = renderIncidentCard({
      incident: anIncident({ alertCounts: { firing: 2, resolved: 0 } }),
      firingAlerts: [
        anAlertRecord({ id: 1, fingerprint: 'a', labels: { pod: `a${long}`, region: `r1${long}`, zone: 'z1' } }),
        anAlertRecord({ id: 2, fingerprint: 'b', labels: { pod: `b${long}`, region: `r2${long}`, zone: 'z2' } }),
      ],
      latest: [],
      now: at(10),
      timeZone: 'UTC',
    });
    const alerts = card.blocks.find((b) => b.block_id === 'alerts');
    const lines = (alerts?.type === 'section' ? (alerts.text?.text ?? '') : '').split('\n').slice(1);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^• \*High request rate on web\* \(pod=[ab]x+…\) — sev2, since 11:30$/);
      expect(line.length).toBeLessThan(140);
    }
  });

  it('dates every time once the incident spans midnight (issue 16), today’s too', () => {
    // 23:30 in Paris on Feb 15; the card is drawn at 00:40 on Feb 16 (Paris), so the start is yesterday.
    const lateStart = new Date('2023-02-15T22:30:00Z');
    const now = new Date('2023-02-15T23:40:00Z');
    const card = renderIncidentCard({
      incident: anIncident({ openedAt: lateStart, alertCounts: { firing: 2, resolved: 0 } }),
      firingAlerts: [
        anAlertRecord({ id: 1, fingerprint: 'a', title: 'old', startsAt: new Date('2023-02-14T10:38:00Z') }),
        anAlertRecord({ id: 2, fingerprint: 'b', title: 'new', startsAt: new Date('2023-02-15T23:05:00Z') }),
      ],
      latest: [
        { ...(events[1] as TimelineEvent), at: new Date('2023-02-15T22:35:00Z') },
        { ...(events[1] as TimelineEvent), id: 3, at: new Date('2023-02-15T23:35:00Z') },
      ],
      now,
      timeZone: 'Europe/Paris',
    });
    const text = visibleText(card.blocks);
    expect(text).toContain('1h 10m since 15 Feb 23:30 CET');
    expect(text).toContain('• *old* — sev2, since 14 Feb 11:38');
    // Opened yesterday: "00:05" beside "23:30" would mislead, so today's times carry their date too.
    expect(text).toContain('• *new* — sev2, since 16 Feb 00:05');
    expect(text).toContain('`15 Feb 23:35` Note:');
    expect(text).toContain('`16 Feb 00:35` Note:');
    expect(text).toContain('Updated 16 Feb 00:40 CET');
  });

  it('dates a time from another year with its year', () => {
    const card = renderIncidentCard({
      incident: anIncident({ openedAt: new Date('2022-12-31T10:00:00Z') }),
      firingAlerts: [anAlertRecord({ startsAt: new Date('2022-12-31T10:00:00Z') })],
      latest: [],
      now: new Date('2023-01-01T10:00:00Z'),
      timeZone: 'UTC',
    });
    expect(visibleText(card.blocks)).toContain('since 31 Dec 2022 10:00 UTC');
  });

  it('labels each time with the zone’s name at that time, across a change to summer time', () => {
    // Paris moved from CET to CEST at 01:00 UTC on 26 March 2023.
    const card = renderIncidentCard({
      incident: anIncident({ openedAt: new Date('2023-03-26T00:30:00Z') }),
      firingAlerts: [],
      latest: [],
      now: new Date('2023-03-26T01:30:00Z'),
      timeZone: 'Europe/Paris',
    });
    const text = visibleText(card.blocks);
    expect(text).toContain('1h 00m since 01:30 CET');
    expect(text).toContain('Updated 03:30 CEST');
  });

  it('shows the teams engaged and whether each acknowledged, and offers Escalate… while open when teams exist', () => {
    const escalation = {
      id: 1,
      incidentId: 7,
      key: 'firebreak-inc-7-team-network',
      message: null,
      by: { kind: 'user' as const, id: 'U0CAROL' },
      escalatedAt: at(10),
      pagedAt: at(10),
      acknowledgedAt: null,
      acknowledgedBy: null,
      error: null,
      pagerIncidentId: null,
      declinedAt: null,
      declinedBy: null,
    };
    const card = renderIncidentCard({
      incident: anIncident(),
      firingAlerts: [],
      latest: [],
      now: at(20),
      timeZone: 'UTC',
      canEscalate: true,
      teamEscalations: [
        { ...escalation, team: 'network', status: 'acknowledged', acknowledgedAt: at(15), acknowledgedBy: 'Bob Baker' },
        { ...escalation, id: 2, team: 'dba', key: 'firebreak-inc-7-team-dba', status: 'paged' },
        {
          ...escalation,
          id: 3,
          team: 'web-oncall',
          key: 'firebreak-inc-7-team-web-oncall',
          status: 'declined',
          declinedAt: at(12),
          declinedBy: 'Dana Diaz',
        },
      ],
    });
    const text = visibleText(card.blocks);
    expect(text).toContain('*Teams engaged*');
    expect(text).toContain('• *network* — :white_check_mark: acknowledged by Bob Baker at 11:45');
    expect(text).toContain('• *dba* — paged 11:40, waiting for acknowledgement');
    expect(text).toContain('• *web-oncall* — :x: declined by Dana Diaz at 11:42');
    expect(actionIds(card.blocks)).toContain('team_escalate');
    const quiet = renderIncidentCard({
      incident: anIncident(),
      firingAlerts: [],
      latest: [],
      now: at(20),
      timeZone: 'UTC',
    });
    expect(visibleText(quiet.blocks)).not.toContain('Teams engaged');
    expect(actionIds(quiet.blocks)).not.toContain('team_escalate');
  });
});
