// The "Post update" form: one text, sent to the channel, the announcement's thread and every subscriber.
import type { View } from '@slack/types';
import { incidentRef, type Incident } from '../../domain/incident';
import { UPDATE_FIELDS, VIEWS } from '../ids';

/** An update says what people outside the channel need; Slack's section text holds 3,000 characters. */
export const MAX_UPDATE_LENGTH = 2800;

export function updateModal(incident: Incident): View {
  return {
    type: 'modal',
    callback_id: VIEWS.postUpdate,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: { type: 'plain_text', text: `Update ${incidentRef(incident)}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Post update' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Posted in the incident channel, under the announcement in the incidents channel, and sent to every subscriber.',
        },
      },
      {
        type: 'input',
        block_id: UPDATE_FIELDS.text.block,
        label: { type: 'plain_text', text: 'Update' },
        element: {
          type: 'plain_text_input',
          action_id: UPDATE_FIELDS.text.action,
          multiline: true,
          max_length: MAX_UPDATE_LENGTH,
          placeholder: {
            type: 'plain_text',
            text: 'Checkout is degraded for about 40% of users; we are adding capacity. Next update in 30 minutes.',
          },
        },
      },
    ],
  };
}
