// The composition root as a function: builds every adapter from config, wires flows, starts serving.
// main.ts calls it with process.env's config; tests and the benchmark call it with their own.
import type { Server } from 'node:http';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { WebClient, LogLevel as SlackLogLevel } from '@slack/web-api';
import { AWS_PROVIDER, capacityHomeOf } from './adapters/aws/aws-target';
import { routeByProvider, type ClosableCloud } from './adapters/cloud-router';
import { createKyselyStore } from './adapters/store/kysely-store';
import { openDatabase, stopDatabaseThreads } from './adapters/store/database';
import { migrateToLatest } from './adapters/store/migrations';
import { createSlackChat } from './adapters/slack/slack-chat';
import { slackObservation } from './adapters/slack/slack-errors';
import { storedSlackBudget } from './adapters/slack/slack-budget';
import { SLACK_TIER_DEFAULTS } from './config/policy';
import { unconfiguredWatchSources, type Config } from './config/load';
import { respondersFor, severityForService } from './domain/routing';
import { ingestInBatches, type IngestDeps } from './flows/ingest-alerts';
import { createPagerDutyEvents } from './adapters/pagerduty/events-client';
import { incidentChannelHandlers } from './flows/incident-channel';
import {
  applyPageUpdate,
  PAGER_JOBS,
  pagingHandlers,
  pagingOnChange,
  pagingOnOpen,
  type PagingSetup,
} from './flows/paging';
import { sweepOldRecords } from './flows/housekeeping';
import { postmortemHandlers, postmortemOnChange } from './flows/postmortem-delivery';
import {
  CAPACITY_OBSERVE_JOB,
  capacityObservationHandlers,
  capacityObservationOnChange,
} from './flows/capacity-observation';
import { routeBySource } from './adapters/metrics-router';
import { createPrometheusMetrics } from './adapters/prometheus/prometheus-metrics';
import { SCALE_JOB, scalingHandlers, scalingOnOpen, targetsForIncident, type ScalingDeps } from './flows/scaling';
import { MESSAGE_WRITING_JOBS } from './flows/outbox-jobs';
import { scaleApprovalHandlers, APPROVAL_JOB } from './flows/scale-approval';
import { TEAM_JOB, teamEscalationHandlers, teamEscalationOnChange, type EscalationDeps } from './flows/team-escalation';
import { nudgeHandlers, nudgesOnChange, nudgesOnOpen } from './flows/nudges';
import { updateDeliveryHandlers } from './flows/stakeholder-updates';
import type { IncidentFlowDeps } from './flows/update-incident';
import type { Incident } from './domain/incident';
import { actorName } from './domain/actor';
import { catchUpHandlers } from './flows/catch-up';
import { CAPACITY_JOB, type CapacityPlanDeps } from './flows/capacity-plans';
import { capacityPlanHandlers } from './flows/capacity-plan-jobs';
import { WATCH_JOB, CapacitySources, capacityWatchHandlers, seedCapacityWatches } from './flows/capacity-watch';
import { capacityRoutes, signedCapacityChartUrl } from './http/capacity-routes';
import { FirebreakError } from './errors';
import { alertEndpoint } from './http/alert-endpoint';
import { type AlertSourceDeps, alertSources } from './ingest/sources';
import { pagerDutyRoutes } from './http/pagerduty-routes';
import { postmortemRoutes, signedPostmortemUrl } from './http/postmortem-routes';
import { closeGracefully, createHttpApp, frontDoor, listen } from './http/server';
import { guardSlackRequests } from './http/slack-request-guard';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { readinessCheck } from './observability/readiness';
import { SlackStatus } from './observability/slack-status';
import { OutboxWorker } from './outbox/outbox-worker';
import { systemClock, type Clock } from './ports/clock';
import type { Chat } from './ports/chat';
import type { Pager, PageUpdateSink } from './ports/pager';
import type { Store } from './ports/store';
import type { Sandbox } from './sandbox/sandbox';
import { createSlackApp, type SlackApp } from './slack/app';

