// The policy file (firebreak.yaml): severities, routing, the incident card, scale targets. Every key has a
// default, so no file at all is a complete policy; an unknown key is an error, so a typo is never ignored.
import { z } from 'zod';
import { AWS_PROVIDER, type AwsTargetSpec } from '../adapters/aws/aws-target';
import type { CapacityWatch } from '../domain/capacity/watch';
import type { ScaleTarget } from '../domain/scale-target';
import type { Team } from '../domain/team-escalation';
import { SEVERITIES, type Severity } from '../domain/severity';
import { strictObject } from '../validation/zod-issues';

const severity = z.enum(SEVERITIES);

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, {
  error: (issue) =>
    `must be a Slack user id such as U012AB3CD (got ${JSON.stringify(issue.input)}); a display name or @handle will not do`,
});

const CHANNEL_PREFIX = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const incidents = strictObject({
  defaultSeverity: severity.default('sev3'),
  /** Channels are named `<prefix>-YYYYMMDD-<slug>`. */
  channelPrefix: z
    .string()
    .max(20)
    .regex(
      CHANNEL_PREFIX,
      'must be lowercase letters, digits and single dashes, as Slack channel names allow (e.g. "inc")',
    )
    .default('inc'),
});

/** Extra monitoring words → our severities, on top of domain/severity.ts's; matched case-insensitively. */
const severityWords = z
  .record(z.string().trim().min(1, 'a severity word must not be empty'), severity)
  .superRefine((words, ctx) => {
    const seen = new Map<string, string>();
    for (const [word, level] of Object.entries(words)) {
      const key = word.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined && words[earlier] !== level) {
        ctx.addIssue({
          code: 'custom',
          path: [word],
          message: `differs only in case from "${earlier}" and maps to another severity`,
        });
      }
      seen.set(key, word);
    }
  })
  .transform(
    (words): Record<string, Severity> =>
      Object.fromEntries(Object.entries(words).map(([word, level]) => [word.toLowerCase(), level])),
  )
  .default({});

const routing = strictObject({
  defaultResponders: z.array(slackUserId).default([]),
  services: z
    .array(
      strictObject({
        service: z.string().min(1),
        responders: z.array(slackUserId).default([]),
        severity: severity.optional(),
      }),
    )
    .superRefine((services, ctx) => {
      const seen = new Set<string>();
      services.forEach((route, i) => {
        if (seen.has(route.service)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'service'],
            message: `"${route.service}" is listed twice; only the first would apply`,
          });
        }
        seen.add(route.service);
      });
    })
    .default([]),
});

const card = strictObject({
  /** How many of the latest timeline entries the card shows. */
  timelineEntries: z.int().min(1).max(20).default(5),
  /** Slack allows about one message edit per channel per second; the outbox paces card edits to this. */
  minEditIntervalMs: z.int().min(1000).default(1100),
});

const targetName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, - and _ (it is typed in `/scale <target>`)');
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1');
// AWS ids are a prefix and hex digits; letters beyond f are let through so that the sandbox's readable ids
// (lt-0web00000000000) and DESIGN's short examples validate too. AWS itself refuses a malformed one.
const launchTemplateId = z
  .string()
  .regex(/^lt-[0-9a-z]+$/, 'must be a launch template id such as lt-0abc1234def567890');
const subnetId = z.string().regex(/^subnet-[0-9a-z]+$/, 'must be a subnet id such as subnet-0abc1234def567890');
const userGroupHandle = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'must be a Slack user group handle such as oncall-web (lowercase letters, digits, ., - and _; no @)',
  );

/** A user group as the approvers of a scale target: its handle (`sre-leads`) or its Slack id (`S0123ABC`). */
const userGroupHandleOrId = z
  .string()
  .regex(
    /^(S[A-Z0-9]{2,}|[a-z0-9][a-z0-9._-]*)$/,
    'must be a Slack user group handle such as sre-leads (no @) or its id such as S0123ABCD',
  );

/** Scale-outs that would leave the target above `above` instances wait for a member of `approvers` (issue 16). */
const approval = strictObject({
  /** 0: every scale-out needs approval. */
  above: z.int().min(0),
  approvers: userGroupHandleOrId,
  expiresMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
});

