// CloudWatch alarms through Amazon SNS (POST /alerts/cloudwatch). SNS cannot carry our bearer token: what proves a
// request is the SNS signature (sns/sns-signature.ts) and its topic, which must be on CLOUDWATCH_SNS_TOPIC_ARNS.
// A SubscriptionConfirmation is confirmed by visiting its SubscribeURL once (only on an AWS SNS host); an
// UnsubscribeConfirmation is logged; a Notification carries one alarm's state change: ALARM fires it, OK
// resolves it, INSUFFICIENT_DATA changes nothing (CloudWatch cannot tell, so neither can we).
import { z } from 'zod';
import type { NormalizedAlert } from '../domain/alert';
import { errorMessage } from '../errors';
import { formatIssues } from '../validation/zod-issues';
import type { SeverityOptions } from './alertmanager';
import { labelsSchema } from './limits';
import type { AlertSource, ParseResult, Refusal, RefusalReason, SourceReply } from './source';
import { parseSnsMessage, type SnsMessage, type SnsSubscriptionConfirmation } from './sns/sns-message';
import { isSnsHost, type SnsRefusalCode, type SnsVerification, type TrustedHost } from './sns/sns-signature';

export interface CloudWatchSourceOptions {
  /** The SNS topics whose messages are taken; any other topic is refused (403) before anything else is done. */
  topicArns: readonly string[];
  severity: SeverityOptions;
  /** Checks an SNS envelope's signature (createSnsVerifier). */
  verify(body: unknown): Promise<SnsVerification>;
  /** Where a SubscribeURL may point; AWS's regional SNS hosts unless a test says otherwise. */
  trustedHost?: TrustedHost;
  /** Visits a SubscribeURL (a GET); throws when SNS did not take it. */
  confirmSubscription(url: string): Promise<void>;
  /** True the first time a key is claimed, across replicas (the store's deliveries); forget undoes a claim. */
  claimOnce(key: string): Promise<boolean>;
  forget(key: string): Promise<void>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const SNS_REASONS: Record<SnsRefusalCode, RefusalReason> = {
  malformed: 'malformed',
  unsigned: 'bad_signature',
  'signature-version-unsupported': 'bad_signature',
  'cert-url-untrusted': 'forbidden',
  'timestamp-out-of-range': 'bad_signature',
  'cert-unavailable': 'unavailable',
  'cert-invalid': 'bad_signature',
  'cert-expired': 'bad_signature',
  'cert-not-yet-valid': 'bad_signature',
  'signature-invalid': 'bad_signature',
};

/** CloudWatch writes `2023-02-15T11:30:00.000+0000`; Date reads it, and a time that is not one is refused. */
const cloudWatchTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), {
    error: (issue) => `expected a time such as 2023-02-15T11:30:00.000+0000 (got ${JSON.stringify(issue.input)})`,
  })
  .transform((value) => new Date(value));

const dimension = z.object({ name: z.string().min(1).max(255), value: z.string().max(1024) });

// The alarm as CloudWatch publishes it to SNS ("Using Amazon SNS topics for alarm notifications"); unknown keys pass.
export const cloudWatchAlarmSchema = z.looseObject({
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: z.string().max(1024).nullable().optional(),
  AWSAccountId: z.string().optional(),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().max(4096).optional(),
  StateChangeTime: cloudWatchTime,
  Region: z.string().optional(),
  AlarmArn: z
    .string()
    .regex(/^arn:[a-z-]+:cloudwatch:([a-z0-9-]+):\d{12}:alarm:.+$/, 'must be a CloudWatch alarm ARN')
    .optional(),
  OldStateValue: z.string().optional(),
  Trigger: z
    .looseObject({
      MetricName: z.string().optional(),
      Namespace: z.string().optional(),
      Statistic: z.string().optional(),
      Dimensions: z.array(dimension).max(30).default([]),
      ComparisonOperator: z.string().optional(),
      Threshold: z.number().optional(),
    })
    .optional(),
});

export type CloudWatchAlarm = z.output<typeof cloudWatchAlarmSchema>;

/** Dimensions that name what is broken, most telling first: the alarm's service is the first one present. */
const SERVICE_DIMENSIONS = [
  'ServiceName',
  'AutoScalingGroupName',
  'LoadBalancer',
  'TargetGroup',
  'FunctionName',
  'DBInstanceIdentifier',
  'ClusterName',
  'InstanceId',
];

function serviceOf(alarm: CloudWatchAlarm): string {
  const dims = alarm.Trigger?.Dimensions ?? [];
  for (const name of SERVICE_DIMENSIONS) {
    const found = dims.find((d) => d.name === name);
    if (found?.value) return found.value;
  }
  return alarm.Trigger?.Namespace ?? 'cloudwatch';
}

