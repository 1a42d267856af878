// The postmortem draft: the golden flash-sale document, placeholders instead of guesses, repeats folded,
// exact metrics, the team's time zone, and Markdown that user text cannot break out of.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFirebreakError } from '../../../src/errors';
import { FIREBREAK, userActor } from '../../../src/domain/actor';
import {
  ALERTS_LISTED,
  draftPostmortem,
  isPlaceholder,
  PLACEHOLDERS,
  type PostmortemInput,
} from '../../../src/domain/postmortem';
import { zoneLabel } from '../../../src/domain/local-time';
import { escapeMarkdown, postmortemMarkdown } from '../../../src/web/postmortem-markdown';
import { anAlertRecord, anIncident } from '../../support/builders';
import { ALICE, eventLog, flashSaleScenario, utc } from '../../support/flash-sale';

const GOLDEN = join(__dirname, '../../fixtures/postmortem/flash-sale.md');

function flashSale(overrides: Partial<PostmortemInput> = {}): PostmortemInput {
  return { ...flashSaleScenario(), timeZone: 'UTC', ...overrides };
}

describe('draftPostmortem', () => {
  it('drafts the flash-sale postmortem exactly as the golden file', () => {
    expect(postmortemMarkdown(draftPostmortem(flashSale()))).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('follows the seed postmortem’s shape, in order', () => {
    const headings = postmortemMarkdown(draftPostmortem(flashSale()))
      .split('\n')
      .filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Postmortem: High request rate on web (INC-7)',
      '## Issue Summary',
      '## Timeline',
      '## Root Cause and Resolution',
      '## Corrective and Preventative Measures',
      '### Immediate',
      '### Preventative',
      '## Tasks',
      '## Metrics',
    ]);
  });

  it('states the facts of the seed: 2 hours 30 minutes, 4 → 24 instances in 2 steps, by Alice', () => {
    const pm = draftPostmortem(flashSale());
    expect(pm.issueSummary).toMatchObject({
      start: utc('11:30'),
      end: utc('14:00'),
      period: 'February 15, 2023, 11:30 – 14:00 UTC',
      durationText: '2 hours 30 minutes',
      timeZone: 'UTC',
    });
    expect(pm.rootCauseAndResolution.fromTimeline[0]).toBe(
      'Capacity of web went from 4 to 24 instances in 2 steps, requested by Alice (11:45–13:00, 1 hour 15 minutes).',
    );
    expect(pm.facts.scaleSteps.map((s) => [s.from, s.to, s.capacity, s.requestedBy, s.outcome])).toEqual([
      [4, 14, 14, 'Alice', 'completed'],
      [14, 24, 24, 'Alice', 'completed'],
    ]);
    expect(pm.tasks).toEqual(flashSaleScenario().answers.followUps?.map((text) => ({ text, done: false })));
  });

  it('suggests measures from the timeline, and not those the follow-ups already cover', () => {
    const suggested = (input: PostmortemInput) =>
      draftPostmortem(input)
        .measures.preventative.filter((m) => m.source === 'suggested')
        .map((m) => m.text);
    // The seed's follow-ups already cover auto-scaling.
    expect(suggested(flashSale())).toEqual([
      'Pre-scale before known high-traffic events (sales, launches)',
      'Review the on-call escalation policy',
    ]);
    expect(suggested(flashSale({ answers: {} }))).toEqual([
      'Configure auto-scaling for web so capacity follows traffic',
      'Pre-scale before known high-traffic events (sales, launches)',
      'Review the on-call escalation policy',
    ]);
  });

  it('suggests earlier detection when alerts fired long before the incident was declared', () => {
    const s = flashSaleScenario();
    const incident = { ...s.incident, openedAt: utc('11:55'), declaredBy: ALICE };
    const pm = draftPostmortem({ ...s, answers: {}, incident, timeZone: 'UTC' });
    expect(pm.measures.preventative).toContainEqual({
      text: 'Add traffic anomaly detection to alert earlier',
      source: 'suggested',
      reason: 'alerts had been firing for 25 minutes before the incident was declared',
    });
  });

  it('leaves what only people know as placeholders, and invents nothing', () => {
    const s = flashSaleScenario();
    const pm = draftPostmortem({ ...s, answers: {}, timeZone: 'UTC' });
    expect(pm.issueSummary.impact).toBe(PLACEHOLDERS.impact);
    expect(pm.issueSummary.rootCause).toBe(PLACEHOLDERS.rootCause);
    expect(pm.rootCauseAndResolution.resolution).toBe(PLACEHOLDERS.resolution);
    expect(pm.tasks).toEqual([]);
    expect(pm.tasksPlaceholder).toBe(PLACEHOLDERS.tasks);
    expect(pm.measures.preventative.some((m) => m.source === 'people')).toBe(false);

    const md = postmortemMarkdown(pm);
    expect(md).toContain('- **Impact:** _To be filled in: impact_');
    expect(md).toContain('- **Root cause:** _To be filled in: root cause_');
    expect(md).toContain('- **Resolution:** _To be filled in: resolution_');
    expect(md).toContain('## Tasks\n\n_To be filled in: follow-up tasks_\n');
    // Nothing of the people's answers leaks in from anywhere else.
    for (const word of ['30%', 'flash sale event', 'provisioned', 'auto-scaling policies'])
      expect(md).not.toContain(word);
    // The summary is written from the timeline only.
    expect(pm.issueSummary.summary).toBe(
      'HighRequestRate fired for web at 11:30 and opened the incident. The on-call engineer was paged at 11:31; Alice acknowledged at 11:38. ' +
        'Capacity of web went from 4 to 24 instances in 2 steps, requested by Alice (11:45–13:00, 1 hour 15 minutes). ' +
        'The incident was mitigated at 13:30 and resolved at 14:00, 2 hours 30 minutes after it opened.',
    );
  });

  it('drafts an open incident with no timeline: ongoing, all placeholders, no metrics', () => {
    const incident = anIncident({ declaredBy: ALICE, groupKey: null });
    const pm = draftPostmortem({
      incident,
      events: [],
      alerts: [],
      answers: { impact: '   ' },
      timeZone: 'UTC',
      now: utc('12:15'),
    });
    expect(pm.issueSummary.end).toBe('ongoing');
    expect(pm.issueSummary.period).toBe('February 15, 2023, 11:30 UTC – ongoing');
    expect(pm.issueSummary.durationText).toBe('45 minutes so far');
    expect(pm.issueSummary.impact).toBe(PLACEHOLDERS.impact);
    expect(pm.issueSummary.summary).toBe(
      'Alice declared the incident at 11:30. The incident is still open after 45 minutes so far.',
    );
    expect(pm.timeline).toEqual([]);
    expect(pm.measures.immediate).toEqual([{ text: PLACEHOLDERS.immediate, source: 'placeholder' }]);
    expect(pm.measures.preventative).toEqual([{ text: PLACEHOLDERS.preventative, source: 'placeholder' }]);
    expect(pm.metrics).toEqual({
      timeToAcknowledge: null,
      timeToMitigate: null,
      timeToResolve: null,
      firstAlertToCapacity: null,
    });
    const md = postmortemMarkdown(pm);
    expect(md).toContain('| Time to resolve (opened → resolved) | — (not resolved) |');
    expect(md).toContain('- The timeline recorded no events.');
  });

  it('summarises refires and repeats of one alert on its first line', () => {
    const log = eventLog();
    const alert = { fingerprint: 'fp-1', title: 'High request rate on web', severity: 'sev2' as const };
    const monitor = { kind: 'monitor' as const, id: 'alertmanager' };
    log.add('11:30', 'incident.declared', monitor, {
      title: alert.title,
      severity: 'sev2',
      service: 'web',
      source: 'alert',
    });
    log.add('11:30', 'alert.fired', monitor, alert);
    log.add('11:50', 'alert.resolved', monitor, { ...alert, allResolved: true });
    log.add('11:55', 'alert.fired', monitor, { ...alert, refired: true });
    log.add('12:40', 'alert.resolved', monitor, { ...alert, allResolved: true });
    log.add('12:45', 'alert.fired', monitor, { ...alert, refired: true });
    const record = anAlertRecord({
      fingerprint: 'fp-1',
      labels: { alertname: 'HighRequestRate' },
      status: 'firing',
      count: 38,
      lastSeenAt: utc('13:20'),
    });
    const pm = draftPostmortem({
      incident: anIncident(),
      events: log.events,
      alerts: [record],
      answers: {},
      timeZone: 'UTC',
      now: utc('13:25'),
    });

    const fired = pm.timeline.filter((e) => e.text.includes('fired'));
    expect(fired).toEqual([
      {
        at: utc('11:30'),
        time: '11:30',
        kind: 'alert',
        actor: 'alertmanager',
        text: 'HighRequestRate fired on web (sev2): High request rate on web. It fired 37 more times, last at 13:20.',
      },
    ]);
    // It fires again after each all-clear, so the all-clear is history, not the state: alerts still fire.
    expect(pm.facts.alertsResolvedAt).toBeNull();
  });

  it('lists the first ten alerts of a storm one by one and counts the rest on one line', () => {
    const log = eventLog();
    const monitor = { kind: 'monitor' as const, id: 'alertmanager' };
    for (let i = 0; i < 25; i += 1) {
      log.add(`11:${String(30 + i).padStart(2, '0')}`, 'alert.fired', monitor, {
        fingerprint: `fp-${i}`,
        title: `Instance web-${i} is down`,
        severity: 'sev2' as const,
      });
    }
    const pm = draftPostmortem({
      incident: anIncident(),
      events: log.events,
      alerts: [],
      answers: {},
      timeZone: 'UTC',
      now: utc('12:00'),
    });
    const lines = pm.timeline.map((e) => `${e.time} ${e.text}`);
    expect(lines).toHaveLength(ALERTS_LISTED + 1);
    expect(lines[0]).toBe('11:30 Instance web-0 is down fired on web (sev2).');
    expect(lines[ALERTS_LISTED - 1]).toBe('11:39 Instance web-9 is down fired on web (sev2).');
    expect(lines[ALERTS_LISTED]).toBe(
      '11:40 15 more alerts fired between 11:40 and 11:54 (the first 10 are listed one by one)',
    );
    expect(postmortemMarkdown(pm)).toContain('15 more alerts fired between 11:40 and 11:54');
  });

  it('counts refires from the timeline when the alert record is missing, and says when it resolved', () => {
    const log = eventLog();
    const alert = { fingerprint: 'fp-1', title: 'Disk full', severity: 'sev3' as const };
    const monitor = { kind: 'monitor' as const, id: 'generic' };
    log.add('11:30', 'alert.fired', monitor, alert);
    log.add('11:40', 'alert.fired', monitor, { ...alert, refired: true });
    log.add('11:50', 'alert.fired', monitor, { ...alert, refired: true });
    log.add('12:00', 'alert.resolved', monitor, { ...alert, allResolved: true });
    const pm = draftPostmortem({
      incident: anIncident(),
      events: log.events,
      alerts: [],
      answers: {},
      timeZone: 'UTC',
      now: utc('12:10'),
    });
    expect(pm.timeline.map((e) => e.text)).toEqual([
      'Disk full fired on web (sev3). It fired 2 more times, last at 11:50.',
      'All alerts resolved',
    ]);

    const resolvedRecord = anAlertRecord({ fingerprint: 'fp-1', title: 'Disk full', status: 'resolved', count: 3 });
    const again = draftPostmortem({
      incident: anIncident(),
      events: log.events,
      alerts: [resolvedRecord],
      answers: {},
      timeZone: 'UTC',
      now: utc('12:10'),
    });
    expect(again.timeline[0]?.text).toBe(
      'Disk full fired on web (sev3). It fired 2 more times until it resolved at 12:00.',
    );
  });

  it('keeps the meaningful events and drops routine ones', () => {
    const pm = draftPostmortem(flashSale());
    expect(pm.timeline.map((e) => `${e.time} ${e.kind}`)).toEqual([
      '11:30 incident',
      '11:30 alert',
      '11:31 page',
      '11:38 page',
      '11:39 status',
      '11:40 note',
      '11:45 scale',
      '11:45 scale',
      '12:00 status',
      '12:02 note',
      '12:20 scale',
      '12:30 scale',
      '12:30 scale',
      '13:00 scale',
      '13:30 mitigated',
      '13:30 alert',
      '14:00 resolved',
    ]);
    // A status change to mitigated or resolved is told once, by the mitigation or resolution it records.
    expect(pm.timeline.filter((e) => e.text.startsWith('Status changed from identified to mitigated'))).toEqual([]);
  });

  it('tells an escalation to another team and its acknowledgement, and measures the time to escalate', () => {
    const s = flashSaleScenario();
    const incidentId = s.incident.id;
    const extra = [
      {
        id: 9001,
        incidentId,
        at: utc('12:15:00'),
        type: 'team.escalated' as const,
        actor: userActor('U0ALICE', 'alice'),
        data: { team: 'network', key: `firebreak-inc-${incidentId}-team-network`, message: 'packet loss at the edge' },
      },
      {
        id: 9002,
        incidentId,
        at: utc('12:20:00'),
        type: 'team.acknowledged' as const,
        actor: { kind: 'pager' as const, via: 'PagerDuty', name: 'Nina Net' },
        data: { team: 'network', by: 'Nina Net' },
      },
    ];
    const events = [...s.events, ...extra].sort((a, b) => a.at.getTime() - b.at.getTime());
    const pm = draftPostmortem({ ...s, events, timeZone: 'UTC' });
    expect(pm.metrics.timeToEscalate).toBe(45 * 60_000);
    const md = postmortemMarkdown(pm);
    expect(md).toContain('| Time to escalate (opened → first other team paged) | 45 minutes |');
    expect(md).toMatch(/\*\*12:15\*\* Escalated to the network team by .*: packet loss at the edge/);
    expect(md).toContain('**12:20** The network team acknowledged (Nina Net)');
    // Without an escalation the row is not there at all.
    expect(postmortemMarkdown(draftPostmortem(flashSale()))).not.toContain('Time to escalate');
  });

  it('measures exactly, to the second', () => {
    const pm = draftPostmortem(flashSale());
    expect(pm.metrics).toEqual({
      timeToAcknowledge: 7 * 60_000 + 15_000,
      timeToMitigate: 2 * 3_600_000,
      timeToResolve: 2.5 * 3_600_000,
      firstAlertToCapacity: 50 * 60_000,
    });
    expect(postmortemMarkdown(pm)).toContain(
      '| Time to acknowledge (page sent → acknowledged) | 7 minutes 15 seconds |',
    );

    const s = flashSaleScenario();
    const mitigatedEarly = s.events.map((e) =>
      e.type === 'incident.mitigated' || (e.type === 'incident.status_changed' && e.data.to === 'mitigated')
        ? { ...e, at: utc('13:29:59') }
        : e,
    );
    expect(draftPostmortem({ ...s, events: mitigatedEarly, timeZone: 'UTC' }).metrics.timeToMitigate).toBe(
      2 * 3_600_000 - 1000,
    );
  });

  it('records a failed and a refused scale request without counting them as capacity', () => {
    const log = eventLog();
    log.add('11:40', 'scale.requested', ALICE, { target: 'web', from: 4, to: 14 });
    log.add('11:41', 'scale.failed', FIREBREAK, {
      target: 'web',
      code: 'CLOUD_REJECTED',
      message: 'InsufficientInstanceCapacity',
    });
    log.add('11:50', 'scale.refused', ALICE, {
      target: 'web',
      rule: 'max',
      message: 'web may not go above 20 instances (max)',
    });
    const pm = draftPostmortem({
      incident: anIncident(),
      events: log.events,
      alerts: [],
      answers: {},
      timeZone: 'UTC',
      now: utc('12:00'),
    });
    expect(pm.facts.scaleSteps.map((s) => s.outcome)).toEqual(['failed', 'refused']);
    expect(pm.metrics.firstAlertToCapacity).toBeNull();
    expect(pm.measures.immediate.map((m) => m.text)).toEqual([
      'Alice scaled out web from 4 to 14 instances (+10) at 11:40; it failed: InsufficientInstanceCapacity.',
      'Alice asked to scale web at 11:50; it was refused: web may not go above 20 instances (max).',
    ]);
  });

  it('shows times in the team’s zone with its label', () => {
    const pm = draftPostmortem(flashSale({ timeZone: 'Europe/Berlin' }));
    expect(pm.zoneLabel).toBe('CET');
    expect(pm.issueSummary.period).toBe('February 15, 2023, 12:30 – 15:00 CET');
    expect(pm.timeline[0]?.time).toBe('12:30');
    const md = postmortemMarkdown(pm);
    expect(md).toContain('Times are CET (Europe/Berlin).');
    expect(md).toContain('- **12:38** Page acknowledged by Alice — Alice');
    expect(zoneLabel('Europe/Berlin', new Date('2023-07-15T12:00:00Z'))).toBe('CEST');
    expect(zoneLabel('America/New_York', utc('11:30'))).toBe('EST');
    expect(zoneLabel('Etc/UTC', utc('11:30'))).toBe('UTC');
  });

  it('puts dates on times when the incident crosses midnight in the zone', () => {
    // Adelaide is UTC+10:30 in February: 11:30 UTC is 22:00, 14:00 UTC is 00:30 the next day.
    const pm = draftPostmortem(flashSale({ timeZone: 'Australia/Adelaide' }));
    const label = zoneLabel('Australia/Adelaide', utc('11:30'));
    expect(pm.multiDay).toBe(true);
    expect(pm.issueSummary.period).toBe(`February 15, 2023, 22:00 – February 16, 2023, 00:30 ${label}`);
    expect(pm.timeline[0]?.time).toBe('Feb 15 22:00');
    expect(pm.timeline[pm.timeline.length - 1]?.time).toBe('Feb 16 00:30');
  });

  it('tells apart alerts that share a name by the labels that differ, in the timeline and the all-clear', () => {
    const log = eventLog();
    const monitor = { kind: 'monitor' as const, id: 'alertmanager' };
    const latency = (n: number) => ({
      fingerprint: `fp-${n}`,
      title: 'p99 latency above 2s',
      severity: 'sev2' as const,
    });
    log.add('11:30', 'alert.fired', monitor, latency(1));
    log.add('11:31', 'alert.fired', monitor, latency(2));
    log.add('11:32', 'alert.fired', monitor, { fingerprint: 'fp-disk', title: 'Disk full', severity: 'sev3' });
    log.add('11:50', 'alert.resolved', monitor, { ...latency(2), allResolved: true });
    const record = (n: number, labels: Record<string, string>) =>
      anAlertRecord({ id: n, fingerprint: `fp-${n}`, title: 'p99 latency above 2s', labels, status: 'resolved' });
    const pm = draftPostmortem({
      incident: anIncident(),
      events: log.events,
      alerts: [
        record(1, { alertname: 'HighLatency', instance: 'web-1:9100', job: 'web' }),
        record(2, { alertname: 'HighLatency', instance: 'web-2:9100', job: 'web' }),
        anAlertRecord({ id: 3, fingerprint: 'fp-disk', title: 'Disk full', labels: { instance: 'db-1' } }),
      ],
      answers: {},
      timeZone: 'UTC',
      now: utc('12:00'),
    });
    expect(pm.timeline.map((e) => `${e.time} ${e.text}`)).toEqual([
      '11:30 HighLatency (instance=web-1) fired on web (sev2): p99 latency above 2s.',
      '11:31 HighLatency (instance=web-2) fired on web (sev2): p99 latency above 2s.',
      '11:32 Disk full fired on web (sev3).',
      '11:50 All alerts resolved (the last was HighLatency, instance=web-2)',
    ]);
  });

  it('names each person one way: the names given for Slack users, wherever they appear', () => {
    const s = flashSaleScenario();
    const alice = userActor('U0ALICE', 'alice');
    const bob = userActor('U0BOB', 'bob');
    const events = s.events.map((e) => {
      if (e.type === 'page.acknowledged')
        return {
          ...e,
          actor: { kind: 'pager' as const, via: 'PagerDuty', id: 'PUSR0ALICE', name: 'Alice Archer' },
          data: { by: 'Alice Archer' },
        };
      if (e.actor.kind === 'user') return { ...e, actor: e.actor.id === 'U0BOB' ? bob : alice };
      return e;
    });
    const names = new Map([
      ['U0ALICE', 'Alice Archer'],
      ['U0BOB', 'Bob Baker'],
    ]);
    const md = postmortemMarkdown(
      draftPostmortem({
        ...s,
        events,
        incident: { ...s.incident, declaredBy: alice },
        answers: {},
        timeZone: 'UTC',
        names,
      }),
    );
    expect(md).not.toMatch(/\balice\b|\bbob\b|Alice(?! Archer)|Bob(?! Baker)/);
    expect(md).toContain('- **11:38** Page acknowledged by Alice Archer — Alice Archer (PagerDuty)');
    expect(md).toContain('- **11:39** Alice Archer became the incident lead — Alice Archer');
    expect(md).toContain('Pinned a message from Bob Baker');
    expect(md).toContain('requested by Alice Archer (11:45–13:00');
    expect(md).toContain('- Alice Archer resolved the incident at 14:00.');

    // Acknowledged in Slack: the recorded `by` is the Slack username; the person's name replaces it.
    const inSlack = s.events.map((e) =>
      e.type === 'page.acknowledged' ? { ...e, actor: alice, data: { by: 'alice' } } : e,
    );
    const slackMd = postmortemMarkdown(draftPostmortem({ ...s, events: inSlack, timeZone: 'UTC', names }));
    expect(slackMd).toContain('- **11:38** Page acknowledged by Alice Archer — Alice Archer');
    expect(slackMd).toContain('Alice Archer acknowledged at 11:38');
    // Without names, the recorded names stay: nothing is lost when Slack cannot be asked.
    expect(postmortemMarkdown(draftPostmortem({ ...s, events, timeZone: 'UTC' }))).toContain(
      '- **11:39** alice became the incident lead — alice',
    );
  });

  it('says which zone names its times are in when the incident crosses a change to summer time', () => {
    // Paris moved from CET to CEST at 01:00 UTC on 26 March 2023 (02:00 CET became 03:00 CEST).
    const log = eventLog();
    const monitor = { kind: 'monitor' as const, id: 'alertmanager' };
    const base = (iso: string) => new Date(iso);
    log.events.push(
      {
        id: 1,
        incidentId: 7,
        at: base('2023-03-26T00:30:00Z'),
        type: 'incident.declared',
        actor: monitor,
        data: { title: 't', severity: 'sev2', service: 'web', source: 'alert' },
      },
      {
        id: 2,
        incidentId: 7,
        at: base('2023-03-26T02:00:00Z'),
        type: 'incident.resolved',
        actor: ALICE,
        data: {},
      },
    );
    const pm = draftPostmortem({
      incident: anIncident({
        openedAt: base('2023-03-26T00:30:00Z'),
        status: 'resolved',
        resolvedAt: base('2023-03-26T02:00:00Z'),
      }),
      events: log.events,
      alerts: [],
      answers: {},
      timeZone: 'Europe/Paris',
      now: base('2023-03-26T02:05:00Z'),
    });
    const md = postmortemMarkdown(pm);
    expect(md).toContain('- **Duration:** March 26, 2023, 01:30 CET – 04:00 CEST (1 hour 30 minutes)');
    expect(md).toContain('on 2023-03-26 04:05 CEST. Times are CET, then CEST from 03:00 (Europe/Paris).');
    expect(md).toContain('- **01:30** Incident opened');
    expect(md).toContain('- **04:00** Incident resolved');
  });

  it('says the zone once in brackets, and UTC as UTC', () => {
    expect(postmortemMarkdown(draftPostmortem(flashSale({ timeZone: 'Europe/Paris' })))).toContain(
      'Times are CET (Europe/Paris).',
    );
    expect(postmortemMarkdown(draftPostmortem(flashSale({ timeZone: 'Etc/UTC' })))).toContain('Times are UTC.');
  });

  it('refuses a zone that is not one', () => {
    expect(() => draftPostmortem(flashSale({ timeZone: 'Mars/Olympus' }))).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
    try {
      draftPostmortem(flashSale({ timeZone: 'Mars/Olympus' }));
    } catch (error) {
      expect(isFirebreakError(error, 'INPUT_INVALID')).toBe(true);
    }
  });

  it('escapes user text so a hostile title, note or answer cannot add links, HTML or headings', () => {
    const s = flashSaleScenario();
    const hostile = '[click](http://evil) <script>alert(1)</script>';
    const log = eventLog();
    for (const e of s.events) log.events.push(e);
    log.add('11:41', 'note.added', ALICE, {
      text: '# heading\n## another\n- [x] fake task ![img](http://evil/x.png) &lt;b&gt;',
    });
    const pm = draftPostmortem({
      ...s,
      incident: { ...s.incident, title: hostile },
      events: log.events.map((e, i) => ({ ...e, id: i + 1 })),
      answers: {
        impact: '<img src=x onerror=alert(1)>',
        rootCause: '# heading',
        followUps: ['# heading', '1. numbered', '> quote', '*bold* _em_ `code` | pipe ~strike~'],
      },
      timeZone: 'UTC',
    });
    const md = postmortemMarkdown(pm);

    expect(md.split('\n')[0]).toBe('# Postmortem: \\[click\\](http://evil) \\<script\\>alert(1)\\</script\\> (INC-7)');
    expect(md).not.toMatch(/(^|[^\\])\[click\]\(/);
    expect(md).not.toMatch(/(^|[^\\])<(script|img|b)\b/);
    expect(md).toContain('- **Impact:** \\<img src=x onerror=alert(1)\\>');
    expect(md).toContain('- **Root cause:** \\# heading');
    expect(md).toContain('Note: # heading ## another - \\[x\\] fake task !\\[img\\](http://evil/x.png) \\&lt;b\\&gt;');
    expect(md).toContain('- [ ] \\# heading');
    expect(md).toContain('- [ ] 1\\. numbered');
    expect(md).toContain('- [ ] \\> quote');
    expect(md).toContain('- [ ] \\*bold\\* \\_em\\_ \\`code\\` \\| pipe \\~strike\\~');
    // The only headings are the document's own.
    expect(md.split('\n').filter((l) => /^#{1,6} /.test(l))).toHaveLength(9);
    // User text that looks like a placeholder is still escaped: only our own marker is left as Markdown.
    const fake = draftPostmortem({
      ...s,
      answers: { impact: '_To be filled in: impact_ [x](http://evil)' },
      timeZone: 'UTC',
    });
    expect(postmortemMarkdown(fake)).toContain('- **Impact:** \\_To be filled in: impact\\_ \\[x\\](http://evil)');
  });
});

describe('postmortem text helpers', () => {
  it('recognises only its own placeholder marker', () => {
    expect(isPlaceholder(PLACEHOLDERS.impact)).toBe(true);
    expect(isPlaceholder('_To be filled in: impact_ and more')).toBe(false);
    expect(isPlaceholder('_To be filled in: <b>x</b>_')).toBe(false);
  });

  it('escapes a line-start list or heading marker and leaves ordinary punctuation readable', () => {
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('2.5-hour downtime (30%)!')).toBe('2.5-hour downtime (30%)!');
    expect(escapeMarkdown('12. point')).toBe('12\\. point');
    expect(escapeMarkdown('a\n\n# b')).toBe('a # b');
  });
});
