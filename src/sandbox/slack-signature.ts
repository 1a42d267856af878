// Signs a request the way Slack signs what it sends to an app (signature version v0).
import { slackSignatureOf } from '../http/slack-signature';

/** A type alias, not an interface, so it can be spread into or passed as a plain headers record. */
export type SlackSignatureHeaders = {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
};

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`, keyed with the app's signing secret. */
export function signSlackRequest(secret: string, rawBody: string, tsSeconds: number): SlackSignatureHeaders {
  const timestamp = String(Math.floor(tsSeconds));
  return { 'x-slack-signature': slackSignatureOf(secret, timestamp, rawBody), 'x-slack-request-timestamp': timestamp };
}
