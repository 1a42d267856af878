// What could be improved, by rule: suggestions drawn from the timeline (capacity added by hand, a slow
// acknowledgement, alerts long before the incident), each with what prompted it, left out when people's
// own follow-ups already say the same.
import { humanDuration } from '../duration';
import type { TimelineEvent } from '../timeline';
import { between, earliest, type Measure, type PostmortemFacts, PLACEHOLDERS } from './model';

/** What the rules read besides the facts. */
export interface SuggestionContext {
  /** In time order. */
  events: readonly TimelineEvent[];
  /** When the incident's earliest alert started, over all its alerts. */
  alertsFirst: { startedAt: Date | null };
  clock(at: Date): string;
}

interface Suggestion {
  text: string;
  reason: string;
  /** A follow-up people already wrote that says the same; the suggestion is then left out. */
  coveredBy: RegExp;
}

function suggestions(facts: PostmortemFacts, ctx: SuggestionContext): Suggestion[] {
  const out: Suggestion[] = [];
  const manual = ctx.events.filter(
    (e): e is TimelineEvent & { type: 'scale.requested' } => e.type === 'scale.requested' && e.actor.kind === 'user',
  );
  const manualTargets = [...new Set(manual.map((e) => e.data.target))];
  for (const target of manualTargets) {
    const count = manual.filter((e) => e.data.target === target).length;
    out.push({
      text: `Configure auto-scaling for ${target} so capacity follows traffic`,
      reason: `${target} was scaled by hand ${count === 1 ? 'once' : `${count} times`} during the incident`,
      coveredBy: /auto[- ]?scal/i,
    });
  }
  const firstManual = manual[0];
  if (firstManual) {
    const afterAlert = between(facts.firstAlertAt, firstManual.at);
    const reason =
      afterAlert !== null && afterAlert >= 0
        ? `capacity was first requested at ${ctx.clock(firstManual.at)}, ${humanDuration(afterAlert, 'spoken')} after the first alert`
        : `capacity was added by hand during the incident`;
    out.push({ text: 'Pre-scale before known high-traffic events (sales, launches)', reason, coveredBy: /pre-?scal/i });
  }
  const ackMs = between(facts.pageSentAt, facts.acknowledgedAt);
  const unacknowledged = facts.pageSentAt !== null && facts.acknowledgedAt === null;
  if ((ackMs !== null && ackMs > 5 * 60_000) || unacknowledged) {
    out.push({
      text: 'Review the on-call escalation policy',
      reason:
        ackMs !== null
          ? `the page took ${humanDuration(ackMs, 'spoken')} to acknowledge`
          : 'the page was never acknowledged',
      coveredBy: /escalation/i,
    });
  }
  const firstAlert = earliest([facts.firstAlertAt, ctx.alertsFirst.startedAt]);
  const early = between(firstAlert, facts.openedAt);
  if (early !== null && early >= 10 * 60_000) {
    out.push({
      text: 'Add traffic anomaly detection to alert earlier',
      reason: `alerts had been firing for ${humanDuration(early, 'spoken')} before the incident was declared`,
      coveredBy: /anomal/i,
    });
  }
  return out;
}

/** People's follow-ups, then the suggestions they do not already cover; a placeholder when there are neither. */
export function preventativeMeasures(followUps: string[], facts: PostmortemFacts, ctx: SuggestionContext): Measure[] {
  const measures: Measure[] = followUps.map((text) => ({ text, source: 'people' }));
  for (const s of suggestions(facts, ctx)) {
    if (!followUps.some((f) => s.coveredBy.test(f)))
      measures.push({ text: s.text, source: 'suggested', reason: s.reason });
  }
  return measures.length > 0 ? measures : [{ text: PLACEHOLDERS.preventative, source: 'placeholder' }];
}
