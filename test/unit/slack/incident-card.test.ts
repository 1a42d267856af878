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
    expect(actionIds(card.blocks)).toEqual(['incident_resolve']);
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
    expect(actionIds(card.blocks)).toEqual(['incident_resolve', 'incident_resolve']);
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
    expect(visibleText(card.blocks)).toContain('since 12:30 Europe/Paris');
  });
});
