// The "declare an incident" modal that `/incident declare` with no arguments opens.
import type { View } from '@slack/types';
import { SEVERITIES, type Severity } from '../../domain/severity';
import { DECLARE_FIELDS, VIEWS } from '../ids';

const SEVERITY_LABELS: Record<Severity, string> = {
  sev1: 'SEV1 — critical, customers cannot use the product',
  sev2: 'SEV2 — major, a core feature is degraded',
  sev3: 'SEV3 — minor, limited impact',
  sev4: 'SEV4 — low, no customer impact yet',
};

export function declareModal(options: { defaultSeverity: Severity; channelId?: string }): View {
  const option = (s: Severity) => ({ text: { type: 'plain_text' as const, text: SEVERITY_LABELS[s] }, value: s });
  return {
    type: 'modal',
    callback_id: VIEWS.declareIncident,
    private_metadata: JSON.stringify({ channelId: options.channelId ?? null }),
    title: { type: 'plain_text', text: 'Declare an incident' },
    submit: { type: 'plain_text', text: 'Declare' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: DECLARE_FIELDS.title.block,
        label: { type: 'plain_text', text: 'What is happening?' },
        element: {
          type: 'plain_text_input',
          action_id: DECLARE_FIELDS.title.action,
          max_length: 150,
          placeholder: { type: 'plain_text', text: 'Checkout returns 500s' },
        },
      },
      {
        type: 'input',
        block_id: DECLARE_FIELDS.severity.block,
        label: { type: 'plain_text', text: 'Severity' },
        element: {
          type: 'static_select',
          action_id: DECLARE_FIELDS.severity.action,
          options: SEVERITIES.map(option),
          initial_option: option(options.defaultSeverity),
        },
      },
      {
        type: 'input',
        block_id: DECLARE_FIELDS.service.block,
        optional: true,
        label: { type: 'plain_text', text: 'Service' },
        element: {
          type: 'plain_text_input',
          action_id: DECLARE_FIELDS.service.action,
          max_length: 64,
          placeholder: { type: 'plain_text', text: 'web' },
        },
      },
    ],
  };
}