// A capacity watch (issue 17): where the target's load is read, and what the forecast plans against.
const watchCommon = {
  /** Load one instance carries at 100 %, in the query's unit (requests per second…). */
  perInstance: z.number().positive(),
  targetUtilization: z.number().gt(0).max(1).default(0.7),
  lookaheadMinutes: z
    .int()
    .min(1)
    .max(24 * 60)
    .default(20),
  intervalSeconds: z.int().min(10).max(3600).default(60),
  /**
   * The largest surge the offer is sized for, as a multiple of the usual load at that time of day (the height of
   * the team's last sale, say): early in a surge the data cannot show where it levels off (surge.ts). Absent: 8.
   */
  surgeCeiling: z.number().min(1).max(100).optional(),
  /** What a warning does: a message in the announcements channel, or a low-severity capacity incident. */
  offer: z.enum(['warning', 'incident']).default('warning'),
};
const prometheusWatch = strictObject({
  source: z.literal('prometheus'),
  /** One series (aggregate with sum(…)): the load on the whole target. */
  query: z.string().trim().min(1),
  ...watchCommon,
});
const cloudWatchWatch = strictObject({
  source: z.literal('cloudwatch'),
  namespace: z.string().trim().min(1).max(255),
  metric: z.string().trim().min(1).max(255),
  dimensions: z.record(z.string().min(1), z.string()).default({}),
  statistic: z
    .string()
    .regex(
      /^(Sum|Average|Maximum|Minimum|SampleCount|p\d{1,2}(\.\d+)?)$/,
      'must be Sum, Average, Maximum, Minimum, SampleCount or a percentile such as p99',
    )
    .default('Average'),
  ...watchCommon,
});
const capacityWatch = z
  .discriminatedUnion('source', [prometheusWatch, cloudWatchWatch], {
    error:
      'must have source: prometheus (with query) or source: cloudwatch (with namespace, metric, dimensions, statistic)',
  })
  .transform(
    (w): CapacityWatch => ({
      query:
        w.source === 'prometheus'
          ? { source: 'prometheus', query: w.query }
          : {
              source: 'cloudwatch',
              namespace: w.namespace,
              metric: w.metric,
              dimensions: w.dimensions,
              statistic: w.statistic,
            },
      perInstance: w.perInstance,
      targetUtilization: w.targetUtilization,
      lookaheadMinutes: w.lookaheadMinutes,
      intervalSeconds: w.intervalSeconds,
      ...(w.surgeCeiling !== undefined ? { surgeCeiling: w.surgeCeiling } : {}),
      offer: w.offer,
    }),
  );

/** Unset `maxStep` and `buttons` take defaults that fit the target's own limits, so `max: 4` alone is valid. */
const DEFAULT_MAX_STEP = 10;
const DEFAULT_BUTTONS = [2, 4];

// After `name` and `kind`, so that an unknown-key message lists the keys in the order one writes them.
const targetCommon = {
  description: z.string().optional(),
  region: awsRegion.optional(),
  min: z.int().min(0).default(0),
  max: z.int().min(1),
  /** Default: 10, or max when smaller. */
  maxStep: z.int().min(1).optional(),
  cooldownSeconds: z.int().min(0).default(120),
  allowedUserGroups: z.array(userGroupHandle).default([]),
  dryRun: z.boolean().default(false),
  /** Default: 2 and 4, those of them within maxStep (maxStep itself when neither is). */
  buttons: z.array(z.int().min(1)).optional(),
  /** Empty: the target is offered to incidents of the service with the target's name. */
  services: z.array(z.string().trim().min(1)).default([]),
  approval: approval.optional(),
  /** Forecast its load and offer capacity before it saturates (issue 17); absent = not watched. */
  watch: capacityWatch.optional(),
};

