// Submission of the "Post update" form: the update is stored and its deliveries queued before the form
// closes, so a refusal (no text, no incident) shows in the form itself.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { PLAIN_INLINES, renderRichText } from '../../../domain/rich-text';
import { postStakeholderUpdate } from '../../../flows/stakeholder-updates';
import type { SlackDeps } from '../../deps';
import { UPDATE_FIELDS, VIEWS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { MAX_UPDATE_LENGTH } from '../../views/update-modal';
import { privateMetadata } from './private-metadata';

const metadata = z.object({ incidentId: z.number().int().positive() });
const updateText = z
  .string()
  .trim()
  .min(1, 'The update has no text: say what people outside the channel should know.')
  .max(MAX_UPDATE_LENGTH, `Keep the update under ${MAX_UPDATE_LENGTH} characters.`);

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.view(VIEWS.postUpdate, async ({ ack, view, body }) => {
    const field = UPDATE_FIELDS.text;
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [field.block]: message } });
    const meta = privateMetadata(view, metadata);
    if (!meta.success) return refuse('This form lost track of its incident; open it again from the card.');
    const text = updateText.safeParse(view.state.values[field.block]?.[field.action]?.value ?? '');
    if (!text.success) return refuse(text.error.issues[0]?.message ?? 'The update is not valid.');
    const result = await postStakeholderUpdate(
      deps.flows,
      meta.data.incidentId,
      text.data,
      userActor(body.user.id, body.user.name),
    );
    if (!result.ok) return refuse(renderRichText(result.reason, PLAIN_INLINES));
    await ack();
  });
}
