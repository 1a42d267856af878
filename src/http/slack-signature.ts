// Checks Slack's request signature (v0) and timestamp: the signature itself with Bolt's own check (the one its
// HTTPReceiver runs; our receiver, slack/checked-receiver.ts, relies on this one instead of checking again), and
// before it the canonical forms and the future-timestamp rule Bolt lacks; answers why a request is refused,
// never echoing what was sent.
import { isValidSlackRequest } from '@slack/bolt';

/** Slack's own window: a request signed longer ago than this is refused as stale. */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: string };

// Canonical forms only. Bolt signs over Number(timestamp) and compares the hex as typed, so a
// "0123" timestamp or upper-case hex would make our verdict and Bolt's differ; refusing them keeps one
// signature per signed request, which the replay check relies on.
const TIMESTAMP = /^[1-9][0-9]{0,11}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `body` is the raw body decoded as UTF-8, exactly what Bolt hashes; `nowSeconds` is the wall clock Slack
 * and Bolt use.
 */
export function checkSlackSignature(
  signingSecret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds: number,
): SignatureCheck {
  const signature = header(headers['x-slack-signature']);
  const timestamp = header(headers['x-slack-request-timestamp']);
  if (signature === undefined || timestamp === undefined) {
    return {
      ok: false,
      reason:
        'the X-Slack-Signature and X-Slack-Request-Timestamp headers are required: Slack signs every request it sends',
    };
  }
  if (!TIMESTAMP.test(timestamp))
    return { ok: false, reason: 'X-Slack-Request-Timestamp must be whole seconds since 1970 (UTC)' };
  if (!SIGNATURE.test(signature))
    return { ok: false, reason: 'X-Slack-Signature must be "v0=" followed by 64 lower-case hex digits' };
  const sentAt = Number(timestamp);
  if (sentAt < nowSeconds - SLACK_SIGNATURE_WINDOW_SECONDS) {
    return {
      ok: false,
      reason:
        'the request was signed more than 5 minutes ago (X-Slack-Request-Timestamp is older than 5 minutes): refused as a possible replay',
    };
  }
  if (sentAt > nowSeconds + SLACK_SIGNATURE_WINDOW_SECONDS) {
    return {
      ok: false,
      reason:
        "X-Slack-Request-Timestamp is more than 5 minutes in the future: refused (check this server's clock if Slack's requests all fail)",
    };
  }
  const signed = isValidSlackRequest({
    signingSecret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': sentAt },
    nowMilliseconds: nowSeconds * 1000,
  });
  if (!signed) {
    return {
      ok: false,
      reason:
        "X-Slack-Signature does not match the body: not signed with this app's SLACK_SIGNING_SECRET, or changed after signing",
    };
  }
  return { ok: true, signature };
}
