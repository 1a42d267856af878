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
import { respondVia } from './respond';

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

/** What a request is, as far as picking its listener goes: its kind and id, or null when we serve no such kind. */
function routeOf(args: {
  body: unknown;
  payload: unknown;
}): { kind: 'command' | 'action' | 'view' | 'event'; id: string } | null {
  const body = args.body as { type?: unknown; command?: unknown; view?: { callback_id?: unknown }; event?: unknown };
  // Bolt's own tests for the kinds (onlyCommands, onlyActions, onlyViewActions, onlyEvents, matchConstraints).
  if (typeof body.command === 'string') return { kind: 'command', id: body.command };
  if (body.type === 'view_submission' && typeof body.view?.callback_id === 'string')
    return { kind: 'view', id: body.view.callback_id };
  const event = body.event as { type?: unknown } | undefined;
  if (typeof event?.type === 'string') return { kind: 'event', id: event.type };
  const actionId = (args.payload as { action_id?: unknown } | undefined)?.action_id;
  if (body.type === 'block_actions' && typeof actionId === 'string') return { kind: 'action', id: actionId };
  return null;
}

/** Where Bolt's respond() would post: the request's response URL, or a view's first. */
function responseUrlOf(body: unknown): string | undefined {
  const { response_url: url, response_urls: urls } = body as {
    response_url?: unknown;
    response_urls?: Array<{ response_url?: unknown }>;
  };
  if (typeof url === 'string' && url !== '') return url;
  const first = Array.isArray(urls) ? urls[0]?.response_url : undefined;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/**
 * Registers on Bolt one middleware that picks the listener by the request's kind and id from a map. Bolt
 * itself would run every request through every listener's matchers (about 45 here, each a chain of async
 * middleware over a fresh copy of the arguments): that cost more than all of Bolt's other work before a
 * slash command's acknowledgement. A request no listener here takes goes on (`next`), as it did through
 * Bolt's listeners, to whatever else is registered on the app. Answers through the response URL go by
 * respond.ts rather than Bolt's fetch.
 */
export function boltRegistrar(app: App): ListenerRegistrar {
  const registered: Registered = { commands: [], actions: [], views: [], events: [] };
  // biome-ignore lint/suspicious/noExplicitAny: one map for the four kinds, each handler typed at registration.
  type Handler = (args: any) => Promise<void>;
  const exact = new Map<string, Handler>();
  /** Action ids served with any `:<suffix>` too. */
  const prefixed: Array<{ prefix: string; handler: Handler }> = [];
  const add = (kind: string, id: string, handler: Handler): Handler => {
    const key = `${kind} ${id}`;
    if (exact.has(key)) throw new Error(`${kind} ${id} is registered twice`);
    const wrapped = guarded(kind, id, handler);
    exact.set(key, wrapped);
    return wrapped;
  };
  app.use(async (args) => {
    const route = routeOf(args);
    const key = route ? `${route.kind} ${route.id}` : '';
    let handler = route ? exact.get(key) : undefined;
    if (!handler && route?.kind === 'action')
      handler = prefixed.find(({ prefix }) => route.id.startsWith(prefix))?.handler;
    if (!handler) return args.next();
    const url = responseUrlOf(args.body);
    await handler(url ? { ...args, respond: respondVia(url) } : args);
  });
  return {
    registered,
    command(name, handler) {
      registered.commands.push(name);
      add('command', name, handler as Handler);
    },
    action(actionId, handler, options = {}) {
      registered.actions.push(actionId);
      const wrapped = add('action', actionId, handler as Handler);
      if (options.prefix) prefixed.push({ prefix: `${actionId}:`, handler: wrapped });
    },
    view(callbackId, handler) {
      registered.views.push(callbackId);
      add('view', callbackId, handler as Handler);
    },
    event(name, handler) {
      registered.events.push(name);
      add('event', name, handler as Handler);
    },
  };
}
