// Registers listeners on the Bolt app, records which ids are registered (checked against the manifest),
// and gives every listener the same error policy: tell the person, never leave them with silence, and hand
// the failure to Bolt's app.error, which logs it.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { isFirebreakError } from '../errors';

export type CommandHandler = Middleware<SlackCommandMiddlewareArgs>;
export type ActionHandler = Middleware<SlackActionMiddlewareArgs<BlockAction>>;
export type ViewHandler = Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>;
export type EventHandler<E extends string> = Middleware<SlackEventMiddlewareArgs<E>>;

export interface Registered {
  commands: string[];
  actions: string[];
  views: string[];
  events: string[];
}

export interface ListenerRegistrar {
  command(name: string, handler: CommandHandler): void;
  /** `prefix`: also serves ids `<actionId>:<anything>`, for buttons that must differ within one block. */
  action(actionId: string, handler: ActionHandler, options?: { prefix?: boolean }): void;
  view(callbackId: string, handler: ViewHandler): void;
  event<E extends string>(name: E, handler: EventHandler<E>): void;
  readonly registered: Registered;
}

function failureText(error: unknown): string {
  const reason = isFirebreakError(error) ? `${error.code}: ${error.message}` : 'an unexpected error';
  return `:x: Firebreak could not do that (${reason}). Nothing already recorded was lost; please try again.`;
}

type Respondable = {
  respond?: (message: { response_type: 'ephemeral'; text: string; replace_original?: boolean }) => Promise<unknown>;
};

/**
 * A listener's failure, with where it happened. Thrown on to Bolt after the person has been told, so that
 * app.error (slack/app.ts) sees every failure and logs it once, with this context.
 */
export class ListenerError extends Error {
  constructor(
    readonly kind: string,
    readonly id: string,
    cause: unknown,
  ) {
    super(`${kind} ${id} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ListenerError';
  }

  /** The FirebreakError code of what failed, when it has one. */
  get causeCode(): string | undefined {
    return isFirebreakError(this.cause) ? this.cause.code : undefined;
  }
}

function guarded<A extends AllMiddlewareArgs & Respondable>(
  kind: string,
  id: string,
  handler: (args: A) => Promise<void>,
) {
  return async (args: A): Promise<void> => {
    try {
      await handler(args);
    } catch (error) {
      // The person first, never left with silence; then Bolt's error handler, which logs.
      await args
        .respond?.({ response_type: 'ephemeral', replace_original: false, text: failureText(error) })
        .catch(() => undefined);
      throw new ListenerError(kind, id, error);
    }
  };
}

export function boltRegistrar(app: App): ListenerRegistrar {
  const registered: Registered = { commands: [], actions: [], views: [], events: [] };
  return {
    registered,
    command(name, handler) {
      registered.commands.push(name);
      app.command(name, guarded('command', name, handler));
    },
    action(actionId, handler, options = {}) {
      registered.actions.push(actionId);
      const constraint = options.prefix
        ? new RegExp(`^${actionId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:.*)?$`)
        : actionId;
      app.action<BlockAction>(constraint, guarded('action', actionId, handler));
    },
    view(callbackId, handler) {
      registered.views.push(callbackId);
      app.view<ViewSubmitAction>(callbackId, guarded('view', callbackId, handler));
    },
    event(name, handler) {
      registered.events.push(name);
      app.event(name, guarded('event', name, handler as never) as never);
    },
  };
}
