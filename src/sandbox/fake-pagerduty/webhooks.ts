// PagerDuty's side toward the app: v3 webhook deliveries, shaped, headed and signed as PagerDuty sends them.
import { PAGERDUTY_SIGNATURE_HEADER, signPagerDutyWebhook } from '../pagerduty-signature';

export interface WebhookConnection {
  /** The app's endpoint, e.g. http://127.0.0.1:PORT/webhooks/pagerduty */
  url: string;
  /** The subscription's signing secret; several while a rotation is in progress (one `v1=` signature each). */
  secret: string | readonly string[];
  /** Sent as X-Webhook-Subscription. */
  subscriptionId?: string;
  /** How long PagerDuty waits for the app's answer (PagerDuty: 5 s). */
  timeoutMs?: number;
}

export type WebhookEventType =
  | 'incident.triggered'
  | 'incident.acknowledged'
  | 'incident.resolved'
  | 'incident.escalated'
  | 'incident.reassigned'
  | 'incident.responder.replied';

export interface WebhookReply {
  status: number;
  /** The app's answer: parsed JSON when it is JSON, else its text ('' when empty). */
  // biome-ignore lint/suspicious/noExplicitAny: like res.json(), tests read whatever the app answered.
  body: any;
}

export interface WebhookDelivery {
  /** Clock time (ms) it was sent. */
  at: number;
  /** The raw body exactly as sent (what the signature covers). */
  body: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The app's HTTP status; 0 when no answer came (refused, timed out). */
  status: number;
}

export const WEBHOOK_USER_AGENT = 'PagerDuty-Webhook/V3.0';
const PAGERDUTY_TIMEOUT_MS = 5000;

function parseAnswer(text: string, contentType: string | null): unknown {
  if (text === '') return '';
  if (contentType?.includes('json') || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** The headers every delivery carries, before any signature. */
export function baseHeaders(webhookId: string, subscriptionId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'x-webhook-id': webhookId,
    'x-webhook-subscription': subscriptionId,
  };
}

export function signedHeaders(
  connection: WebhookConnection,
  body: string,
  base: Record<string, string>,
): Record<string, string> {
  return { ...base, [PAGERDUTY_SIGNATURE_HEADER]: signPagerDutyWebhook(connection.secret, body) };
}

/** POSTs one delivery; throws when the app gives no answer (PagerDuty would retry; the fake says so instead). */
export async function deliver(
  connection: WebhookConnection,
  body: string,
  headers: Record<string, string>,
): Promise<WebhookReply> {
  let response: Response;
  try {
    response = await fetch(connection.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(connection.timeoutMs ?? PAGERDUTY_TIMEOUT_MS),
    });
  } catch (error) {
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new Error(`FakePagerDuty: webhook to ${connection.url} got no answer: ${reason}`);
  }
  const text = await response.text();
  return { status: response.status, body: parseAnswer(text, response.headers.get('content-type')) };
}
