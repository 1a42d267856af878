// The bench's sizes and shared secrets. Sizes come from the environment with issue 12's defaults;
// BENCH_QUICK=1 divides every default by about ten, for a run of a minute or two that still shows each figure.

const QUICK = process.env.BENCH_QUICK === '1';

/** An integer from the environment, else the default (divided by `quickDivisor` in a quick run, never below `min`). */
function size(name: string, full: number, quickDivisor = 10, min = 1): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
    return value;
  }
  return QUICK ? Math.max(min, Math.round(full / quickDivisor)) : full;
}

export const sizes = {
  quick: QUICK,
  /** Alerts in each ingest storm (the 6-alert c50 one and the 1-alert c20 one). */
  stormAlerts: size('BENCH_STORM_ALERTS', 100_000, 10, 100),
  /** Alerts of the storm whose peak RSS is measured; they all go to one incident, whose timeline the postmortem page then shows. */
  rssStormAlerts: size('BENCH_RSS_STORM_ALERTS', 10_000, 10, 60),
  /** Sequential new incidents for alert → card (and → page). */
  latencySamples: size('BENCH_LATENCY_SAMPLES', 100, 10, 5),
  /** Slash commands per run (idle, and during a storm). */
  commandSamples: size('BENCH_COMMAND_SAMPLES', 1_000, 10, 20),
  /** Cold starts of each process (median reported); 3 in a quick run. */
  coldStarts: size('BENCH_COLD_STARTS', 7, 2.5, 1),
  /** Postmortem page GETs per run (idle, and during a storm), one after another. */
  postmortemSamples: size('BENCH_POSTMORTEM_SAMPLES', 50, 5, 3),
  /** "Scale out +4" clicks, one after another. */
  scaleClicks: size('BENCH_SCALE_CLICKS', 20, 5, 1),
};

/** Alertmanager groups per storm: a few, so incidents (and Slack work) stay few while every alert is new. */
export const STORM_GROUPS = 20;
/** In-flight requests of each sender, as the issue states them. */
export const CONCURRENCY = { batchStorm: 50, singleStorm: 20, commands: 20 } as const;
/** Alerts per webhook in the batched storm: what Alertmanager sends for a group that fires together. */
export const ALERTS_PER_BATCH = 6;

export const secrets = {
  alertToken: 'bench-alert-token-0123456789',
  signingSecret: 'bench-signing-secret-0123456789',
  botToken: 'xoxb-bench',
  linkSecret: 'bench-link-secret-0123456789abcdef0123456789',
  pagerDutyRoutingKey: 'bench-routing-key-0123456789abcdef',
} as const;
