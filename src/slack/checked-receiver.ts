// Bolt's receiver over HTTP for requests our guard (http/slack-request-guard.ts) has already read, checked
// and parsed: it answers Slack's SSL check and URL verification, and hands everything else to the app with
// an acknowledgement, as Bolt's HTTPReceiver does, with Bolt's own pieces (HTTPResponseAck, its response
// builders, its retry headers). HTTPReceiver would read the body again, check the signature again (three
// HMACs and random bytes for a timing-safe compare) and parse the body again: on every slash command and
// click, before the acknowledgement, work the guard had just done.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  type BufferedIncomingMessage,
  HTTPModuleFunctions,
  HTTPResponseAck,
  type HTTPReceiverOptions,
  type Logger,
  type Receiver,
} from '@slack/bolt';

/** Slack's deadline is 3 s; Bolt's HTTPReceiver gives up 1 ms after it, as this does. */
const UNHANDLED_AFTER_MS = 3001;

type Answers = Required<Pick<HTTPReceiverOptions, 'processEventErrorHandler' | 'unhandledRequestHandler'>>;

export class CheckedReceiver implements Receiver {
  private app: App | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly answers: Answers,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  // Our own HTTP server carries /slack/events; there is nothing to start or stop.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /**
   * Serves one request whose signature, freshness and replay the guard has checked, with its raw bytes and
   * its body as Bolt reads it (a form's `payload` field parsed).
   */
  dispatch(req: IncomingMessage, res: ServerResponse, rawBody: Buffer, body: Record<string, unknown>): void {
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
    const app = this.app;
    if (!app) throw new Error('the Slack receiver was used before the app was built');
    const request = Object.assign(req, { rawBody }) as BufferedIncomingMessage;
    const ack = new HTTPResponseAck({
      logger: this.logger,
      processBeforeResponse: false,
      unhandledRequestHandler: this.answers.unhandledRequestHandler,
      unhandledRequestTimeoutMillis: UNHANDLED_AFTER_MS,
      httpRequest: request,
      httpRequestBody: body,
      httpResponse: res,
    });
    app
      .processEvent({
        body,
        ack: ack.bind(),
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
        customProperties: {},
      })
      .catch(async (error: unknown) => {
        const acknowledged = await this.answers.processEventErrorHandler({
          error: error as Error,
          logger: this.logger,
          request: req,
          response: res,
          storedResponse: undefined,
        });
        if (acknowledged) ack.ack();
      })
      .catch((error: unknown) => {
        this.logger.error(`the Slack receiver failed to answer after an error: ${String(error)}`);
      });
  }
}
