// Registers listeners on the Bolt app, records which ids are registered (checked against the manifest),
// and gives every listener the same error policy: log it, tell the person, never leave them with silence.
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
import type { Logger } from 'pino';
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

function guarded<A extends AllMiddlewareArgs & Respondable>(
  logger: Logger,
  kind: string,
  id: string,
  handler: (args: A) => Promise<void>,
) {
  return async (args: A): Promise<void> => {
    try {
      await handler(args);
    } catch (error) {
      logger.error(
        { kind, id, code: isFirebreakError(error) ? error.code : undefined, err: error },
        'slack listener failed',
      );
      await args
        .respond?.({ response_type: 'ephemeral', replace_original: false, text: failureText(error) })
        .catch(() => undefined);
    }
  };
}

export function boltRegistrar(app: App, logger: Logger): ListenerRegistrar {
  const registered: Registered = { commands: [], actions: [], views: [], events: [] };
  return {
    registered,
    command(name, handler) {
      registered.commands.push(name);
      app.command(name, guarded(logger, 'command', name, handler));
    },
    action(actionId, handler, options = {}) {
      registered.actions.push(actionId);
      const constraint = options.prefix
        ? new RegExp(`^${actionId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:.*)?$`)
        : actionId;
      app.action<BlockAction>(constraint, guarded(logger, 'action', actionId, handler));
    },
    view(callbackId, handler) {
      registered.views.push(callbackId);
      app.view<ViewSubmitAction>(callbackId, guarded(logger, 'view', callbackId, handler));
    },
    event(name, handler) {
      registered.events.push(name);
      app.event(name, guarded(logger, 'event', name, handler as never) as never);
    },
  };
}
