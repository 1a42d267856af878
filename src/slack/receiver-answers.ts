// What Bolt's HTTP receiver answers when it cannot serve a request: a JSON reason instead of its empty
// 404 and 500 bodies, so whoever looks at Slack's delivery log or a curl sees why.
import type { ServerResponse } from 'node:http';
import { ErrorCode, type HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from 'pino';

function answer(response: ServerResponse, status: number, error: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error }));
}

type Handlers = Required<
  Pick<HTTPReceiverOptions, 'dispatchErrorHandler' | 'processEventErrorHandler' | 'unhandledRequestHandler'>
>;

export function receiverAnswers(logger: Logger): Handlers {
  return {
    // A path or method Bolt does not serve (our own guard answers most of these before Bolt sees them).
    dispatchErrorHandler: ({ error, request, response }) => {
      if ((error as { code?: string }).code === ErrorCode.HTTPReceiverDeferredRequestError) {
        answer(
          response,
          404,
          `not found: Slack's requests go to POST /slack/events (got ${request.method ?? '?'} ${new URL(request.url ?? '/', 'http://localhost').pathname})`,
        );
        return;
      }
      logger.error({ err: error }, 'slack receiver failed to dispatch a request');
      answer(response, 500, 'internal error while receiving a Slack request');
    },
    // Reached only when app.error itself throws: listener errors go to app.error first.
    processEventErrorHandler: async ({ error, response }) => {
      if (response.headersSent) return false;
      if ((error as { code?: string }).code === ErrorCode.AuthorizationError) {
        answer(response, 401, 'this workspace is not authorized for Firebreak');
        return true;
      }
      logger.error({ err: error }, 'slack request failed after app.error');
      answer(response, 500, 'internal error while handling a Slack request');
      return false;
    },
    // Nothing acknowledged within Slack's 3 seconds: no listener took it, or one forgot to ack.
    unhandledRequestHandler: ({ response }) => {
      logger.warn('a signed Slack request was not acknowledged within 3 seconds (no listener took it)');
      answer(
        response,
        404,
        'no listener handled this request within 3 seconds (an action, view or event Firebreak does not serve)',
      );
    },
  };
}
