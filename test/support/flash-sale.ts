// The golden scenario: the 2023 flash-sale outage (shared/reference/postmortem-flash-sale-2023.md) replayed
// as Firebreak would have recorded it — alerts from 11:30 UTC, a page, two scale-outs by hand, resolved at 14:00.
import { FIREBREAK, userActor, type Actor } from '../../src/domain/actor';
import type { AlertRecord } from '../../src/domain/alert';
import type { Incident } from '../../src/domain/incident';
import type { PostmortemAnswers } from '../../src/domain/postmortem';
import type { TimelineData, TimelineEvent, TimelineEventType } from '../../src/domain/timeline';
import { anAlertRecord, anIncident } from './builders';

export const FLASH_SALE_INCIDENT_ID = 7;

/** 2023-02-15 at hh:mm[:ss] UTC. */
export function utc(time: string): Date {
  return new Date(`2023-02-15T${time.length === 5 ? `${time}:00` : time}.000Z`);
}

export const ALICE = userActor('U0ALICE', 'Alice');
export const BOB = userActor('U0BOB', 'Bob');
const ALERTMANAGER: Actor = { kind: 'monitor', id: 'alertmanager' };
const FINGERPRINT = 'fp-web-request-rate';

/** Builds events with ids in the order given, so tests can add to a list without renumbering. */
export function eventLog(incidentId = FLASH_SALE_INCIDENT_ID): {
  add<T extends TimelineEventType>(time: string, type: T, actor: Actor, data: TimelineData[T]): void;
  events: TimelineEvent[];
} {
  const events: TimelineEvent[] = [];
  return {
    events,
    add(time, type, actor, data) {
      events.push({ id: events.length + 1, incidentId, at: utc(time), type, actor, data } as TimelineEvent);
    },
  };
}

export interface FlashSaleScenario {
  incident: Incident;
  events: TimelineEvent[];
  alerts: AlertRecord[];
  answers: PostmortemAnswers;
  /** When the postmortem is drafted: five minutes after the resolution. */
  now: Date;
}

export function flashSaleScenario(): FlashSaleScenario {
  const log = eventLog();
  const alert = { fingerprint: FINGERPRINT, title: 'High request rate on web' };
  log.add('11:30', 'incident.declared', ALERTMANAGER, {
    title: alert.title,
    severity: 'sev2',
    service: 'web',
    source: 'alert',
  });
  log.add('11:30', 'alert.fired', ALERTMANAGER, {
    ...alert,
    severity: 'sev2',
    summary: 'Requests per second on web are 6x the usual peak',
  });
  log.add('11:31:04', 'page.sent', FIREBREAK, { key: 'firebreak-inc-7', via: 'PagerDuty', count: 1 });
  log.add('11:38:19', 'page.acknowledged', ALICE, { by: 'Alice' });
  log.add('11:39', 'incident.lead_assigned', ALICE, { userId: 'U0ALICE', previous: null });
  log.add('11:40', 'note.added', ALICE, {
    text: 'Looks like a surge in user traffic, but the scale of it is unusual.',
  });
  log.add('11:45', 'scale.requested', ALICE, { target: 'web', from: 4, to: 14, reason: 'traffic surge' });
  log.add('11:45:12', 'scale.started', FIREBREAK, {
    target: 'web',
    instanceIds: Array.from({ length: 10 }, (_, i) => `i-0a${i}`),
  });
  log.add('12:00', 'incident.status_changed', ALICE, {
    from: 'investigating',
    to: 'identified',
    message: 'A flash sale is driving traffic beyond the web servers’ capacity',
  });
  log.add('12:02', 'message.pinned', BOB, {
    channelId: 'C0INC7',
    messageId: '1676462520.000200',
    text: 'Marketing: the flash sale went live at 11:25 UTC and runs until 14:00 UTC',
    author: 'U0BOB',
  });
  log.add('12:20', 'scale.completed', FIREBREAK, { target: 'web', capacity: 14 });
  log.add('12:30', 'scale.requested', ALICE, { target: 'web', from: 14, to: 24, reason: 'still saturated at 14' });
  log.add('12:30:09', 'scale.started', FIREBREAK, {
    target: 'web',
    instanceIds: Array.from({ length: 10 }, (_, i) => `i-0b${i}`),
  });
  log.add('13:00', 'scale.completed', FIREBREAK, { target: 'web', capacity: 24 });
  log.add('13:30', 'incident.status_changed', ALICE, {
    from: 'identified',
    to: 'mitigated',
    message: 'Traffic is stable on 24 instances',
  });
  log.add('13:30', 'incident.mitigated', ALICE, { message: 'Traffic is stable on 24 instances' });
  log.add('13:30:40', 'alert.resolved', ALERTMANAGER, { ...alert, allResolved: true });
  log.add('14:00', 'incident.status_changed', ALICE, {
    from: 'mitigated',
    to: 'resolved',
    message: 'The flash sale ended and traffic is back to normal levels',
  });
  log.add('14:00', 'incident.resolved', ALICE, {
    summary: 'The flash sale ended and traffic is back to normal levels',
  });

  const incident = anIncident({
    id: FLASH_SALE_INCIDENT_ID,
    title: 'High request rate on web',
    severity: 'sev2',
    status: 'resolved',
    service: 'web',
    leadUserId: 'U0ALICE',
    openedAt: utc('11:30'),
    mitigatedAt: utc('13:30'),
    resolvedAt: utc('14:00'),
    alertsResolvedAt: utc('13:30:40'),
  });

  // Alertmanager re-sent the firing alert every few minutes: 38 receipts, one record, one timeline event.
  const alerts = [
    anAlertRecord({
      id: 1,
      incidentId: FLASH_SALE_INCIDENT_ID,
      fingerprint: FINGERPRINT,
      title: alert.title,
      service: 'web',
      severity: 'sev2',
      status: 'resolved',
      summary: 'Requests per second on web are 6x the usual peak',
      labels: { alertname: 'HighRequestRate', service: 'web' },
      startsAt: utc('11:30'),
      endsAt: utc('13:30:40'),
      firstSeenAt: utc('11:30'),
      lastSeenAt: utc('13:30:40'),
      count: 38,
    }),
  ];

  // What only people know, in the seed postmortem's words.
  const answers: PostmortemAnswers = {
    impact:
      'The outage affected our e-commerce website, leading to a 2.5-hour downtime for approximately 30% of our users.',
    rootCause:
      'A flash sale event resulted in a massive surge in website traffic that overwhelmed our existing web servers.',
    resolution:
      'We provisioned additional web servers to distribute the traffic load and ensure smooth website operation.',
    followUps: [
      'Implement auto-scaling policies to dynamically allocate server resources.',
      'Enhance traffic anomaly detection to trigger automatic scaling.',
      'Develop a protocol for communication between marketing and tech teams to predict high-traffic events.',
    ],
  };

  return { incident, events: log.events, alerts, answers, now: utc('14:05') };
}
