// The JSON envelope Amazon SNS POSTs to an HTTP(S) subscriber: a Notification or a (un)subscribe confirmation.
// Field names and types as in AWS's "HTTP/HTTPS notification JSON format" and "…subscription confirmation JSON format".
import { z } from 'zod';
import { formatIssues } from '../../validation/zod-issues';

/** SNS refuses to publish more than 256 KiB; a longer Message did not come from SNS. */
export const SNS_MAX_MESSAGE_CHARS = 262_144;

/** A 4096-bit RSA signature is 684 base64 characters; anything much longer is not an SNS signature. */
const MAX_SIGNATURE_CHARS = 2048;
const MAX_URL_CHARS = 2048;

// Each rule says what the field should look like; formatIssues puts the field's name in front of it.
const messageId = z.string().min(1).max(128);
const topicArn = z
  .string()
  .max(512)
  .regex(/^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/, {
    error: (issue) =>
      `must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alarms (got ${cut(issue.input)})`,
  });
const timestamp = z.iso.datetime({
  offset: true,
  error: (issue) => `must be an ISO 8601 time such as 2026-01-31T12:00:00.000Z (got ${cut(issue.input)})`,
});
const signatureVersion = z.enum(['1', '2'], {
  error: (issue) =>
    issue.input === undefined
      ? undefined
      : `must be "1" (SHA1withRSA) or "2" (SHA256withRSA) (got ${cut(issue.input)})`,
});
const signature = z
  .string()
  .min(1)
  .max(MAX_SIGNATURE_CHARS)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: 'must be base64' });
const url = z.url({ error: (issue) => `must be a URL (got ${cut(issue.input)})` }).max(MAX_URL_CHARS);

const signed = {
  MessageId: messageId,
  TopicArn: topicArn,
  Message: z.string().max(SNS_MAX_MESSAGE_CHARS),
  Timestamp: timestamp,
  SignatureVersion: signatureVersion,
  Signature: signature,
  SigningCertURL: url,
};

export const snsNotificationSchema = z.object({
  Type: z.literal('Notification'),
  ...signed,
  // SNS leaves Subject out when the publisher gave none; a null (as Lambda's copy of the envelope has) means the same.
  Subject: z
    .string()
    .max(1000)
    .nullable()
    .transform((value) => value ?? undefined)
    .optional(),
  UnsubscribeURL: url.optional(),
});

const confirmation = {
  ...signed,
  SubscribeURL: url,
  Token: z.string().min(1).max(4096),
};

export const snsSubscriptionConfirmationSchema = z.object({
  Type: z.literal('SubscriptionConfirmation'),
  ...confirmation,
});
export const snsUnsubscribeConfirmationSchema = z.object({
  Type: z.literal('UnsubscribeConfirmation'),
  ...confirmation,
});

/** Unknown keys are dropped (SNS may add some); the signature covers only the documented ones. */
export const snsMessageSchema = z.discriminatedUnion('Type', [
  snsNotificationSchema,
  snsSubscriptionConfirmationSchema,
  snsUnsubscribeConfirmationSchema,
]);

export type SnsNotification = z.output<typeof snsNotificationSchema>;
export type SnsSubscriptionConfirmation = z.output<typeof snsSubscriptionConfirmationSchema>;
export type SnsUnsubscribeConfirmation = z.output<typeof snsUnsubscribeConfirmationSchema>;
export type SnsMessage = z.output<typeof snsMessageSchema>;
export type SnsMessageType = SnsMessage['Type'];

export type SnsParseResult = { ok: true; message: SnsMessage } | { ok: false; issues: string[] };

/** The envelope, or one `Field: what is wrong` line per problem (for a 400 that names the field). */
export function parseSnsMessage(body: unknown): SnsParseResult {
  const parsed = snsMessageSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  return { ok: true, message: parsed.data };
}

/** The start of a value a sender gave us, quoted, so an error identifies it without echoing it whole. */
function cut(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'nothing' : typeof value;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
