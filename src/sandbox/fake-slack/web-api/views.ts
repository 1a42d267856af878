// views.open, views.push, views.update — modals, opened from a trigger and kept per person.
import { fail, optionalJson, optionalString, SlackApiError, type Args } from '../args';
import { checkBlocks, MODAL_LIMITS } from '../blocks';
import { viewOutput } from '../shapes';
import type { ShownView, Workspace } from '../workspace';
import type { MethodContext, MethodHandler } from './common';

const MAX_STACK = 3;

function invalidArguments(message: string): never {
  return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${message}`] } });
}

/** The `view` argument, checked the way Slack checks a modal before showing it. */
function viewArg(args: Args): Record<string, unknown> {
  const view = optionalJson(args, 'view', 'invalid_arguments');
  if (typeof view !== 'object' || view === null || Array.isArray(view))
    return invalidArguments('missing required field: view');
  const v = view as Record<string, unknown>;
  if (v.type !== 'modal') invalidArguments('must be "modal" [json-pointer:/view/type]');
  const title = v.title as { type?: unknown; text?: unknown } | undefined;
  if (title?.type !== 'plain_text' || typeof title.text !== 'string')
    invalidArguments('must provide a plain_text title [json-pointer:/view/title]');
  if (title.text.length > 24) invalidArguments('must be less than 25 characters [json-pointer:/view/title/text]');
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000)
    invalidArguments('must be less than 3001 characters [json-pointer:/view/private_metadata]');
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255)
    invalidArguments('must be less than 256 characters [json-pointer:/view/callback_id]');
  try {
    checkBlocks(v.blocks ?? [], MODAL_LIMITS);
  } catch (error) {
    // Slack reports bad blocks in a view as invalid_arguments, pointing into the view.
    if (error instanceof SlackApiError)
      invalidArguments(
        String((error.extra.errors as string[] | undefined)?.[0] ?? 'invalid blocks').replace(
          '[json-pointer:/blocks',
          '[json-pointer:/view/blocks',
        ),
      );
    throw error;
  }
  const hasInput = (v.blocks as Array<{ type?: unknown }> | undefined)?.some((b) => b.type === 'input') ?? false;
  if (hasInput && !v.submit)
    invalidArguments('must provide a submit property when using input blocks [json-pointer:/view]');
  return v;
}

function triggerUser(ctx: MethodContext, args: Args): string {
  const triggerId =
    optionalString(args, 'trigger_id') ??
    optionalString(args, 'interactivity_pointer') ??
    invalidArguments('missing required field: trigger_id');
  const exchanged = ctx.ws.exchangeTrigger(triggerId);
  if (exchanged === 'invalid_trigger_id') invalidArguments('invalid `trigger_id`');
  if (exchanged === 'exchanged_trigger_id') fail('exchanged_trigger_id');
  return exchanged.userId;
}

function newHash(ws: Workspace): string {
  return `${ws.nowSeconds()}.${ws.nextId('')}`;
}

function checkExternalId(ctx: MethodContext, view: Record<string, unknown>): void {
  if (typeof view.external_id === 'string' && view.external_id !== '' && ctx.ws.viewByExternalId(view.external_id))
    fail('duplicate_external_id');
}

/** Shows a modal to a person: a new root, or pushed on top of `below`. Also used for `response_action: push`. */
export function presentView(
  ws: Workspace,
  userId: string,
  input: Record<string, unknown>,
  mode: 'open' | 'push',
  below?: ShownView,
): ShownView {
  const id = ws.nextId('V0');
  const rootViewId = below?.rootViewId ?? id;
  const view = viewOutput(input, { id, rootViewId, previousViewId: below?.id ?? null, hash: newHash(ws) });
  return ws.showView({ id, userId, rootViewId, view }, mode);
}

/** Replaces what a shown modal displays, keeping its id, place in the stack and entered values. */
export function replaceView(ws: Workspace, shown: ShownView, input: Record<string, unknown>): void {
  const previousViewId = (shown.view.previous_view_id as string | null | undefined) ?? null;
  ws.replaceView(
    shown,
    viewOutput(input, {
      id: shown.id,
      rootViewId: shown.rootViewId,
      previousViewId,
      hash: newHash(ws),
      state: shown.view.state,
    }),
  );
}

export const views: Record<string, MethodHandler> = {
  'views.open': (args, ctx) => {
    const view = viewArg(args);
    const userId = triggerUser(ctx, args);
    checkExternalId(ctx, view);
    return { view: presentView(ctx.ws, userId, view, 'open').view };
  },

  'views.push': (args, ctx) => {
    const view = viewArg(args);
    const userId = triggerUser(ctx, args);
    const stack = ctx.ws.openViews(userId);
    const top = stack[stack.length - 1] ?? invalidArguments('there is no modal open to push onto');
    if (stack.length >= MAX_STACK) fail('push_limit_reached');
    checkExternalId(ctx, view);
    return { view: presentView(ctx.ws, userId, view, 'push', top).view };
  },

  'views.update': (args, ctx) => {
    const viewId = optionalString(args, 'view_id');
    const externalId = optionalString(args, 'external_id');
    if (!viewId && !externalId) invalidArguments('must provide view_id or external_id');
    const view = viewArg(args);
    const shown =
      (viewId ? ctx.ws.view(viewId) : externalId ? ctx.ws.viewByExternalId(externalId) : undefined) ??
      fail('not_found');
    const hash = optionalString(args, 'hash');
    if (hash && hash !== shown.view.hash) fail('hash_conflict');
    replaceView(ctx.ws, shown, view);
    return { view: shown.view };
  },
};
