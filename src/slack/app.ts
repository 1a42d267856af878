// The Bolt app: over HTTP, a receiver for the requests our guard has checked (http/slack-request-guard.ts);
// Socket Mode with an app token; one error handler, and every listener registered through the registrar.
import { App, LogLevel, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackDeps } from './deps';
import { CheckedReceiver } from './checked-receiver';
import { registerListeners } from './listeners';
import { receiverAnswers } from './receiver-answers';
import { boltRegistrar, ListenerError, type Registered } from './registrar';

export interface SlackAppOptions {
  botToken: string;
  /** Required in HTTP mode: every request's signature is checked against it (by the guard in front). */
  signingSecret?: string;
  /** Set: Socket Mode (no public URL needed). */
  appToken?: string;
  slackApiUrl?: string;
  /** The bot's ids from the one auth.test at start, or null while Slack has not answered it yet. */
  botIds(): { botUserId: string; botId: string } | null;
  webClientOptions?: Omit<WebClientOptions, 'slackApiUrl' | 'logger'>;
  logger: Logger;
  /** Counts failed listeners (firebreak_slack_listener_failures_total). */
  listenerFailures?: { inc(labels: { kind: string; id: string }): void };
  deps: SlackDeps;
}

export interface SlackApp {
  app: App;
  registered: Registered;
  /**
   * HTTP mode: takes the requests to POST /slack/events once the guard has checked their signature, age and
   * replay, and parsed them. Null in Socket Mode.
   */
  checkedRequests: CheckedReceiver | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Bolt speaks @slack/logger; route it into our pino logger. */
function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    // Bolt logs at debug several times on every request (each ack, each middleware step): nothing is
    // formatted unless debug is on.
    debug: (...msg: unknown[]) => {
      if (child.isLevelEnabled('debug')) child.debug(msg.map(String).join(' '));
    },
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  let receiver: Receiver;
  let checkedRequests: CheckedReceiver | null = null;
  if (options.appToken) {
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger });
  } else {
    if (!options.signingSecret) throw new Error('HTTP mode needs a signing secret');
    // Acknowledged as soon as a listener calls ack(), before it goes on (Bolt's processBeforeResponse: false).
    checkedRequests = new CheckedReceiver(logger, receiverAnswers(options.logger));
    receiver = checkedRequests;
  }
  const app = new App({
    receiver,
    logger,
    // Our own authorize instead of `token`: Bolt 5.1 with a token, no bot ids and no token verification calls
    // auth.test before every request, and with verification start-up would depend on Slack answering. The ids
    // come from our one auth.test at start; until Slack has answered it, requests go on with the token alone.
    authorize: async () => ({ botToken: options.botToken, ...(options.botIds() ?? {}) }),
    // No listener reads `context.conversation`; Bolt's default store looked each request's channel up in a
    // map and built an Error (a stack trace) for every miss.
    convoStore: false,
    clientOptions: {
      ...options.webClientOptions,
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    },
  });
  // Every failure of a listener arrives here (the registrar tells the person, then throws on), and of Bolt's
  // own middleware: one place logs them.
  app.error(async (error) => {
    // Bolt hands a listener's error over wrapped (its UnknownError, with the thrown error as `original`).
    const failed = [error, error.original].find((e): e is ListenerError => e instanceof ListenerError) ?? null;
    if (failed) options.listenerFailures?.inc({ kind: failed.kind, id: failed.id });
    options.logger.error(
      {
        err: failed ? failed.cause : (error.original ?? error),
        code: failed ? failed.causeCode : error.code,
        ...(failed ? { kind: failed.kind, id: failed.id } : {}),
      },
      failed ? 'slack listener failed' : 'slack request failed',
    );
  });
  const registrar = boltRegistrar(app);
  registerListeners(registrar, options.deps);
  return {
    app,
    registered: registrar.registered,
    checkedRequests,
    // Only Socket Mode has a connection to open; in HTTP mode our own server carries /slack/events.
    start: async () => {
      if (options.appToken) await app.start();
    },
    stop: async () => {
      if (options.appToken) await app.stop();
    },
  };
}
