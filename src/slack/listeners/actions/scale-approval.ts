// Approve / Deny on a scale request that needed approval: ack, validate the button, call the approval flow,
// answer the clicker only (the request's message is edited by the outbox for everyone).
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import type { ApprovalDecision } from '../../../domain/scale-approval';
import { decideScaleApproval } from '../../../flows/scale-approval';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { approvalDecidedText } from '../../views/scale-approval-views';

const approvalIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  const decide =
    (decision: ApprovalDecision): Parameters<ListenerRegistrar['action']>[1] =>
    async ({ ack, body, action, respond }) => {
      await ack();
      const id = approvalIdValue.safeParse(action.type === 'button' ? action.value : undefined);
      if (!id.success || !deps.scaling)
        return void (await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: ':warning: This button does not name a scale request waiting for approval.',
        }));
      const result = await decideScaleApproval(deps.scaling, {
        approvalId: id.data,
        decision,
        actor: userActor(body.user.id, body.user.name),
      });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: result.ok
          ? approvalDecidedText(result.approval)
          : `:no_entry: You cannot ${decision} this: ${result.problem}.`,
      });
    };
  on.action(ACTIONS.scaleApprove, decide('approve'));
  on.action(ACTIONS.scaleDeny, decide('deny'));
}
