// The postmortem's metrics as both its renderers list them: a label saying from what to what, and the time
// in words, or why there is none.
import { humanDuration } from '../domain/duration';
import type { PostmortemMetrics } from '../domain/postmortem';

const METRIC_ROWS: Array<[keyof PostmortemMetrics, string, string]> = [
  ['timeToAcknowledge', 'Time to acknowledge (page sent → acknowledged)', 'no page was acknowledged'],
  ['timeToMitigate', 'Time to mitigate (opened → mitigated)', 'not mitigated'],
  ['timeToResolve', 'Time to resolve (opened → resolved)', 'not resolved'],
  ['firstAlertToCapacity', 'First alert → added capacity in service', 'no capacity was added'],
];

export function metricRows(metrics: PostmortemMetrics): Array<{ label: string; value: string; ms: number | null }> {
  return METRIC_ROWS.map(([key, label, missing]) => {
    const ms = metrics[key];
    return { label, ms, value: ms === null ? `— (${missing})` : humanDuration(ms, 'spoken') };
  });
}