const ec2LaunchTemplate = strictObject({
  name: targetName,
  kind: z.literal('ec2-launch-template'),
  launchTemplate: strictObject({
    id: launchTemplateId,
    /** A number, `$Latest` or `$Default`; YAML reads a bare number as one, so both are accepted. */
    version: z
      .union([
        z.string().regex(/^(\d+|\$Latest|\$Default)$/, 'must be a version number, $Latest or $Default'),
        z.int().min(1),
      ])
      .transform(String)
      .default('$Latest'),
  }),
  subnets: z.array(subnetId).min(1),
  ...targetCommon,
});

const autoScalingGroup = strictObject({
  name: targetName,
  kind: z.literal('autoscaling-group'),
  autoScalingGroupName: z.string().min(1).max(255),
  ...targetCommon,
});

/** The policy file's two kinds are AWS's: where the capacity lives goes to the AWS adapter as its spec. */
function awsSpec(target: z.output<typeof ec2LaunchTemplate> | z.output<typeof autoScalingGroup>): AwsTargetSpec {
  const region = target.region !== undefined ? { region: target.region } : {};
  return target.kind === 'ec2-launch-template'
    ? { kind: target.kind, launchTemplate: target.launchTemplate, subnets: target.subnets, ...region }
    : { kind: target.kind, autoScalingGroupName: target.autoScalingGroupName, ...region };
}

function defaultMaxStep(max: number): number {
  return Math.min(DEFAULT_MAX_STEP, max);
}

function defaultButtons(maxStep: number): number[] {
  const fitting = DEFAULT_BUTTONS.filter((size) => size <= maxStep);
  return fitting.length > 0 ? fitting : [maxStep];
}

const scaleTarget = z
  .discriminatedUnion('kind', [ec2LaunchTemplate, autoScalingGroup])
  .superRefine((target, ctx) => {
    if (target.min > target.max)
      ctx.addIssue({ code: 'custom', path: ['min'], message: `must not exceed max (${target.max})` });
    if (target.maxStep !== undefined && target.maxStep > target.max) {
      ctx.addIssue({ code: 'custom', path: ['maxStep'], message: `must not exceed max (${target.max})` });
    }
    const maxStep = target.maxStep ?? defaultMaxStep(target.max);
    const seen = new Set<number>();
    target.buttons?.forEach((size, i) => {
      if (size > maxStep)
        ctx.addIssue({ code: 'custom', path: ['buttons', i], message: `must not exceed maxStep (${maxStep})` });
      if (seen.has(size)) ctx.addIssue({ code: 'custom', path: ['buttons', i], message: `+${size} is offered twice` });
      seen.add(size);
    });
  })
  .transform((target): ScaleTarget => {
    const { name, description, min, max, cooldownSeconds, allowedUserGroups, dryRun, services, approval } = target;
    const maxStep = target.maxStep ?? defaultMaxStep(max);
    return {
      name,
      ...(description !== undefined ? { description } : {}),
      min,
      max,
      maxStep,
      cooldownSeconds,
      allowedUserGroups,
      dryRun,
      buttons: target.buttons ?? defaultButtons(maxStep),
      services,
      provider: AWS_PROVIDER,
      spec: awsSpec(target),
      ...(approval !== undefined ? { approval } : {}),
      ...(target.watch !== undefined ? { watch: target.watch } : {}),
    };
  });

const scaleTargets = z
  .array(scaleTarget)
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((target, i) => {
      if (seen.has(target.name))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `"${target.name}" is used by another scale target; names must be unique`,
        });
      seen.add(target.name);
    });
  })
  .default([]) satisfies z.ZodType<ScaleTarget[]>;

const paging = strictObject({
  /** Severities that page the on-call engineer when an incident opens. */
  severities: z.array(severity).default(['sev1', 'sev2']),
  /** A page nobody acknowledges within this many minutes is called out in the channel, with a re-page button. */
  ackTimeoutMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(5),
  /** More PagerDuty escalation policies whose on-call people `/oncall` lists (PAGERDUTY_ESCALATION_POLICY_ID is always first). */
  escalationPolicies: z
    .array(z.string().regex(/^P[A-Z0-9]{5,}$/, 'must be a PagerDuty escalation policy id such as PABC123'))
    .default([]),
});

