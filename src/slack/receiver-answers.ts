// What the HTTP receiver (checked-receiver.ts) answers when it cannot serve a request: a JSON reason instead
// of Bolt's empty 404 and 500 bodies, so whoever looks at Slack's delivery log or a curl sees why.
import type { ServerResponse } from 'node:http';
import { ErrorCode, type HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from 'pino';

function answer(response: ServerResponse, status: number, error: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error }));
}

type Handlers = Required<Pick<HTTPReceiverOptions, 'processEventErrorHandler' | 'unhandledRequestHandler'>>;

// A path or method other than POST /slack/events never gets here: the guard answers those with a 404.
export function receiverAnswers(logger: Logger): Handlers {
  return {
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
