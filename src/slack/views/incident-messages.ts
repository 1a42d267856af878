// Renders the incident's Slack messages from stored state: the card, the announcement, channel notices.
import type { KnownBlock } from '@slack/types';
import { incidentRef, type Incident } from '../../domain/incident';
import type { IncidentRenderer } from '../../flows/incident-channel';
import type { ScaleTarget } from '../../domain/scale-target';
import type { Notice } from '../../flows/outbox-jobs';
import { ACTIONS } from '../ids';
import { escapeMrkdwn } from './format';
import { CARD_MAX_ALERTS, renderIncidentCard } from './incident-card';
import { alertsToTellApart } from '../../domain/alert-labels';

export function announcementMessage(incident: Incident): { text: string; blocks: KnownBlock[] } {
  const headline = `${incidentRef(incident)} · ${escapeMrkdwn(incident.title)}`;
  if (incident.channelFailure !== null && incident.channelId === null) {
    // No channel will come: this message is where people learn of the incident, and why it has no room.
    const why = `Firebreak could not open a channel for it: ${escapeMrkdwn(incident.channelFailure)}. Follow it here.`;
    return {
      text: `:rotating_light: ${incidentRef(incident)} [${incident.severity}] ${escapeMrkdwn(incident.title)} — ${why}`,
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `:rotating_light: *${headline}*\n${incident.severity.toUpperCase()} · ${escapeMrkdwn(incident.service)}\n:warning: ${why}`,
          },
        },
      ],
    };
  }
  const channel = incident.channelId ? `<#${incident.channelId}>` : 'its channel';
  const text = `:rotating_light: ${incidentRef(incident)} [${incident.severity}] ${escapeMrkdwn(incident.title)} — join ${channel}`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:rotating_light: *${headline}*\n${incident.severity.toUpperCase()} · ${escapeMrkdwn(incident.service)} · join ${channel}`,
        },
      },
    ],
  };
}

export function noticeMessage(incident: Incident, notice: Notice): { text: string; blocks: KnownBlock[] } {
  switch (notice) {
    case 'all_alerts_resolved': {
      const text = `:white_check_mark: All alerts of ${incidentRef(incident)} have resolved. If the service is healthy again, resolve the incident.`;
      return {
        text,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text },
            accessory: {
              type: 'button',
              action_id: ACTIONS.incidentResolve,
              text: { type: 'plain_text', text: 'Resolve incident' },
              style: 'primary',
              value: String(incident.id),
            },
          },
        ],
      };
    }
    case 'page_unacknowledged': {
      const page = incident.page;
      const since = page?.sentAt ? ` (paged ${page.count > 1 ? `${page.count} times` : 'once'})` : '';
      const text = `:warning: Nobody has acknowledged the page for ${incidentRef(incident)} yet${since}. Page again, or acknowledge if you are on it.`;
      return {
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: ACTIONS.pageOncall,
                text: { type: 'plain_text', text: 'Page again' },
                style: 'danger',
                value: String(incident.id),
              },
              {
                type: 'button',
                action_id: ACTIONS.incidentAck,
                text: { type: 'plain_text', text: "Acknowledge — I'm on it" },
                value: String(incident.id),
              },
            ],
          },
        ],
      };
    }
  }
}

export function slackIncidentRenderer(options: {
  timeZone: string;
  timelineEntries: number;
  pagingEnabled?: boolean;
  /** The scale targets an incident's card offers. */
  scaleTargetsFor?: (incident: Incident) => ScaleTarget[];
}): IncidentRenderer {
  return {
    async card({ incident, store, now }) {
      const scaleTargets = options.scaleTargetsFor?.(incident) ?? [];
      const [firingAlerts, latest, scaleOperations] = await Promise.all([
        store.alerts.listFiring(incident.id, CARD_MAX_ALERTS),
        store.timeline.list(incident.id, { latest: options.timelineEntries }),
        scaleTargets.length > 0 ? store.scaleOperations.listByIncident(incident.id) : Promise.resolve([]),
      ]);
      // The draft's link stays on the card however many events follow it.
      const drafted =
        incident.status === 'resolved' || latest.some((e) => e.type === 'postmortem.drafted')
          ? (await store.timeline.list(incident.id)).filter((e) => e.type === 'postmortem.drafted').at(-1)
          : undefined;
      const postmortemUrl = drafted?.type === 'postmortem.drafted' ? (drafted.data.url ?? null) : null;
      // Alerts the latest entries name under one title are told apart by their labels; most cards need none.
      const firing = new Set(firingAlerts.map((a) => a.fingerprint));
      const unlisted = alertsToTellApart(latest).filter((f) => !firing.has(f));
      const latestAlerts = unlisted.length > 0 ? await store.alerts.listByFingerprints(incident.id, unlisted) : [];
      return renderIncidentCard({
        incident,
        firingAlerts,
        latest,
        latestAlerts,
        now,
        timeZone: options.timeZone,
        pagingEnabled: options.pagingEnabled ?? false,
        scaleTargets,
        scaleOperations,
        postmortemUrl,
      });
    },
    announcement: announcementMessage,
    notice: noticeMessage,
  };
}
