// `/scale <target> <+N|-N|N> [reason]`, `/scale status [target]`, `/scale targets`, `/scale help`. From any channel;
// inside an incident channel the operation belongs to that incident. Parses, acknowledges, calls the scaling
// flow and answers: what the flow decides is not decided here.
import { requestScale, scaleStatus, scaleTargetList } from '../../../flows/scaling';
import { userActor } from '../../../domain/actor';
import type { SlackDeps } from '../../deps';
import { COMMANDS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { errorReply, scaleHelpReply } from '../../views/command-replies';
import { scaleResultText, scaleStatusReply, scaleTargetsReply } from '../../views/scale-views';
import { parseScaleCommand } from './parse-scale-command';
import { SCALE_USAGE_TEXT } from './usage';
import { incidentInChannel } from '../../../flows/incident-queries';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.command(COMMANDS.scale, async ({ command, ack, respond }) => {
    const parsed = parseScaleCommand(command.text);
    if (!parsed.ok) return ack(errorReply(parsed.error, parsed.usage));
    const request = parsed.command;
    const scaling = deps.scaling;
    if (request.sub === 'help') return ack(scaleHelpReply());
    if (!scaling || request.sub === 'targets') return ack(scaleTargetsReply(scaling ? scaleTargetList(scaling) : []));
    // The cloud may take longer than Slack's three seconds: everything else answers through the response URL.
    await ack();
    if (request.sub === 'status') {
      const status = await scaleStatus(scaling, request.target);
      await respond(status.ok ? scaleStatusReply(status.rows) : errorReply(status.problem, SCALE_USAGE_TEXT));
      return;
    }
    const incident = await incidentInChannel(deps.flows, command.channel_id);
    const result = await requestScale(scaling, {
      targetName: request.target,
      amount: request.amount,
      actor: userActor(command.user_id, command.user_name || undefined),
      incidentId: incident && incident.status !== 'resolved' ? incident.id : null,
      // One command, one request: Slack's trigger id is unique per invocation and the same on a retry.
      clickId: command.trigger_id,
      ...(request.reason ? { reason: request.reason } : {}),
      channelId: command.channel_id,
    });
    await respond(
      !result.ok && 'problem' in result
        ? errorReply(result.problem, SCALE_USAGE_TEXT)
        : { response_type: 'ephemeral', text: scaleResultText(result, deps.flows.clock.now(), deps.timeZone) },
    );
  });
}
