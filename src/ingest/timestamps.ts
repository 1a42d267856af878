// Timestamps as Go's monitors write them (Alertmanager, Grafana): RFC 3339 with nanoseconds and offsets.
import { z } from 'zod';

// zod's own RFC 3339 pattern (what z.iso.datetime({ offset: true }) checks), tested directly: every alert
// carries two timestamps, and a storm brings thousands of alerts a second; running a second schema inside
// this one's check cost a parse context and a result object per timestamp.
const RFC3339 = z.core.regexes.datetime({ offset: true });

/** RFC 3339 as Go writes it (nanoseconds, offsets allowed). Go's zero time, 0001-01-01T00:00:00Z, means "not set". */
export const goTimestamp = z
  .string()
  .refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), {
    error: (issue) =>
      `expected an RFC 3339 timestamp such as 2023-02-15T11:30:00Z (got ${JSON.stringify(issue.input)})`,
  })
  .transform((value): Date | undefined => {
    const date = new Date(value);
    return date.getUTCFullYear() <= 1 ? undefined : date;
  });
