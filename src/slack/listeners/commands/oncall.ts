// `/oncall`: who is on call now, per escalation policy. Acknowledged at once; the answer follows through
// the response URL, since PagerDuty may take longer than Slack's three seconds.
import { whoIsOnCallNow } from '../../../flows/paging';
import type { SlackDeps } from '../../deps';
import { COMMANDS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { onCallReply } from '../../views/command-replies';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.command(COMMANDS.oncall, async ({ ack, respond }) => {
    const { onCall, escalationPolicyIds } = deps.paging;
    if (!onCall || escalationPolicyIds.length === 0) {
      return ack({
        response_type: 'ephemeral',
        text: ':information_source: No on-call schedule is configured: the platform team sets PAGERDUTY_API_TOKEN and PAGERDUTY_ESCALATION_POLICY_ID.',
      });
    }
    await ack();
    const answers = await whoIsOnCallNow({ onCall, chat: deps.chat, escalationPolicyIds });
    await respond(onCallReply(answers));
  });
}
