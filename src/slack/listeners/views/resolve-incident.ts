// Submission of the resolve modal: resolve with the people's answers; the postmortem draft follows.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { resolveIncident } from '../../../domain/incident-changes';
import { PLAIN_INLINES, renderRichText } from '../../../domain/rich-text';
import { updateIncident } from '../../../flows/update-incident';
import type { SlackDeps } from '../../deps';
import { RESOLVE_FIELDS, VIEWS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { privateMetadata } from './private-metadata';

const metadata = z.object({ incidentId: z.number().int().positive() });

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.view(VIEWS.resolveIncident, async ({ ack, view, body }) => {
    const meta = privateMetadata(view, metadata);
    if (!meta.success)
      return ack({
        response_action: 'errors',
        errors: {
          [RESOLVE_FIELDS.summary.block]: 'This form lost track of its incident; resolve again from the card.',
        },
      });
    const value = (field: { block: string; action: string }): string =>
      (view.state.values[field.block]?.[field.action]?.value ?? '').trim();
    const followUps = value(RESOLVE_FIELDS.followUps)
      .split('\n')
      .map((line) => line.replace(/^[-*•\d.)\s]+/, '').trim())
      .filter(Boolean);
    // A local write, well within Slack's three seconds: done before the ack, so a refusal shows in the form.
    const result = await updateIncident(deps.flows, meta.data.incidentId, (incident, now) =>
      resolveIncident(
        incident,
        {
          summary: value(RESOLVE_FIELDS.summary),
          impact: value(RESOLVE_FIELDS.impact),
          rootCause: value(RESOLVE_FIELDS.rootCause),
          resolution: value(RESOLVE_FIELDS.resolution),
          followUps,
        },
        userActor(body.user.id, body.user.name),
        now,
      ),
    );
    if (!result.ok)
      return ack({
        response_action: 'errors',
        errors: { [RESOLVE_FIELDS.summary.block]: renderRichText(result.reason, PLAIN_INLINES) },
      });
    await ack();
  });
}
