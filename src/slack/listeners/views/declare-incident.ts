// Submission of the declare modal: validate the fields, then declare; errors show under the field.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { SEVERITIES } from '../../../domain/severity';
import { declare } from '../../../flows/update-incident';
import type { SlackDeps } from '../../deps';
import { DECLARE_FIELDS, VIEWS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { TEST_INCIDENT_OPTION } from '../../views/declare-modal';

const submission = z.object({
  title: z.string().trim().min(1, 'Say what is happening').max(150, 'Keep the title under 150 characters'),
  severity: z.enum(SEVERITIES, { error: 'Choose a severity' }),
  service: z
    .string()
    .trim()
    .regex(/^[\w.-]{0,64}$/, 'One word of letters, digits, ".", "_" or "-"')
    .optional(),
  test: z.boolean(),
});

const BLOCK_OF: Record<string, string> = {
  title: DECLARE_FIELDS.title.block,
  severity: DECLARE_FIELDS.severity.block,
  service: DECLARE_FIELDS.service.block,
};

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.view(VIEWS.declareIncident, async ({ ack, view, body }) => {
    const values = view.state.values;
    const parsed = submission.safeParse({
      title: values[DECLARE_FIELDS.title.block]?.[DECLARE_FIELDS.title.action]?.value ?? '',
      severity: values[DECLARE_FIELDS.severity.block]?.[DECLARE_FIELDS.severity.action]?.selected_option?.value,
      service: values[DECLARE_FIELDS.service.block]?.[DECLARE_FIELDS.service.action]?.value ?? undefined,
      test: (values[DECLARE_FIELDS.test.block]?.[DECLARE_FIELDS.test.action]?.selected_options ?? []).some(
        (o) => o.value === TEST_INCIDENT_OPTION,
      ),
    });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues)
        errors[BLOCK_OF[String(issue.path[0])] ?? DECLARE_FIELDS.title.block] ??= issue.message;
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const { title, severity, service, test } = parsed.data;
    await declare(
      deps.flows,
      { title, severity, service: service || deps.defaultService, ...(test ? { test } : {}) },
      userActor(body.user.id, body.user.name),
    );
  });
}
