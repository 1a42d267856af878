// CloudWatch alarms through Amazon SNS, as SNS delivers them to an HTTP endpoint, signed with the test's own key
// (test/support/sns-signer.ts; the trusted host is the test's local server instead of sns.<region>.amazonaws.com):
// the subscription is confirmed once, an ALARM opens an incident and OK resolves it, and anything SNS did not
// sign, or for a topic not allowed, or whose certificate is elsewhere, is refused with nothing stored or fetched.
import { randomUUID } from 'node:crypto';
import {
  createSigningIdentity,
  signSnsMessage,
  startCertificateServer,
  type CertificateServer,
  type SnsFields,
} from '../support/sns-signer';
import { eventually, postJson, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:firebreak-alarms';
const OTHER_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:someone-elses';
const ALARM_ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx-high';
const identity = createSigningIdentity();

let aws: CertificateServer;
let h: Harness;

beforeEach(async () => {
  aws = await startCertificateServer({
    '/SimpleNotificationService-test.pem': { body: identity.certificatePem },
    '/confirm': { body: '<ConfirmSubscriptionResponse><ConfirmSubscriptionResult/></ConfirmSubscriptionResponse>' },
  });
  const local = new URL(aws.url);
  h = await startHarness({
    env: { CLOUDWATCH_SNS_TOPIC_ARNS: `${TOPIC}, arn:aws:sns:us-east-1:123456789012:more` },
    sns: {
      // This test's server plays SNS's regional host: only it is trusted, over plain http on its own port.
      trustedHost: (url) => url.protocol === 'http:' && url.host === local.host,
      fetchCertificate: async (url) => (await fetch(url)).text(),
    },
  });
});
afterEach(async () => {
  await h?.stop();
  await aws?.close();
});

const certUrl = () => `${aws.url}/SimpleNotificationService-test.pem`;
const signed = (fields: SnsFields, url = certUrl()) =>
  JSON.stringify(signSnsMessage(fields, { privateKey: identity.privateKey, certUrl: url }));
const post = (body: string) =>
  postJson(`${h.firebreak.url}/alerts/cloudwatch`, body, {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': 'Notification',
  });

function alarm(state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA', topic = TOPIC): SnsFields {
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: topic,
    Subject: `${state}: "web-5xx-high" in EU (Ireland)`,
    Message: JSON.stringify({
      AlarmName: 'web-5xx-high',
      AlarmDescription: 'Web returns 5xx to shoppers',
      AWSAccountId: '123456789012',
      NewStateValue: state,
      NewStateReason:
        state === 'ALARM'
          ? 'Threshold Crossed: 1 out of the last 1 datapoints [512.0 (15/02/23 11:29:00)] was greater than the threshold (100.0).'
          : 'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (15/02/23 13:29:00)] was not greater than the threshold (100.0).',
      StateChangeTime: state === 'ALARM' ? '2023-02-15T11:30:00.000+0000' : '2023-02-15T13:30:00.000+0000',
      Region: 'EU (Ireland)',
      AlarmArn: ALARM_ARN,
      OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
      Trigger: {
        MetricName: 'HTTPCode_Target_5XX_Count',
        Namespace: 'AWS/ApplicationELB',
        StatisticType: 'Statistic',
        Statistic: 'SUM',
        Unit: null,
        Dimensions: [{ value: 'app/web-prod/50dc6c495c0c9188', name: 'LoadBalancer' }],
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 100.0,
        TreatMissingData: 'missing',
      },
    }),
    Timestamp: new Date().toISOString(),
  };
}

function confirmation(
  url: string,
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation',
): SnsFields {
  return {
    Type: type,
    MessageId: randomUUID(),
    Token: 'token-2336412f37fb687f5d51e6e241d164b0533302ec',
    TopicArn: TOPIC,
    Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
    SubscribeURL: url,
    Timestamp: new Date().toISOString(),
  };
}