export interface StartOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** AWS SDK clients to use instead of ones built from the environment (tests point them at a local cloud). */
  aws?: { ec2: EC2Client; autoScaling: AutoScalingClient; cloudWatch?: CloudWatchClient };
  /**
   * A chat platform to hold incidents in instead of Slack (tests prove the Chat port with one). Slack's receiver
   * still takes commands and clicks: a platform's driving side is an adapter of its own.
   */
  chat?: () => Chat;
  /** Cloud adapters for more providers, by name, beside AWS (tests prove the Cloud port with one). */
  clouds?: Readonly<Record<string, () => ClosableCloud>>;
  /**
   * A pager to page through instead of PagerDuty (tests prove the Pager port with one), built with where to hand
   * the page updates it hears (acknowledged, resolved…).
   */
  pager?: (updates: PageUpdateSink) => Pager;
  /** Where SNS certificates and SubscribeURLs may be fetched from, and how (tests sign with their own key). */
  sns?: AlertSourceDeps['sns'];
  /** Outbox tuning, for tests that must not wait a real second between card edits. */
  outbox?: { laneIntervalMs?: number; pollMs?: number; baseBackoffMs?: number };
  /** How often Slack is probed while it is unusable; 15 s unless told (tests). */
  readiness?: { slackProbeMs?: number };
}

