// A scale target's capacity watch, as the policy file gives it (`watch:` on a scale target): where its load is
// read, what one instance carries, the utilization to stay under, and how far ahead and how often to look.
import type { MetricQuery } from './series';

export interface CapacityWatch {
  query: MetricQuery;
  /** Load one instance carries at 100 %, in the query's unit (e.g. requests per second). */
  perInstance: number;
  /** Utilization to stay under, (0, 1]. */
  targetUtilization: number;
  /** How far ahead the forecast looks. */
  lookaheadMinutes: number;
  /**
   * The largest surge the offer is sized for, as a multiple of the usual load at that time of day (surge.ts);
   * absent: 8.
   */
  surgeCeiling?: number;
  /** How often the load is read and forecast. */
  intervalSeconds: number;
  /**
   * What a warning does: `warning` posts it in the announcements channel; `incident` also opens a low-severity
   * capacity incident and posts it in that incident's channel. Absent: `warning`.
   */
  offer?: 'warning' | 'incident';
}