/** The alarm's page in the AWS console, in the alarm's own region. */
function consoleUrl(alarm: CloudWatchAlarm): string | undefined {
  const region = alarm.AlarmArn ? /^arn:[a-z-]+:cloudwatch:([a-z0-9-]+):/.exec(alarm.AlarmArn)?.[1] : undefined;
  if (!region) return undefined;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`;
}

/** The alarm's labels: what it watches, where, as strings (bounded like every source's labels). */
function labelsOf(alarm: CloudWatchAlarm): Record<string, string> {
  const trigger = alarm.Trigger;
  const entries: Array<[string, string | undefined]> = [
    ['alarm_name', alarm.AlarmName],
    ['namespace', trigger?.Namespace],
    ['metric', trigger?.MetricName],
    ['statistic', trigger?.Statistic],
    [
      'threshold',
      trigger?.Threshold === undefined ? undefined : `${trigger.ComparisonOperator ?? ''} ${trigger.Threshold}`.trim(),
    ],
    ['region', alarm.Region],
    ['account', alarm.AWSAccountId],
    ...(trigger?.Dimensions ?? []).map((d): [string, string] => [d.name, d.value]),
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

export function alarmToAlert(alarm: CloudWatchAlarm, severity: SeverityOptions): NormalizedAlert | null {
  if (alarm.NewStateValue === 'INSUFFICIENT_DATA') return null;
  const firing = alarm.NewStateValue === 'ALARM';
  const key = alarm.AlarmArn ?? `${alarm.AWSAccountId ?? ''}:${alarm.Region ?? ''}:${alarm.AlarmName}`;
  const url = consoleUrl(alarm);
  const summary = [alarm.AlarmDescription, alarm.NewStateReason].filter(Boolean).join('\n');
  return {
    source: 'cloudwatch',
    // One incident per alarm: its state changes are one alert, firing and resolving.
    groupKey: `cloudwatch:${key}`,
    fingerprint: key,
    title: alarm.AlarmName,
    service: serviceOf(alarm),
    severity: severity.defaultSeverity,
    status: firing ? 'firing' : 'resolved',
    ...(summary ? { summary } : {}),
    labels: labelsSchema.parse(labelsOf(alarm)),
    ...(firing ? { startsAt: alarm.StateChangeTime } : { endsAt: alarm.StateChangeTime }),
    ...(url ? { url } : {}),
  };
}

/** The alarm a verified Notification carries, as the domain's alert (none for INSUFFICIENT_DATA). */
export function parseCloudWatchNotification(message: SnsMessage, severity: SeverityOptions): ParseResult {
  if (message.Type !== 'Notification') return { ok: true, alerts: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(message.Message);
  } catch {
    return { ok: false, issues: ['Message: must be the JSON of a CloudWatch alarm (it is not JSON)'] };
  }
  const parsed = cloudWatchAlarmSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues).map((i) => `Message.${i}`) };
  const alert = alarmToAlert(parsed.data, severity);
  return { ok: true, alerts: alert ? [alert] : [] };
}

export function cloudWatchSource(options: CloudWatchSourceOptions): AlertSource {
  const allowed = new Set(options.topicArns);

  async function confirm(message: SnsSubscriptionConfirmation): Promise<SourceReply> {
    if (!isSnsHost(message.SubscribeURL, options.trustedHost))
      return { status: 403, body: { error: 'the SubscribeURL is not on an AWS SNS host; it was not visited' } };
    const key = `sns-subscription:${message.TopicArn}:${message.Token}`;
    if (!(await options.claimOnce(key))) return { status: 200, body: { confirmed: true, duplicate: true } };
    try {
      await options.confirmSubscription(message.SubscribeURL);
    } catch (error) {
      await options.forget(key);
      options.log.warn({ topic: message.TopicArn, err: errorMessage(error) }, 'could not confirm an SNS subscription');
      return { status: 503, body: { error: 'could not confirm the subscription with SNS; SNS will send it again' } };
    }
    options.log.info({ topic: message.TopicArn }, 'confirmed the SNS subscription');
    return { status: 200, body: { confirmed: true } };
  }

  return {
    name: 'cloudwatch',
    // SNS sends no credentials of ours: the signature and the topic, checked on the body, are the proof.
    authorize: () => null,
    async verify(request): Promise<Refusal | null> {
      let body: unknown;
      try {
        body = JSON.parse(request.raw.toString('utf8'));
      } catch {
        return { status: 400, reason: 'malformed', error: 'the body is not JSON, so not an SNS message' };
      }
      const result = await options.verify(body);
      if (!result.ok) {
        return {
          status: result.status,
          reason: SNS_REASONS[result.code],
          error: result.issues ? `${result.reason}: ${result.issues.join('; ')}` : result.reason,
        };
      }
      if (!allowed.has(result.message.TopicArn))
        return {
          status: 403,
          reason: 'forbidden',
          error: `messages of topic ${result.message.TopicArn} are not taken here: add it to CLOUDWATCH_SNS_TOPIC_ARNS`,
        };
      return null;
    },
    // After verify(): the envelope is SNS's and well-formed, so reading it again cannot fail but types it.
    async handle(body) {
      const envelope = parseSnsMessage(body);
      if (!envelope.ok) return { status: 400, body: { error: 'invalid SNS message', issues: envelope.issues } };
      const message = envelope.message;
      if (message.Type === 'SubscriptionConfirmation') return confirm(message);
      if (message.Type === 'UnsubscribeConfirmation') {
        options.log.info({ topic: message.TopicArn }, 'SNS says this endpoint was unsubscribed from the topic');
        return { status: 200, body: { unsubscribed: true } };
      }
      return null;
    },
    parse(body) {
      const envelope = parseSnsMessage(body);
      return envelope.ok ? parseCloudWatchNotification(envelope.message, options.severity) : envelope;
    },
  };
}
