// The card's paging buttons: Acknowledge (I'm on it; tells the pager) and Page on-call / Page again.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { acknowledgePage, pageByHand } from '../../../flows/paging';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import { mrkdwn } from '../../views/format';
import type { ListenerRegistrar } from '../../registrar';
import { PAGING_OFF } from '../commands/incident';

const incidentIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(ACTIONS.incidentAck, async ({ ack, body, action, respond }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    if (!id.success)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':warning: This button does not name an incident.',
      }));
    const result = await acknowledgePage(deps.flows, id.data, userActor(body.user.id, body.user.name));
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: result.ok
        ? `:white_check_mark: You acknowledged the page; ${deps.paging.pagerName ?? 'the pager'} stops paging.`
        : `:information_source: ${mrkdwn(result.reason)}`,
    });
  });

  on.action(ACTIONS.pageOncall, async ({ ack, body, action, respond }) => {
    await ack();
    const via = deps.paging.pagerName;
    if (via === null)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `:information_source: ${PAGING_OFF}`,
      }));
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    if (!id.success)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':warning: This button does not name an incident.',
      }));
    const result = await pageByHand(deps.flows, id.data, userActor(body.user.id, body.user.name), { via });
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: result.ok
        ? `:pager: Paging on-call for INC-${result.incident.id} through ${via}.`
        : `:information_source: ${result.reason}`,
    });
  });
}
