// Plays Amazon SNS in tests: a key pair and a self-signed certificate made at test time, messages signed exactly as
// SNS signs them, and a local HTTP server that serves the certificate (or fails to) and counts the requests.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SigningIdentity {
  privateKey: KeyObject;
  certificatePem: string;
  validFrom: Date;
  validTo: Date;
}

/**
 * A fresh key pair and a self-signed X.509 certificate for it, valid from now for `days`. Node cannot build
 * certificates, so `openssl req -x509` does, in a temp dir removed at once. `keyType: 'ec'` makes a certificate
 * SNS would never use (its key is not RSA).
 */
export function createSigningIdentity(options: { days?: number; keyType?: 'rsa' | 'ec' } = {}): SigningIdentity {
  const { privateKey } =
    options.keyType === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-sns-'));
  try {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const certificatePem = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-new',
        '-key',
        keyFile,
        '-subj',
        '/CN=sns.amazonaws.com',
        '-days',
        String(options.days ?? 30),
        '-sha256',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const certificate = new X509Certificate(certificatePem);
    return {
      privateKey,
      certificatePem,
      validFrom: new Date(certificate.validFrom),
      validTo: new Date(certificate.validTo),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type SnsType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

// Written from AWS's "Verifying the signatures of Amazon SNS messages", separately from src/ so that a mistake in
// one is caught by the other: per type, the signed fields in this order, each `Name\nvalue\n`, absent ones skipped.
const SIGNED_FIELDS: Record<SnsType, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

export type SnsFields = Record<string, unknown> & { Type: SnsType };

export function stringToSign(fields: SnsFields): string {
  return SIGNED_FIELDS[fields.Type]
    .filter((name) => fields[name] !== undefined && fields[name] !== null)
    .map((name) => `${name}\n${String(fields[name])}\n`)
    .join('');
}

/** `fields` with SignatureVersion, SigningCertURL and Signature set as SNS sets them (version 1: SHA1withRSA). */
export function signSnsMessage(
  fields: SnsFields,
  signer: { privateKey: KeyObject; certUrl: string; version?: '1' | '2' },
): Record<string, unknown> {
  const version = signer.version ?? '2';
  const signature = sign(
    version === '1' ? 'sha1' : 'sha256',
    Buffer.from(stringToSign(fields), 'utf8'),
    signer.privateKey,
  );
  return {
    ...fields,
    SignatureVersion: version,
    Signature: signature.toString('base64'),
    SigningCertURL: signer.certUrl,
  };
}

export const TEST_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:firebreak-alarms';
export const TEST_CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000.pem';

/** A Notification's unsigned fields, as CloudWatch publishes an alarm; `overrides` replace or add fields. */
export function notificationFields(overrides: Record<string, unknown> = {}): SnsFields {
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TEST_TOPIC_ARN,
    Subject: 'ALARM: "checkout-5xx" in EU (Ireland)',
    Message: JSON.stringify({
      AlarmName: 'checkout-5xx',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold\ncrossed',
    }),
    Timestamp: new Date().toISOString(),
    UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TEST_TOPIC_ARN}:x`,
    ...overrides,
  };
}

/** A SubscriptionConfirmation's (or, with `type`, an UnsubscribeConfirmation's) unsigned fields. */
export function confirmationFields(
  overrides: Record<string, unknown> = {},
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation',
): SnsFields {
  return {
    Type: type,
    MessageId: randomUUID(),
    Token: 'token-2336412f37fb687f5d51e6e241d164b0533302ec696efc8f113cd2252ce8a925',
    TopicArn: TEST_TOPIC_ARN,
    Message: `You have chosen to subscribe to the topic ${TEST_TOPIC_ARN}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TEST_TOPIC_ARN}&Token=t`,
    Timestamp: new Date().toISOString(),
    ...overrides,
  };
}

/** What the server answers on one path: a body, a status, a delay, a redirect, or a body without Content-Length. */
export interface CertificateRoute {
  body?: string;
  status?: number;
  delayMs?: number;
  redirectTo?: string;
  chunked?: boolean;
}

export interface CertificateServer {
  /** http://127.0.0.1:<port> */
  url: string;
  routes: Map<string, CertificateRoute>;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A local HTTP server answering each path from `routes` (changeable while it runs); 404 for any other path. */
export async function startCertificateServer(
  routes: Record<string, CertificateRoute> = {},
): Promise<CertificateServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    const route = table.get(path);
    const answer = () => {
      if (!route) return void res.writeHead(404).end('not found');
      if (route.redirectTo) return void res.writeHead(302, { location: route.redirectTo }).end();
      const body = route.body ?? '';
      const headers: Record<string, string> = { 'content-type': 'application/x-pem-file' };
      if (route.chunked) {
        res.writeHead(route.status ?? 200, headers);
        res.write(body.slice(0, Math.ceil(body.length / 2)));
        res.end(body.slice(Math.ceil(body.length / 2)));
        return;
      }
      res.writeHead(route.status ?? 200, { ...headers, 'content-length': String(Buffer.byteLength(body)) }).end(body);
    };
    if (route?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, route.delayMs);
      timers.add(timer);
    } else {
      answer();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: table,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
