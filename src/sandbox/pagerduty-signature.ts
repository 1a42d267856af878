// Signs a webhook body the way PagerDuty signs its v3 webhooks (X-PagerDuty-Signature, signature version v1).
import { createHmac } from 'node:crypto';

export const PAGERDUTY_SIGNATURE_HEADER = 'x-pagerduty-signature';

/**
 * The X-PagerDuty-Signature value: `v1=` + hex HMAC-SHA256 of the raw body (UTF-8), keyed with the subscription's
 * secret. With several secrets (a rotation in progress) one `v1=` signature per secret, comma-separated.
 */
export function signPagerDutyWebhook(secret: string | readonly string[], rawBody: string | Buffer): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('signPagerDutyWebhook: no secret to sign with');
  return secrets.map((key) => `v1=${createHmac('sha256', key).update(rawBody).digest('hex')}`).join(',');
}