async function refusedCounts(): Promise<string[]> {
  const text = await (await fetch(`${h.firebreak.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('firebreak_alerts_refused_total{source="cloudwatch"'));
}

const confirmVisits = () => aws.requests.filter((path) => path === '/confirm').length;

it('confirms the subscription by visiting its SubscribeURL once, however often SNS sends it', async () => {
  const message = signed(confirmation(`${aws.url}/confirm?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=t`));
  expect(await post(message)).toEqual({ status: 200, body: { confirmed: true } });
  expect(await post(message)).toEqual({ status: 200, body: { confirmed: true, duplicate: true } });
  expect(confirmVisits()).toBe(1);
});

it('never visits a SubscribeURL outside the SNS hosts', async () => {
  const answer = await post(signed(confirmation('http://169.254.169.254/latest/meta-data/')));
  expect(answer).toEqual({
    status: 403,
    body: { error: 'the SubscribeURL is not on an AWS SNS host; it was not visited' },
  });
  expect(confirmVisits()).toBe(0);
});

it('an ALARM opens the incident with its card; a repeat changes nothing; OK resolves it', async () => {
  const fired = signed(alarm('ALARM'));
  expect(await post(fired)).toEqual({ status: 202, body: { accepted: 1, incidents: [1] } });
  expect(await post(fired)).toEqual({ status: 202, body: { accepted: 1, incidents: [1], duplicate: true } });
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => c.name.startsWith('inc-') && c.name.endsWith('web-5xx-high')),
    'the incident channel',
  );
  const card = await eventually(
    () => h.slack.messages(channel.id).find((m) => m.pinned && JSON.stringify(m.blocks).includes('web-5xx-high')),
    'the card',
  );
  expect(JSON.stringify(card.blocks)).toContain(
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/web-5xx-high',
  );
  const [incident] = await h.firebreak.store.incidents.listRecent(1);
  expect(incident).toMatchObject({ title: 'web-5xx-high', service: 'app/web-prod/50dc6c495c0c9188' });
  const [stored] = await h.firebreak.store.alerts.listFiring(1, 5);
  expect(stored?.labels).toMatchObject({ metric: 'HTTPCode_Target_5XX_Count', namespace: 'AWS/ApplicationELB' });
  expect(stored?.startsAt).toEqual(new Date('2023-02-15T11:30:00Z'));

  expect((await post(signed(alarm('OK')))).status).toBe(202);
  await eventually(
    () =>
      h.slack
        .messages(channel.id)
        .find((m) => m.pinned && JSON.stringify(m.blocks).includes('All 1 alert has resolved')),
    'the card saying the alarm resolved',
  );
});

it('INSUFFICIENT_DATA changes nothing; an unsubscription is only noted', async () => {
  expect(await post(signed(alarm('INSUFFICIENT_DATA')))).toEqual({ status: 202, body: { accepted: 0, incidents: [] } });
  const unsubscribed = await post(signed(confirmation(`${aws.url}/confirm`, 'UnsubscribeConfirmation')));
  expect(unsubscribed).toEqual({ status: 200, body: { unsubscribed: true } });
  expect(confirmVisits()).toBe(0);
  expect(await h.firebreak.store.incidents.listRecent(5)).toEqual([]);
});

it('refuses what SNS did not sign, another topic, and a certificate from elsewhere, storing and fetching nothing', async () => {
  const fields = alarm('ALARM');
  const unsigned = await post(JSON.stringify(fields));
  expect(unsigned.status).toBe(401);
  const tampered = JSON.parse(signed(fields)) as Record<string, unknown>;
  tampered.Message = String(tampered.Message).replace('web-5xx-high', 'web-5xx-low');
  expect((await post(JSON.stringify(tampered))).status).toBe(401);
  const otherTopic = await post(signed(alarm('ALARM', OTHER_TOPIC)));
  expect(otherTopic).toEqual({
    status: 403,
    body: { error: `messages of topic ${OTHER_TOPIC} are not taken here: add it to CLOUDWATCH_SNS_TOPIC_ARNS` },
  });
  const fetchedBefore = aws.requests.length;
  const elsewhere = await post(signed(fields, 'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem'));
  expect(elsewhere.status).toBe(403);
  expect(aws.requests.length).toBe(fetchedBefore);
  const notJson = await post('{not json');
  expect(notJson).toEqual({ status: 400, body: { error: 'the body is not JSON, so not an SNS message' } });
  expect(await h.firebreak.store.incidents.listRecent(5)).toEqual([]);
  expect(await refusedCounts()).toEqual([
    'firebreak_alerts_refused_total{source="cloudwatch",reason="bad_signature"} 2',
    'firebreak_alerts_refused_total{source="cloudwatch",reason="forbidden"} 2',
    'firebreak_alerts_refused_total{source="cloudwatch",reason="malformed"} 1',
  ]);
});
