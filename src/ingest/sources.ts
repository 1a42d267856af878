// The alert sources Firebreak serves, each at POST /alerts/<name>: one line per source.
import type { Env } from '../config/env';
import type { Clock } from '../ports/clock';
import type { Store } from '../ports/store';
import { alertmanagerSource, type SeverityOptions } from './alertmanager';
import { cloudWatchSource } from './cloudwatch';
import { genericSource } from './generic';
import { GRAFANA_SIGNATURE_HEADER, grafanaSource } from './grafana';
import type { AlertSource } from './source';
import { type CertificateFetcher, createSnsVerifier, type TrustedHost } from './sns/sns-signature';

export interface AlertSourceDeps {
  env: Env;
  severity: SeverityOptions;
  deliveries: Store['deliveries'];
  clock: Clock;
  /** The SNS topics whose CloudWatch alarms are taken (CLOUDWATCH_SNS_TOPIC_ARNS, and the sandbox's own). */
  cloudWatchTopics: readonly string[];
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Where SNS certificates and SubscribeURLs may come from, and how certificates are fetched (tests only). */
  sns?: { trustedHost: TrustedHost; fetchCertificate: CertificateFetcher };
}

/** How long visiting a SubscribeURL may take before SNS is asked to send the confirmation again. */
const CONFIRM_TIMEOUT_MS = 10_000;

async function visit(url: string): Promise<void> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(CONFIRM_TIMEOUT_MS) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`SNS answered HTTP ${response.status}`);
}

export function alertSources(deps: AlertSourceDeps): AlertSource[] {
  const { env, severity } = deps;
  const token = env.ALERT_WEBHOOK_TOKEN;
  const grafanaSecret = env.GRAFANA_WEBHOOK_HMAC_SECRET;
  return [
    alertmanagerSource({ token, severity }),
    genericSource({ token, severity }),
    grafanaSource({
      token,
      severity,
      ...(grafanaSecret
        ? {
            signature: {
              secret: grafanaSecret,
              header: env.GRAFANA_WEBHOOK_SIGNATURE_HEADER ?? GRAFANA_SIGNATURE_HEADER,
              ...(env.GRAFANA_WEBHOOK_TIMESTAMP_HEADER
                ? { timestampHeader: env.GRAFANA_WEBHOOK_TIMESTAMP_HEADER }
                : {}),
            },
          }
        : {}),
    }),
    cloudWatchSource({
      topicArns: deps.cloudWatchTopics,
      severity,
      verify: createSnsVerifier({
        now: () => deps.clock.now(),
        ...(deps.sns ? { trustedCertHost: deps.sns.trustedHost, fetchCertificate: deps.sns.fetchCertificate } : {}),
      }),
      ...(deps.sns ? { trustedHost: deps.sns.trustedHost } : {}),
      confirmSubscription: visit,
      claimOnce: (key) => deps.deliveries.claim(key, deps.clock.now()),
      forget: (key) => deps.deliveries.forget(key),
      log: deps.log,
    }),
  ];
}
