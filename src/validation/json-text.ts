// A string that must hold JSON of a given shape: a button's value, which Slack hands back as the text we put there.
import { z } from 'zod';

/** Parses the text as JSON, then checks it against `schema`; text that is not JSON is one clear issue. */
export function jsonText<T extends z.ZodType>(schema: T, maxLength = 2000) {
  return z
    .string()
    .max(maxLength)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}
