// The incident's Slack messages: the card, the announcement, channel notices, laid out in Block Kit.
import { capacityPlanMessage, scaleBackMessage } from './capacity-plan-views';
import type { KnownBlock } from '@slack/types';
import { incidentRef, type Incident, type IncidentNotice } from '../../domain/incident';
import type { ChatMessage } from '../../ports/chat';
import { ACTIONS } from '../ids';
import { escapeMrkdwn, mrkdwn } from './format';
import { renderIncidentCard } from './incident-card';
import { catchUpMessage } from './catch-up';
import { scaleApprovalMessage } from './scale-approval-views';
import { nudgeMessage } from './nudge-messages';
import { updateMessage } from './update-messages';
import { capacityWarningMessage } from './capacity-warning-views';

/** Under every announcement: stakeholders subscribe to the incident's updates by direct message. */
function subscribeActions(incident: Incident): KnownBlock {
  return {
    type: 'actions',
    block_id: 'announcement_actions',
    elements: [
      {
        type: 'button',
        action_id: ACTIONS.incidentSubscribe,
        text: { type: 'plain_text', text: 'Subscribe to updates' },
        value: String(incident.id),
      },
    ],
  };
}

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
        subscribeActions(incident),
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
      subscribeActions(incident),
    ],
  };
}

export function noticeMessage(incident: Incident, notice: IncidentNotice): { text: string; blocks: KnownBlock[] } {
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

/** A message of the chat port (what to say) as Slack's text and Block Kit (how it looks on Slack). */
export function slackMessage(message: ChatMessage, timeZone: string): { text: string; blocks?: KnownBlock[] } {
  switch (message.kind) {
    case 'card':
      return renderIncidentCard({ ...message.card, timeZone });
    case 'announcement':
      return announcementMessage(message.incident);
    case 'notice':
      return noticeMessage(message.incident, message.notice);
    case 'text':
      return { text: mrkdwn(message.text) };
    case 'catch_up':
      return catchUpMessage(message.catchUp, message.now, timeZone);
    case 'scale_approval':
      return scaleApprovalMessage(message.approval, message.now, timeZone);
    case 'nudge':
      return nudgeMessage(message.incident, message.nudge, message.settled, timeZone);
    case 'update':
      return updateMessage(message.incident, message.update);
    case 'capacity_plan':
      return capacityPlanMessage(message.plan, timeZone);
    case 'capacity_scale_back':
      return scaleBackMessage(message.plan);
    case 'capacity_warning':
      return capacityWarningMessage(message.warning, { now: message.now, timeZone, chartUrl: message.chartUrl });
  }
}
