// `/scale <target> <+N|-N|N> [reason]`, `/scale status [target]`, `/scale targets`, `/scale help`. From any channel;
// inside an incident channel the operation belongs to that incident.
import { requestScale } from '../../../flows/scaling';
import type { SlackDeps } from '../../deps';
import { COMMANDS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { errorReply, scaleHelpReply } from '../../views/command-replies';
import { scaleResultText, scaleStatusReply, scaleTargetsReply } from '../../views/scale-views';
import { SCALE_USAGE_TEXT, scaleSubcommand } from './usage';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.command(COMMANDS.scale, async ({ command, ack, respond }) => {
    const scaling = deps.scaling;
    const [first = '', second, ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    const sub = scaleSubcommand(first);
    if (sub === 'help') return ack(scaleHelpReply());
    if (!scaling || sub === 'targets') return ack(scaleTargetsReply(scaling?.targets ?? []));
    if (first === '') return ack(errorReply('say which target and how many instances', SCALE_USAGE_TEXT));
    if (sub === 'status') {
      const targets = second ? scaling.targets.filter((t) => t.name === second) : scaling.targets;
      if (targets.length === 0)
        return ack(errorReply(`"${second}" is not a scale target; \`/scale targets\` lists them`, SCALE_USAGE_TEXT));
      // AWS may take longer than Slack's three seconds: answer through the response URL.
      await ack();
      const rows = await Promise.all(
        targets.map(async (target) => {
          const latest = await deps.store.scaleOperations.latestForTarget(target.name);
          try {
            const capacity = await scaling.cloud.capacity(target);
            return { target, running: capacity.running, pending: capacity.pending, error: null, latest };
          } catch (error) {
            return {
              target,
              running: null,
              pending: 0,
              error: `could not read capacity from AWS (${(error as Error).message})`,
              latest,
            };
          }
        }),
      );
      await respond(scaleStatusReply(rows));
      return;
    }
    // Every subcommand is answered above: a new one in SCALE_SUBCOMMANDS fails to compile here until it is.
    const namesATarget: null = sub;
    void namesATarget;
    if (!second)
      return ack(errorReply(`say how many instances: +N to add, -N to remove, or N for a total`, SCALE_USAGE_TEXT));
    await ack();
    const incident = await deps.store.incidents.findByChannel(command.channel_id);
    const result = await requestScale(scaling, {
      targetName: first,
      amount: second,
      actor: { kind: 'user', id: command.user_id, ...(command.user_name ? { name: command.user_name } : {}) },
      incidentId: incident && incident.status !== 'resolved' ? incident.id : null,
      // One command, one request: Slack's trigger id is unique per invocation and the same on a retry.
      clickId: command.trigger_id,
      ...(rest.length > 0 ? { reason: rest.join(' ') } : {}),
    });
    const text = scaleResultText(result);
    await respond(
      !result.ok && 'problem' in result
        ? errorReply(result.problem, SCALE_USAGE_TEXT)
        : { response_type: 'ephemeral', text },
    );
  });
}
