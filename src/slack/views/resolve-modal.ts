// The "resolve the incident" modal: what only people know, for the postmortem. Every field is optional;
// what is left empty is marked "to be filled in" in the draft, never invented.
import type { View } from '@slack/types';
import { incidentRef, type Incident } from '../../domain/incident';
import { RESOLVE_FIELDS, VIEWS } from '../ids';

function textInput(field: { block: string; action: string }, label: string, placeholder: string, multiline = true) {
  return {
    type: 'input' as const,
    block_id: field.block,
    optional: true,
    label: { type: 'plain_text' as const, text: label },
    element: {
      type: 'plain_text_input' as const,
      action_id: field.action,
      multiline,
      max_length: 3000,
      placeholder: { type: 'plain_text' as const, text: placeholder },
    },
  };
}

export function resolveModal(incident: Incident): View {
  return {
    type: 'modal',
    callback_id: VIEWS.resolveIncident,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: { type: 'plain_text', text: `Resolve ${incidentRef(incident)}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Resolve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Everything is optional. The postmortem draft takes the facts from the timeline; what you write here fills in what only people know.',
        },
      },
      textInput(
        RESOLVE_FIELDS.summary,
        'Summary',
        'Web servers overwhelmed by flash-sale traffic; capacity added, service restored.',
      ),
      textInput(RESOLVE_FIELDS.impact, 'Impact', 'Checkout unavailable for ~40% of users for 2.5 hours.'),
      textInput(RESOLVE_FIELDS.rootCause, 'Root cause', 'Traffic 8x normal; no auto-scaling on the web tier.'),
      textInput(RESOLVE_FIELDS.resolution, 'Resolution', 'Scaled web from 4 to 24 instances.'),
      textInput(
        RESOLVE_FIELDS.followUps,
        'Follow-up tasks (one per line)',
        'Configure auto-scaling for web\nPre-scale before planned sales',
      ),
    ],
  };
}
