// Prometheus metrics (prom-client): alerts received, incidents opened, outbox depth, Slack calls and 429s.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  alertsReceived: Counter<'source'>;
  alertsRefused: Counter<'source' | 'reason'>;
  incidentsOpened: Counter<'origin'>;
  slackCalls: Histogram<'method' | 'outcome'>;
  slackRateLimited: Counter<'method'>;
  slackListenerFailures: Counter<'kind' | 'id'>;
  outboxDelivered: Counter<'kind'>;
  outboxRetried: Counter<'kind'>;
  outboxBuried: Counter<'kind'>;
  httpRequests: Histogram<'route' | 'status'>;
  pagesSent: Counter;
  pagerDutyCalls: Histogram<'action' | 'outcome'>;
}

/** A registry per app instance, so tests running several instances in one process do not collide. */
export function createMetrics(options: {
  outboxDepth: () => Promise<number>;
  defaultMetrics?: boolean;
  /** Whether each watched target's metrics source answered at its latest look (issue 17). */
  capacitySources?: () => Array<{ target: string; up: boolean }>;
}): Metrics {
  const registry = new Registry();
  // prom-client's process_* and nodejs_* metrics keep their standard names (those of every Prometheus client
  // library), so stock dashboards and alerts work; the scrape's job label already says they are Firebreak's.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({
    name: 'firebreak_outbox_depth',
    help: 'Outbox jobs waiting or in progress (Slack messages and edits not yet delivered)',
    registers,
    async collect() {
      this.set(await options.outboxDepth());
    },
  });
  const sources = options.capacitySources;
  if (sources)
    new Gauge({
      name: 'firebreak_capacity_source_up',
      help: "1 when the watched target's metrics source answered at the latest look, 0 when it could not be read",
      labelNames: ['target'],
      registers,
      collect() {
        for (const s of sources()) this.set({ target: s.target }, s.up ? 1 : 0);
      },
    });
  return {
    registry,
    alertsReceived: new Counter({
      name: 'firebreak_alerts_received_total',
      help: 'Alerts accepted from monitors',
      labelNames: ['source'],
      registers,
    }),
    alertsRefused: new Counter({
      name: 'firebreak_alerts_refused_total',
      help: 'Alert webhook requests refused, by source and reason (unauthorized, bad_signature, forbidden, malformed, too_large, unavailable)',
      labelNames: ['source', 'reason'],
      registers,
    }),
    incidentsOpened: new Counter({
      name: 'firebreak_incidents_opened_total',
      help: 'Incidents opened',
      labelNames: ['origin'],
      registers,
    }),
    slackCalls: new Histogram({
      name: 'firebreak_slack_call_duration_seconds',
      help: 'Slack Web API call latency',
      labelNames: ['method', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    slackListenerFailures: new Counter({
      name: 'firebreak_slack_listener_failures_total',
      help: 'Slash commands, clicks, forms and events that failed (the person was told; the log says why)',
      labelNames: ['kind', 'id'],
      registers,
    }),
    slackRateLimited: new Counter({
      name: 'firebreak_slack_rate_limited_total',
      help: 'Slack calls answered 429 (rate limited)',
      labelNames: ['method'],
      registers,
    }),
    outboxDelivered: new Counter({
      name: 'firebreak_outbox_delivered_total',
      help: 'Outbox jobs delivered',
      labelNames: ['kind'],
      registers,
    }),
    outboxRetried: new Counter({
      name: 'firebreak_outbox_retried_total',
      help: 'Outbox deliveries that failed and were rescheduled',
      labelNames: ['kind'],
      registers,
    }),
    outboxBuried: new Counter({
      name: 'firebreak_outbox_buried_total',
      help: 'Outbox jobs refused for good (see logs)',
      labelNames: ['kind'],
      registers,
    }),
    pagesSent: new Counter({ name: 'firebreak_pages_sent_total', help: 'Pages PagerDuty accepted', registers }),
    pagerDutyCalls: new Histogram({
      name: 'firebreak_pagerduty_call_duration_seconds',
      help: 'PagerDuty Events API call latency',
      labelNames: ['action', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpRequests: new Histogram({
      name: 'firebreak_http_request_duration_seconds',
      help: 'HTTP requests served',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
  };
}