/**
 * Slack's rate tiers, in calls a minute per workspace (https://api.slack.com/docs/rate-limits): every replica
 * draws from one budget per method kept in the database, so a storm of incidents waits its turn instead of
 * collecting 429s. chat.postMessage is paced per channel by the outbox instead (about one a second).
 */
export const SLACK_TIER_DEFAULTS: Readonly<Record<string, number>> = {
  'conversations.create': 20,
  'conversations.list': 20,
  'pins.add': 20,
  'usergroups.list': 20,
  'conversations.invite': 50,
  'conversations.history': 50,
  'conversations.replies': 50,
  'conversations.join': 50,
  'chat.update': 50,
  'users.lookupByEmail': 50,
};

/** Nudges that keep an incident moving (a stored job each, so a restart keeps them). */
const nudges = strictObject({
  /** An open incident with no lead this many minutes after opening gets an "I'll lead" prompt in its channel. */
  leadMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(10),
  /** An open incident with no update, note or status change for this many minutes gets a reminder to the lead. */
  updateMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
});

/** Planned capacity for known events (`/capacity plan`; issue 17). */
const capacityPlans = strictObject({
  /** How many minutes before a planned event starts its target is pre-scaled (fixed on each plan when proposed). */
  leadMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .default(30),
});

const SLACK_METHOD = /^[a-z]+(\.[a-zA-Z]+)+$/;

const slack = strictObject({
  /** Calls a minute per method, shared by all replicas; overrides the tier defaults above (a higher tier, an Enterprise grant). */
  rateLimits: z
    .record(z.string(), z.number().positive().max(100_000))
    .superRefine((limits, ctx) => {
      // Checked here rather than as the record's key schema, so the message names the key and says what fits.
      for (const method of Object.keys(limits)) {
        if (!SLACK_METHOD.test(method))
          ctx.addIssue({
            code: 'custom',
            path: [method],
            message: 'must be a Slack Web API method such as conversations.create',
          });
      }
    })
    .default({}),
});

const teamName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,39}$/,
    'must be lowercase letters, digits, - and _ (it is typed in `/incident escalate <team>`)',
  );

/** Another team Firebreak can page and bring into an incident's channel (`/incident escalate <team>`; issue 16). */
const team = strictObject({
  name: teamName,
  /** One of: the team's own Events API integration key (a secret), or the escalation policy whose on-call is invited. */
  pagerduty: z.union(
    [
      strictObject({
        routingKey: z.string().trim().min(20, 'must be a PagerDuty Events API v2 integration key (32 characters)'),
      }),
      strictObject({
        escalationPolicyId: z
          .string()
          .regex(/^P[A-Z0-9]{5,}$/, 'must be a PagerDuty escalation policy id such as PABC123'),
      }),
    ],
    { error: "give either routingKey (the team's Events API v2 integration key) or escalationPolicyId" },
  ),
  /** Slack user group handle whose members are invited to the incident channel. */
  slackUserGroup: userGroupHandle.optional(),
}).transform(
  // The policy file speaks PagerDuty; the domain's Team names only a route (the key) or an escalation policy.
  (t): Team => ({
    name: t.name,
    pager:
      'routingKey' in t.pagerduty
        ? { route: t.pagerduty.routingKey }
        : { escalationPolicyId: t.pagerduty.escalationPolicyId },
    userGroup: t.slackUserGroup ?? null,
  }),
);

const teams = z
  .array(team)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      if (seen.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `"${t.name}" is listed twice; names must be unique`,
        });
      seen.add(t.name);
    });
  })
  .default([]);

export const policySchema = strictObject({
  incidents: incidents.prefault({}),
  severityWords,
  routing: routing.prefault({}),
  card: card.prefault({}),
  scaleTargets,
  paging: paging.prefault({}),
  slack: slack.prefault({}),
  teams,
  nudges: nudges.prefault({}),
  capacityPlans: capacityPlans.prefault({}),
});

export type Policy = z.output<typeof policySchema>;
export type { ScaleTarget } from '../domain/scale-target';

/** The policy with nothing configured. */
export function defaultPolicy(): Policy {
  return policySchema.parse({});
}