export interface Firebreak {
  url: string;
  port: number;
  store: Store;
  outbox: OutboxWorker;
  slack: SlackApp;
  metrics: Metrics;
  logger: Logger;
  /** The local Slack when running in sandbox mode. */
  sandbox: Sandbox | null;
  /** Where capacity watches with `source: prometheus` are read: PROMETHEUS_URL, or the sandbox's local Prometheus. */
  prometheusUrl: string | undefined;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

// Loaded only when used, so a restart (after a crash, in a deploy) is up in well under a second: the AWS
// SDK alone takes a third of a second to load, and the sandbox is dozens of modules production never runs.
const lazy = {
  sandbox: () => require('./sandbox/sandbox') as typeof import('./sandbox/sandbox'),
  sandboxConsole: () =>
    require('./sandbox/console/console-routes') as typeof import('./sandbox/console/console-routes'),
  aws: () => require('./adapters/aws/aws-cloud') as typeof import('./adapters/aws/aws-cloud'),
  cloudWatchMetrics: () =>
    require('./adapters/aws/cloudwatch-metrics') as typeof import('./adapters/aws/cloudwatch-metrics'),
  pagerDutyIncidents: () =>
    require('./adapters/pagerduty/incident-client') as typeof import('./adapters/pagerduty/incident-client'),
  pagerDutyOnCall: () =>
    require('./adapters/pagerduty/oncall-client') as typeof import('./adapters/pagerduty/oncall-client'),
  pagerDutyResponders: () =>
    require('./adapters/pagerduty/responder-client') as typeof import('./adapters/pagerduty/responder-client'),
};
const SLACK_PROBE_MS = 2_000;

function slackLogLevel(level: string): SlackLogLevel {
  return level === 'debug' || level === 'trace' ? SlackLogLevel.DEBUG : SlackLogLevel.ERROR;
}

export async function startFirebreak(options: StartOptions): Promise<Firebreak> {
  const { config } = options;
  const env = config.env;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  if (config.mode === 'sandbox') {
    logger.warn(
      { mode: 'sandbox' },
      'SANDBOX MODE: no SLACK_BOT_TOKEN, so Firebreak talks to a local Slack-compatible API, not to Slack',
    );
  } else {
    logger.info({ mode: 'live', socketMode: Boolean(env.SLACK_APP_TOKEN) }, 'Firebreak starting');
  }
  for (const warning of config.warnings) logger.warn(warning);
  const sandbox =
    config.mode === 'sandbox'
      ? await lazy.sandbox().startSandbox({
          logger,
          clock,
          signingSecret: env.SLACK_SIGNING_SECRET ?? '',
          dataDir: config.sandboxDataDir,
        })
      : null;
  const pagerDuty = sandbox?.pagerDuty ?? {
    eventsUrl: env.PAGERDUTY_EVENTS_URL ?? 'https://events.pagerduty.com',
    apiUrl: env.PAGERDUTY_API_URL ?? 'https://api.pagerduty.com',
    routingKey: env.PAGERDUTY_ROUTING_KEY,
    apiToken: env.PAGERDUTY_API_TOKEN,
    escalationPolicyId: env.PAGERDUTY_ESCALATION_POLICY_ID,
    webhookSecret: env.PAGERDUTY_WEBHOOK_SECRET,
  };
  if (!pagerDuty.routingKey) logger.info('paging is off: PAGERDUTY_ROUTING_KEY is not set');
  if (!pagerDuty.apiToken || !pagerDuty.escalationPolicyId)
    logger.info('on-call lookup is off: PAGERDUTY_API_TOKEN and PAGERDUTY_ESCALATION_POLICY_ID are needed');
  if (!pagerDuty.webhookSecret) logger.info('PagerDuty webhooks are off: PAGERDUTY_WEBHOOK_SECRET is not set');
  if (env.CLOUDWATCH_SNS_TOPIC_ARNS.length === 0)
    logger.info('CloudWatch alarms are off: CLOUDWATCH_SNS_TOPIC_ARNS names no SNS topic');
  const slackApiUrl = sandbox?.slackApiUrl ?? env.SLACK_API_URL;
  const botToken = sandbox?.botToken ?? env.SLACK_BOT_TOKEN ?? '';

  const db = openDatabase(env.DATABASE_URL, { logger, checkpointInBackground: true });
  let applied: string[];
  try {
    applied = await migrateToLatest(db);
  } catch (error) {
    // A start that fails leaves nothing running behind it: the checkpoint thread, the connection, the fakes.
    await stopDatabaseThreads(db);
    await db.destroy();
    await sandbox?.stop();
    throw error;
  }
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  const store = createKyselyStore(db);
  if (sandbox) await lazy.sandbox().warnIfOutOfStep(sandbox, store.incidents, logger);

  // Whether each watched target's metrics source answers (issue 17): logged once per change, a gauge, /readyz.
  const capacitySources = new CapacitySources((target, up, problem) => {
    if (up) logger.info({ target }, `capacity watch: ${target}'s load can be read again`);
    else logger.warn({ target, problem }, `capacity watch: cannot read ${target}'s load: ${problem}`);
  });
  const metrics = createMetrics({
    outboxDepth: () => store.outbox.depth(),
    capacitySources: () => capacitySources.list(),
  });
  const web = new WebClient(botToken, {
    slackApiUrl,
    // The outbox owns retries (durable, honouring Retry-After); the client must report failures at once.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: slackLogLevel(env.LOG_LEVEL),
  });
  const chat =
    options.chat?.() ??
    createSlackChat(web, {
      timeZone: env.TIMEZONE,
      warn: (context, message) => logger.warn(context, message),
      budget: storedSlackBudget({
        budgets: store.rateBudgets,
        clock,
        callsPerMinute: { ...SLACK_TIER_DEFAULTS, ...config.policy.slack.rateLimits },
      }),
      observer: {
        called(method, seconds, outcome, error) {
          metrics.slackCalls.observe({ method, outcome }, seconds);
          if (outcome === 'rate_limited') metrics.slackRateLimited.inc({ method });
          // Every real call tells readiness whether Slack is usable; a rate limit is Slack answering.
          slackStatus.record(outcome === 'error' && error ? slackObservation(error) : { usable: true });
        },
      },
    });
  /** Slack's pace per channel: at most one message write this often. */
  const laneIntervalMs = options.outbox?.laneIntervalMs ?? config.policy.card.minEditIntervalMs;
  // The bot's ids, from the one auth.test at start (or the first probe that gets through): Bolt needs them.
  let botIds: { botUserId: string; botId: string } | null = null;
  const slackStatus = new SlackStatus({
    probe: async () => {
      const me = await chat.identify();
      botIds = { botUserId: me.userId, botId: me.botId };
    },
    observe: slackObservation,
    probeEveryMs: options.readiness?.slackProbeMs ?? SLACK_PROBE_MS,
    clock,
    logger,
    // After an outage, what waits out a backoff goes at once: every waiting channel within seconds.
    onRecovered: () => {
      const now = clock.now();
      store.outbox.retryFailedNow(now, new Date(now.getTime() + laneIntervalMs)).then(
        (count) => {
          if (count > 0) logger.info({ jobs: count }, 'Slack is back: retrying the deliveries that were waiting');
          wakeOutbox();
        },
        (error: unknown) =>
          logger.warn(
            { err: error },
            'could not bring forward the deliveries waiting for Slack; they retry on their own',
          ),
      );
    },
  });

  // The one place the pager is chosen: another vendor's adapter is another branch here, nowhere else.
  const deliverPageUpdate: PageUpdateSink = (update) =>
    applyPageUpdate({ ...flows, ackTimeoutMinutes: config.policy.paging.ackTimeoutMinutes }, update);
  const pagerDutyEvents = pagerDuty.routingKey
    ? createPagerDutyEvents({
        eventsUrl: pagerDuty.eventsUrl,
        routingKey: pagerDuty.routingKey,
        observer: {
          called: (action, seconds, outcome) => metrics.pagerDutyCalls.observe({ action, outcome }, seconds),
        },
      })
    : null;
  // Incidents that started in PagerDuty are acknowledged and resolved by id (REST) when Firebreak may write there.
  const pagerDutyFrom = env.PAGERDUTY_FROM_EMAIL;
  const pager = options.pager
    ? options.pager(deliverPageUpdate)
    : pagerDutyEvents && pagerDuty.apiToken && pagerDutyFrom
      ? lazy
          .pagerDutyIncidents()
          .withIncidentUpdates(
            pagerDutyEvents,
            lazy
              .pagerDutyIncidents()
              .createPagerDutyIncidents({ apiUrl: pagerDuty.apiUrl, token: pagerDuty.apiToken, from: pagerDutyFrom }),
          )
      : pagerDutyEvents;
  // Teams named by escalation policy need the on-call lookup too, to invite their on-call engineer.
  const teamPolicies = config.policy.teams.some((t) => 'escalationPolicyId' in t.pager);
  const onCall =
    pagerDuty.apiToken && (pagerDuty.escalationPolicyId || teamPolicies)
      ? lazy.pagerDutyOnCall().createPagerDutyOnCall({ apiUrl: pagerDuty.apiUrl, token: pagerDuty.apiToken })
      : null;
  const paging: PagingSetup = {
    policy: config.policy.paging,
    pager,
    onCall,
    escalationPolicyIds: [
      ...new Set([
        ...(pagerDuty.escalationPolicyId ? [pagerDuty.escalationPolicyId] : []),
        ...config.policy.paging.escalationPolicies,
      ]),
    ],
  };

  // Capacity watches read Prometheus here; the sandbox's web tier serves its request rate from a local one.
  const prometheusUrl = env.PROMETHEUS_URL ?? sandbox?.prometheus.url;
  const capacityMetrics = routeBySource(
    {
      ...(prometheusUrl ? { prometheus: () => createPrometheusMetrics({ url: prometheusUrl }) } : {}),
      // CloudWatch: the SDK's own chain (AWS_REGION, credentials, AWS_ENDPOINT_URL_CLOUDWATCH), as for EC2.
      cloudwatch: () =>
        lazy
          .cloudWatchMetrics()
          .createCloudWatchMetrics(options.aws?.cloudWatch ? { client: options.aws.cloudWatch } : {}),
    },
    { prometheus: 'no Prometheus to read: set PROMETHEUS_URL' },
  );

  // Scale targets from the policy; in the sandbox, a simulated web tier when the policy names none.
  const scaleTargets =
    config.policy.scaleTargets.length > 0 || !sandbox ? config.policy.scaleTargets : sandbox.cloud.defaultTargets;
  const awsClients =
    options.aws ?? (sandbox ? { ec2: sandbox.cloud.ec2, autoScaling: sandbox.cloud.autoScaling } : null);
  // Each target goes to its provider's adapter; only the ones in use are built, so AWS's SDK loads only for AWS.
  const cloud =
    scaleTargets.length === 0
      ? null
      : routeByProvider(scaleTargets, {
          [AWS_PROVIDER]: () => lazy.aws().createAwsCloud(awsClients ?? {}),
          ...options.clouds,
        });

  // Issue 17: a watch whose metrics source is not configured would watch nothing. loadConfig already refused
  // one outside the sandbox; here the sandbox's own Prometheus counts, and a config built elsewhere is refused.
  const watchedTargets = scaleTargets.filter((t) => t.watch !== undefined);
  const unwatchable = unconfiguredWatchSources({ PROMETHEUS_URL: prometheusUrl }, watchedTargets);
  if (unwatchable.length > 0) {
    await store.close();
    await sandbox?.stop();
    throw new FirebreakError('CONFIG_INVALID', unwatchable.join('\n'), { step: 'starting the capacity watch' });
  }

  const routing = config.policy.routing;
  let outbox: OutboxWorker | null = null;
  const wakeOutbox = (urgent = false): void => outbox?.wake(urgent);
  const onIncidentOpened = (id: number, incident?: Incident): void => {
    // A test incident is a rehearsal: it must not move the counts teams alert and report on.
    if (incident?.test) return void logger.info({ incidentId: id }, 'test incident opened (kept out of metrics)');
    metrics.incidentsOpened.inc({ origin: 'firebreak' });
    logger.info({ incidentId: id }, 'incident opened');
  };
  const openedHooks = [pagingOnOpen(paging), scalingOnOpen(scaleTargets), nudgesOnOpen(config.policy.nudges)];
  const flows: IncidentFlowDeps = {
    store,
    clock,
    wakeOutbox,
    onIncidentOpened,
    hooks: {
      opened: async (tx, incident, now) => {
        for (const hook of openedHooks) await hook(tx, incident, now);
      },
      changed: async (tx, before, after, now) => {
        await pagingOnChange(paging)(tx, before, after, now);
        // Before the postmortem's job, in the same lane: the draft it posts has the load to propose a policy from.
        if (scaleTargets.length > 0) await capacityObservationOnChange(tx, before, after, now);
        await postmortemOnChange(tx, before, after, now);
        await teamEscalationOnChange()(tx, before, after, now);
        await nudgesOnChange(tx, before, after, now);
      },
    },
  };
  let listeningUrl = '';
  const postmortemLink = (incidentId: number): string =>
    signedPostmortemUrl(env.PUBLIC_URL || listeningUrl, env.LINK_SECRET, incidentId, clock.now());
  const scaling: ScalingDeps | null = cloud
    ? { store, clock, cloud, chat, targets: scaleTargets, wakeOutbox, timeZone: env.TIMEZONE }
    : null;
  // Planned capacity for known events (issue 17): announced where incidents are, pre-scaled through `scaling`.
  const capacityPlans: CapacityPlanDeps | null = scaling
    ? {
        ...scaling,
        leadMinutes: config.policy.capacityPlans.leadMinutes,
        announceChannel: env.INCIDENTS_CHANNEL,
        onStep: (plan, step) =>
          logger.info(
            { capacityPlan: plan.id, target: plan.target, state: plan.state, by: actorName(step.by) },
            `capacity plan CAP-${plan.id}: ${step.what}`,
          ),
      }
    : null;
  // Other teams to escalate to (issue 16): paged through the same pager, each with its own route and key.
  // In the sandbox, a team paged through the local PagerDuty and one named by escalation policy, when the policy names none.
  const teams = config.policy.teams.length > 0 || !sandbox ? config.policy.teams : sandbox.pagerDuty.defaultTeams;
  // A team named by escalation policy is paged by a responder request on the incident's PagerDuty incident.
  // (The sandbox asks as one of the local PagerDuty's people, so its web-oncall team is paged out of the box.)
  const requesterEmail = pagerDutyFrom ?? sandbox?.pagerDuty.responderRequesterEmail;
  const responders =
    !options.pager && pagerDuty.apiToken && requesterEmail && teams.some((t) => 'escalationPolicyId' in t.pager)
      ? lazy
          .pagerDutyResponders()
          .createPagerDutyResponders({ apiUrl: pagerDuty.apiUrl, token: pagerDuty.apiToken, from: requesterEmail })
      : null;
  const respondersOff = options.pager
    ? 'teams named by escalation policy are paged through PagerDuty, which is not the pager here'
    : !pagerDuty.apiToken
      ? 'asking a team by its escalation policy needs PAGERDUTY_API_TOKEN (a REST API key that may write)'
      : 'asking a team by its escalation policy needs PAGERDUTY_FROM_EMAIL (the login email of the PagerDuty user Firebreak asks as)';
  const escalation: EscalationDeps | null =
    teams.length > 0 ? { store, clock, chat, pager, onCall, responders, respondersOff, teams, wakeOutbox } : null;
  const ingest: IngestDeps = { ...flows, policy: { severityFor: (service) => severityForService(routing, service) } };

  // Which service a job talks to, for its log line: said here, where the adapters are chosen, from which
  // flow registered the job, rather than guessed from its name.
  const scaleJobs = new Set<string>([
    ...Object.values(SCALE_JOB),
    APPROVAL_JOB.apply,
    CAPACITY_JOB.prescale,
    CAPACITY_JOB.step,
    CAPACITY_JOB.end,
  ]);
  const serviceOf = (kind: string): string =>
    scaleJobs.has(kind)
      ? 'cloud'
      : kind === CAPACITY_OBSERVE_JOB || kind === WATCH_JOB.watch
        ? 'metrics'
        : PAGER_JOBS.has(kind) || kind === TEAM_JOB.page || kind === TEAM_JOB.resolve
          ? (pager?.name.toLowerCase() ?? 'pager')
          : 'slack';
  outbox = new OutboxWorker({
    store,
    clock,
    logger: logger.child({ component: 'outbox' }),
    laneIntervalMs,
    isPaced: (job) => MESSAGE_WRITING_JOBS.has(job.kind),
    // SQLite is one process's alone: what a killed predecessor held is taken back at once, not after a lease.
    reclaimOnStart: env.DATABASE_URL.startsWith('sqlite'),
    // Several replicas: a restarted one takes back its own predecessor's lanes at once, by its stable name.
    ...(env.FIREBREAK_INSTANCE_ID ? { instanceId: env.FIREBREAK_INSTANCE_ID } : {}),
    ...(options.outbox?.pollMs !== undefined ? { pollMs: options.outbox.pollMs } : {}),
    ...(options.outbox?.baseBackoffMs !== undefined ? { baseBackoffMs: options.outbox.baseBackoffMs } : {}),
    handlers: {
      ...(scaling ? scalingHandlers(scaling) : {}),
      ...(scaling ? scaleApprovalHandlers(scaling) : {}),
      ...(capacityPlans ? capacityPlanHandlers(capacityPlans) : {}),
      ...(escalation ? teamEscalationHandlers(escalation) : {}),
      ...capacityObservationHandlers({
        store,
        clock,
        metrics: capacityMetrics,
        targets: scaleTargets,
        homeOf: capacityHomeOf,
      }),
      ...postmortemHandlers({ store, clock, chat, timeZone: env.TIMEZONE, pageLink: postmortemLink }),
      ...catchUpHandlers({ store, clock, chat }),
      ...pagingHandlers({
        ...paging,
        store,
        clock,
        chat,
        onPageSent: () => metrics.pagesSent.inc(),
      }),
      ...nudgeHandlers({ store, clock, chat, policy: config.policy.nudges }),
      // Always: a warning left open by a target no longer watched is closed, and its message edited, at start.
      ...capacityWatchHandlers({
        store,
        clock,
        chat,
        cloud,
        targets: scaleTargets,
        metrics: capacityMetrics,
        announceChannel: env.INCIDENTS_CHANNEL,
        chartLink: (warningId) =>
          env.LINK_SECRET
            ? signedCapacityChartUrl(env.PUBLIC_URL || listeningUrl, env.LINK_SECRET, warningId, clock.now())
            : null,
        sources: capacitySources,
        incidents: flows,
        wakeOutbox,
      }),
      ...updateDeliveryHandlers({ store, clock, chat }),
      ...incidentChannelHandlers({
        store,
        clock,
        chat,
        card: {
          timelineEntries: config.policy.card.timelineEntries,
          pagingEnabled: pager !== null,
          scaleTargetsFor: (incident) => targetsForIncident(scaleTargets, incident),
          canEscalate: escalation !== null,
        },
        timeZone: env.TIMEZONE,
        channelPrefix: config.policy.incidents.channelPrefix,
        announceChannel: env.INCIDENTS_CHANNEL,
        respondersFor: (incident) => respondersFor(routing, incident),
        wakeOutbox,
      }),
    },
    observer: {
      delivered: (job, outcome) => {
        metrics.outboxDelivered.inc({ kind: job.kind });
        const context = { jobId: job.id, kind: job.kind, incidentId: job.incidentId };
        const to = serviceOf(job.kind);
        if ('sent' in outcome) logger.info(context, `${to}: ${outcome.sent}`);
        else if ('skipped' in outcome)
          logger.debug(context, `${to}: nothing to send for ${job.kind} (${outcome.skipped})`);
      },
      retried: (job) => metrics.outboxRetried.inc({ kind: job.kind }),
      buried: (job) => metrics.outboxBuried.inc({ kind: job.kind }),
    },
  });

  const slack = createSlackApp({
    botToken,
    botIds: () => botIds,
    ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
    ...(!sandbox && env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(slackApiUrl ? { slackApiUrl } : {}),
    webClientOptions: { retryConfig: { retries: 2 }, timeout: 10_000, logLevel: slackLogLevel(env.LOG_LEVEL) },
    logger,
    listenerFailures: metrics.slackListenerFailures,
    deps: {
      flows,
      chat,
      timeZone: env.TIMEZONE,
      defaultSeverity: config.policy.incidents.defaultSeverity,
      defaultService: 'unknown',
      logger,
      paging: { pagerName: pager?.name ?? null, onCall, escalationPolicyIds: paging.escalationPolicyIds },
      scaling,
      escalation,
      capacityPlans,
    },
  });

  const severityOptions = {
    defaultSeverity: config.policy.incidents.defaultSeverity,
    severityWords: config.policy.severityWords,
  };
  // SNS certificates and SubscribeURLs: AWS's SNS hosts only, unless a test or the sandbox's own SNS says otherwise.
  const snsTrust =
    options.sns ??
    (sandbox ? { trustedHost: sandbox.sns.trustedHost, fetchCertificate: sandbox.sns.fetchCertificate } : undefined);
  const http = createHttpApp({
    logger,
    metrics,
    ready: readinessCheck({
      store,
      slack: slackStatus,
      clock,
      ...(watchedTargets.length > 0 ? { capacitySources: () => capacitySources.list() } : {}),
    }),
    routers: [
      // The sandbox console: only in sandbox mode, never next to a real Slack.
      ...(sandbox
        ? [
            lazy.sandboxConsole().sandboxConsoleRoutes({
              sandbox,
              alertUrl: '/alerts/alertmanager',
              alertToken: env.ALERT_WEBHOOK_TOKEN ?? '',
            }),
          ]
        : []),
      postmortemRoutes({ linkSecret: env.LINK_SECRET, store, clock, timeZone: env.TIMEZONE, chat }),
      ...(watchedTargets.length > 0
        ? [
            capacityRoutes({
              linkSecret: env.LINK_SECRET,
              store,
              clock,
              timeZone: env.TIMEZONE,
              targets: scaleTargets,
              metrics: capacityMetrics,
            }),
          ]
        : []),
      ...(pagerDuty.webhookSecret
        ? [
            pagerDutyRoutes({
              secret: pagerDuty.webhookSecret,
              flows: { ...flows, ackTimeoutMinutes: config.policy.paging.ackTimeoutMinutes },
              teams,
              // In the sandbox, the local PagerDuty's service too: its console can open incidents there.
              followServices: [
                ...env.PAGERDUTY_INCIDENT_SERVICE_IDS,
                ...(sandbox ? [sandbox.pagerDuty.serviceId] : []),
              ],
            }),
          ]
        : []),
    ],
  });

  const alerts = alertEndpoint({
    logger,
    sources: alertSources({
      env,
      severity: severityOptions,
      deliveries: store.deliveries,
      clock,
      log: logger.child({ component: 'alert-sources' }),
      cloudWatchTopics: [...env.CLOUDWATCH_SNS_TOPIC_ARNS, ...(sandbox ? [sandbox.sns.topicArn] : [])],
      ...(snsTrust ? { sns: snsTrust } : {}),
    }),
    // Webhooks arriving together are stored in one transaction (group commit), each answered after it.
    ingest: ingestInBatches(ingest),
    onAccepted: (source, count) => metrics.alertsReceived.inc({ source }, count),
    onRefused: (source, reason) => metrics.alertsRefused.inc({ source, reason }),
    now: () => clock.now(),
  });

  const listener = frontDoor({
    logger,
    metrics,
    alerts,
    // Our guard refuses unsigned, replayed and malformed requests with a reason before Bolt sees them; Bolt
    // takes only what it let through.
    slack:
      slack.checkedRequests && env.SLACK_SIGNING_SECRET
        ? guardSlackRequests(slack.checkedRequests, {
            signingSecret: env.SLACK_SIGNING_SECRET,
            seen: store.slackRequestClaims,
            logger,
          })
        : null,
    app: http,
  });

  let server: Server;
  let port: number;
  try {
    ({ server, port } = await listen(listener, env.PORT, env.HOST));
  } catch (error) {
    await store.close();
    await sandbox?.stop();
    throw error;
  }
  const bound = server.address();
  const host = typeof bound === 'object' && bound ? bound.address : env.HOST;
  const urlHost =
    env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const url = `http://${urlHost}:${port}`;
  listeningUrl = url;
  // Slack down at start: start anyway, not ready, and keep probing (SlackStatus).
  await slackStatus.start();
  await slack.start();
  // One stored watch job per watched target (a pending one from before a restart stays as it is); warnings
  // left open for targets no longer watched are closed.
  const seeded = await seedCapacityWatches({ store, clock, targets: scaleTargets });
  if (seeded.length > 0)
    logger.info({ targets: seeded }, `capacity watch: looking at ${seeded.join(', ')} every interval`);
  outbox.start();
  // Hourly, and once a minute after start: old delivered jobs and delivery keys go (see housekeeping.ts).
  const sweep = (): void => {
    sweepOldRecords({ store, clock }).then(
      (swept) => {
        if (swept.outboxJobs + swept.deliveries + swept.slackRequestClaims > 0)
          logger.info(swept, 'housekeeping: removed old records');
      },
      (error: unknown) => logger.warn({ err: error }, 'housekeeping failed; will try again in an hour'),
    );
  };
  const firstSweep = setTimeout(sweep, 60_000);
  const sweeps = setInterval(sweep, 60 * 60_000);
  firstSweep.unref();
  sweeps.unref();
  await sandbox?.connect(url);
  if (sandbox)
    logger.info(
      { console: `${url}/sandbox` },
      `sandbox console: open ${url}/sandbox to see the channels, fire an alert and click through an incident`,
    );
  logger.info(
    { url, host, database: env.DATABASE_URL.split(':')[0], timeZone: env.TIMEZONE },
    `Firebreak listening on ${url}`,
  );

  let stopping: Promise<void> | null = null;
  const worker = outbox;
  return {
    url,
    port,
    store,
    outbox: worker,
    slack,
    metrics,
    logger,
    sandbox,
    prometheusUrl,
    stop() {
      stopping ??= (async () => {
        clearTimeout(firstSweep);
        clearInterval(sweeps);
        slackStatus.stop();
        await closeGracefully(server, SHUTDOWN_GRACE_MS);
        await worker.stop();
        await slack.stop();
        await store.close();
        cloud?.close();
        capacityMetrics.close();
        await sandbox?.stop();
      })();
      return stopping;
    },
  };
}
