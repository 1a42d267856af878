// A Block Kit button, optionally behind Slack's confirm dialog ("are you sure?"): the shape spelled out once,
// for the card's Scale out, an approval's Approve and Deny, a plan's Confirm and Decline and a warning's offer.
import type { Button } from '@slack/types';

export interface ButtonSpec {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  /** The dialog Slack shows before the click is sent: its title, its mrkdwn text and its two buttons. */
  confirm?: { title: string; text: string; ok: string; deny: string };
}

export function button(spec: ButtonSpec): Button {
  return {
    type: 'button',
    action_id: spec.actionId,
    text: { type: 'plain_text', text: spec.text },
    ...(spec.style ? { style: spec.style } : {}),
    value: spec.value,
    ...(spec.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: spec.confirm.title },
            text: { type: 'mrkdwn', text: spec.confirm.text },
            confirm: { type: 'plain_text', text: spec.confirm.ok },
            deny: { type: 'plain_text', text: spec.confirm.deny },
          },
        }
      : {}),
  };
}
