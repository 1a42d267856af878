// `/incident`: acknowledged at once; the answer, once the flow has stored what the command changed, follows
// through the response URL.
import { userActor, type Actor } from '../../../domain/actor';
import type { Incident } from '../../../domain/incident';
import { assignLead, changeSeverity, changeStatus, resolveIncident } from '../../../domain/incident-changes';
import { incidentCatchUp } from '../../../flows/catch-up';
import {
  incidentInChannel,
  incidentTimeline,
  openIncidents,
  openIncidentsAtOnce,
  resolvable,
} from '../../../flows/incident-queries';
import { requestPostmortem } from '../../../flows/postmortem-delivery';
import { resolveModal } from '../../views/resolve-modal';
import { pageByHand } from '../../../flows/paging';
import { escalateToTeam, teamNames } from '../../../flows/team-escalation';
import { NO_TEAMS } from '../../../domain/team-escalation';
import { escalateModal, escalationResultText } from '../../views/team-views';
import { declare, noteOnIncident, updateIncident, type UpdateResult } from '../../../flows/update-incident';
import { postStakeholderUpdate, setSubscription, subscriberText } from '../../../flows/stakeholder-updates';
import { updatePostedText } from '../../views/update-messages';
import type { SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../../deps';
import { escapeMrkdwn, mrkdwn } from '../../views/format';
import { COMMANDS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import {
  doneReply,
  errorReply,
  helpReply,
  listReply,
  notInIncidentChannelReply,
  testDeclaredText,
  timelineReply,
  type CommandReply,
} from '../../views/command-replies';
import { catchUpReply } from '../../views/catch-up';
import { declareModal } from '../../views/declare-modal';
import { INCIDENT_USAGE, parseIncidentCommand, type IncidentCommand } from './parse-incident-command';

type InChannelCommand = Extract<
  IncidentCommand,
  {
    sub:
      | 'status'
      | 'note'
      | 'lead'
      | 'sev'
      | 'page'
      | 'postmortem'
      | 'timeline'
      | 'catchup'
      | 'escalate'
      | 'update'
      | 'subscribe'
      | 'unsubscribe';
  }
>;

export const PAGING_OFF = 'Paging is not configured here: the platform team sets PAGERDUTY_ROUTING_KEY to turn it on.';

function outcome(
  result: UpdateResult,
  done: (incident: Incident) => string,
  sub: keyof typeof INCIDENT_USAGE,
): CommandReply {
  return result.ok ? doneReply(done(result.incident)) : errorReply(mrkdwn(result.reason), INCIDENT_USAGE[sub].form);
}

async function inIncident(
  deps: SlackDeps,
  incident: Incident,
  command: InChannelCommand,
  actor: Actor,
): Promise<CommandReply> {
  const id = incident.id;
  switch (command.sub) {
    case 'status': {
      const result = await updateIncident(deps.flows, id, (i, now) =>
        changeStatus(i, command.status, actor, now, command.message),
      );
      return outcome(result, (i) => `Status is now *${i.status}*.`, 'status');
    }
    case 'note': {
      const result = await noteOnIncident(deps.flows, id, command.text, actor);
      return outcome(result, () => 'Noted in the timeline.', 'note');
    }
    case 'lead': {
      const result = await updateIncident(deps.flows, id, (i, now) => assignLead(i, command.userId, actor, now));
      return outcome(result, () => `<@${command.userId}> now leads the incident.`, 'lead');
    }
    case 'sev': {
      const result = await updateIncident(deps.flows, id, (i, now) => changeSeverity(i, command.severity, actor, now));
      return outcome(result, (i) => `Severity is now *${i.severity}*.`, 'sev');
    }
    case 'page': {
      const via = deps.paging.pagerName;
      if (via === null) return errorReply(PAGING_OFF, INCIDENT_USAGE.page.form);
      const result = await pageByHand(deps.flows, id, actor, {
        via,
        ...(command.message ? { message: command.message } : {}),
      });
      return outcome(
        result,
        (i) => `Paging on-call for *INC-${i.id}* through ${via}${command.message ? ` with "${command.message}"` : ''}.`,
        'page',
      );
    }
    case 'postmortem':
      await requestPostmortem(deps.flows, id, actor);
      return doneReply(':memo: Drafting the postmortem from the timeline; it will be posted here.');
    case 'escalate': {
      const result = deps.escalation
        ? await escalateToTeam(deps.escalation, {
            incidentId: id,
            team: command.team,
            actor,
            ...(command.message ? { message: command.message } : {}),
          })
        : ({ ok: false, problem: NO_TEAMS } as const);
      if (!result.ok) return errorReply(mrkdwn(result.problem), INCIDENT_USAGE.escalate.form);
      return doneReply(escalationResultText(result, deps.paging.pagerName));
    }
    case 'timeline': {
      const { events, alerts } = await incidentTimeline(deps.flows, id);
      return timelineReply(incident, events, alerts, deps.flows.clock.now(), deps.timeZone);
    }
    case 'catchup':
      return catchUpReply(await incidentCatchUp(deps.flows, incident), deps.flows.clock.now(), deps.timeZone);
    case 'update': {
      const result = await postStakeholderUpdate(deps.flows, id, command.text, actor);
      if (!result.ok) return errorReply(mrkdwn(result.reason), INCIDENT_USAGE.update.form);
      return doneReply(updatePostedText(result.subscribers));
    }
    case 'subscribe':
    case 'unsubscribe': {
      // A slash command always comes from a person.
      if (actor.kind !== 'user') return errorReply('Only a person can subscribe.', INCIDENT_USAGE[command.sub].form);
      const subscribe = command.sub === 'subscribe';
      const result = await setSubscription(deps.flows, id, actor.id, subscribe);
      if (!result.ok) return errorReply(mrkdwn(result.reason), INCIDENT_USAGE[command.sub].form);
      return doneReply(mrkdwn(subscriberText(actor.id, result.incident, subscribe, result.changed)));
    }
  }
}

/**
 * What a command that reads or writes the store answers. Run after the acknowledgement: the answer goes
 * through the response URL. Null when it answered by opening a form instead.
 */
async function answer(
  deps: SlackDeps,
  request: Exclude<IncidentCommand, { sub: 'help' | 'declare-form' | 'escalate-form' }>,
  command: SlashCommand,
  client: WebClient,
): Promise<CommandReply | null> {
  const actor = userActor(command.user_id, command.user_name);
  switch (request.sub) {
    case 'list':
      return listReply(await openIncidents(deps.flows), deps.flows.clock.now());
    case 'declare': {
      const incident = await declare(
        deps.flows,
        {
          title: request.title,
          severity: request.severity ?? deps.defaultSeverity,
          service: request.service ?? deps.defaultService,
          ...(request.test ? { test: true } : {}),
        },
        actor,
      );
      if (incident.test) return doneReply(testDeclaredText(command.user_id, incident));
      return {
        response_type: 'in_channel',
        text: `:rotating_light: <@${command.user_id}> declared *INC-${incident.id}* (${incident.severity}): ${escapeMrkdwn(incident.title)}. Its channel is being created; you will be invited.`,
      };
    }
    default: {
      const incident = await incidentInChannel(deps.flows, command.channel_id);
      if (!incident) return notInIncidentChannelReply(request.sub);
      if (request.sub !== 'resolve') return inIncident(deps, incident, request, actor);
      if (request.summary === undefined) {
        const found = resolvable(incident);
        if (!found.ok) return errorReply('The incident is already resolved.', INCIDENT_USAGE.resolve.form);
        await client.views.open({ trigger_id: command.trigger_id, view: resolveModal(found.incident) });
        return null;
      }
      const summary = request.summary;
      const result = await updateIncident(deps.flows, incident.id, (i, now) =>
        resolveIncident(i, { summary }, actor, now),
      );
      return outcome(result, (i) => `Resolved *INC-${i.id}*. The postmortem draft follows here.`, 'resolve');
    }
  }
}

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  // The same for every `/incident help` this process answers: written once, at the first.
  let help: CommandReply | null = null;
  on.command(COMMANDS.incident, async ({ command, ack, respond, client }) => {
    const parsed = parseIncidentCommand(command.text);
    if (!parsed.ok) return ack(errorReply(parsed.error, parsed.usage));
    const request = parsed.command;
    if (request.sub === 'help') {
      help ??= helpReply(deps.paging.pagerName);
      return ack(help);
    }
    if (request.sub === 'list') {
      // Answered in the acknowledgement when the store can read at once (SQLite with its connection free): one
      // message, and no second request to Slack. Else acknowledged at once, as below.
      const open = openIncidentsAtOnce(deps.flows);
      if (open) return ack(listReply(open, deps.flows.clock.now()));
    }
    // Acknowledged before any store work: Slack gives three seconds, and an alert storm may keep the store
    // busy. The answer follows through the response URL a moment later.
    await ack();
    if (request.sub === 'declare-form') {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: declareModal({
          defaultSeverity: deps.defaultSeverity,
          channelId: command.channel_id,
          ...(request.test ? { test: true } : {}),
        }),
      });
      return;
    }
    if (request.sub === 'escalate-form') {
      // No team named: the form lists them; outside an incident channel, or with none configured, say so.
      const incident = await incidentInChannel(deps.flows, command.channel_id);
      if (!incident) return void (await respond(notInIncidentChannelReply('escalate')));
      const teams = deps.escalation ? teamNames(deps.escalation) : [];
      if (teams.length === 0) return void (await respond(errorReply(NO_TEAMS, INCIDENT_USAGE.escalate.form)));
      await client.views.open({
        trigger_id: command.trigger_id,
        view: escalateModal({ teams, incidentId: incident.id, channelId: command.channel_id }),
      });
      return;
    }
    const reply = await answer(deps, request, command, client);
    if (reply) await respond(reply);
  });
}
