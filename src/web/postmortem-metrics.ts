// The postmortem's metrics as both its renderers list them: a label saying from what to what, and the time
// in words, or why there is none.
import { humanDuration } from '../domain/duration';
import type { PostmortemMetrics } from '../domain/postmortem';

const METRIC_ROWS: Array<[keyof PostmortemMetrics, string, string]> = [
  ['timeToAcknowledge', 'Time to acknowledge (page sent → acknowledged)', 'no page was acknowledged'],
  ['timeToMitigate', 'Time to mitigate (opened → mitigated)', 'not mitigated'],
  ['timeToResolve', 'Time to resolve (opened → resolved)', 'not resolved'],
  ['firstAlertToCapacity', 'First alert → added capacity in service', 'no capacity was added'],
  ['timeToEscalate', 'Time to escalate (opened → first other team paged)', 'no other team was escalated to'],
];

/** Rows shown only for incidents that had them: most incidents never escalate to another team. */
const ONLY_WHEN_PRESENT: ReadonlySet<keyof PostmortemMetrics> = new Set(['timeToEscalate']);

export function metricRows(metrics: PostmortemMetrics): Array<{ label: string; value: string; ms: number | null }> {
  return METRIC_ROWS.filter(([key]) => !ONLY_WHEN_PRESENT.has(key) || metrics[key] !== undefined).map(
    ([key, label, missing]) => {
      const ms = metrics[key] ?? null;
      return { label, ms, value: ms === null ? `— (${missing})` : humanDuration(ms, 'spoken') };
    },
  );
}
