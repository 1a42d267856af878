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

/** The value of the declare modal's "test incident" checkbox when ticked. */
export const TEST_INCIDENT_OPTION = 'test';

export function declareModal(options: { defaultSeverity: Severity; channelId?: string; test?: boolean }): View {
  const option = (s: Severity) => ({ text: { type: 'plain_text' as const, text: SEVERITY_LABELS[s] }, value: s });
  const testOption = {
    text: { type: 'plain_text' as const, text: 'Test incident' },
    description: {
      type: 'plain_text' as const,
      text: 'A rehearsal: channel test-…, nobody paged, not announced, no metrics',
    },
    value: TEST_INCIDENT_OPTION,
  };
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
      {
        type: 'input',
        block_id: DECLARE_FIELDS.test.block,
        optional: true,
        label: { type: 'plain_text', text: 'Test' },
        element: {
          type: 'checkboxes',
          action_id: DECLARE_FIELDS.test.action,
          options: [testOption],
          ...(options.test ? { initial_options: [testOption] } : {}),
        },
      },
    ],
  };
}
