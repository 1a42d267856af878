// The top-level shape of a request to /slack/events, read exactly as Bolt will read it, so that a body
// Bolt would choke on (a signed `payload=null` once crashed the process inside Bolt) is refused first.
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import { formatIssues } from '../validation/zod-issues';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** `body`: the request as Bolt reads it (a form's `payload` field parsed), handed to Bolt instead of parsed twice. */
export type SlackBodyCheck =
  | { ok: true; sslCheck: boolean; body: Record<string, unknown> }
  | { ok: false; issue: string };

// Loose: Slack adds fields over time; only what Bolt's routing reads must be right.
const eventsBody = z.looseObject({
  type: z.string().min(1),
  event: z.looseObject({}).optional(),
});
const interactivityPayload = z.looseObject({ type: z.string().min(1) });
const slashCommand = z.looseObject({ command: z.string().min(1) });

function objectOnly(value: unknown): string | null {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? null : `a ${typeof value}`;
}

/**
 * Only the fields the schema names, as the request has them. A loose schema passes every other field
 * through, so checking the whole body copied every field of every command and click (a slash command's
 * form has thirteen) on the way to the acknowledgement; the verdict and its issues are the same.
 */
function routedFields(schema: z.ZodObject, value: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    if (Object.hasOwn(value, key)) fields[key] = (value as Record<string, unknown>)[key];
  }
  return fields;
}

function validate(schema: z.ZodObject, value: unknown, what: string): SlackBodyCheck {
  const not = objectOnly(value);
  if (not !== null) return { ok: false, issue: `${what} must be a JSON object (got ${not})` };
  const parsed = schema.safeParse(routedFields(schema, value as object), { reportInput: true });
  return parsed.success
    ? { ok: true, sslCheck: false, body: value as Record<string, unknown> }
    : { ok: false, issue: `${what}: ${formatIssues(parsed.error.issues).join('; ')}` };
}

function parseJson(text: string, what: string): { ok: true; value: unknown } | { ok: false; issue: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, issue: `${what} is not valid JSON (${(error as Error).message})` };
  }
}

/**
 * Bolt parses a form only when Content-Type is exactly `application/x-www-form-urlencoded` (then a
 * `payload` field is JSON), and everything else as JSON; this follows the same rule so that what is
 * checked here is what Bolt acts on.
 */
export function checkSlackBody(contentType: string | undefined, text: string): SlackBodyCheck {
  if (text.length === 0) return { ok: false, issue: 'the body is empty: Slack sends a form or a JSON object' };
  if (contentType === FORM_CONTENT_TYPE) {
    const form = parseQuery(text);
    // Slack's SSL check is unsigned and carries nothing to act on; Bolt answers it by itself.
    if (form.ssl_check === '1') return { ok: true, sslCheck: true, body: form };
    if (form.payload !== undefined) {
      if (typeof form.payload !== 'string') return { ok: false, issue: 'the form has more than one payload field' };
      const payload = parseJson(form.payload, 'the payload field');
      return payload.ok ? validate(interactivityPayload, payload.value, 'the payload field') : payload;
    }
    return validate(slashCommand, form, 'a form without a payload field (a slash command)');
  }
  const json = parseJson(
    text,
    `the body (Content-Type ${contentType ? JSON.stringify(contentType.slice(0, 60)) : 'missing'}, read as JSON)`,
  );
  return json.ok ? validate(eventsBody, json.value, 'the body') : json;
}
