// What a form carries for itself (Slack's private_metadata, a string we wrote as JSON when opening it), read
// back with its schema: text that is not JSON reads as `{}`, so the schema says what is missing.
import type { z } from 'zod';

export function privateMetadata<S extends z.ZodType>(view: { private_metadata?: string }, schema: S) {
  let raw: unknown = {};
  try {
    raw = JSON.parse(view.private_metadata || '{}');
  } catch {
    // left as {}: the schema refuses it
  }
  return schema.safeParse(raw);
}
