// A local Amazon SNS for the sandbox: it signs CloudWatch alarm notifications exactly as SNS does (SignatureVersion
// 2, SHA256withRSA over AWS's string to sign) with a key and a self-signed certificate of its own, made on first
// use (selfsigned; Node cannot build a certificate), and serves that certificate itself. Firebreak in the
// sandbox trusts only this server for SNS certificates; everywhere else it trusts only AWS's SNS hosts.
import { randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snsStringToSign, type TrustedHost } from '../ingest/sns/sns-signature';
import type { SnsNotification } from '../ingest/sns/sns-message';

export const SANDBOX_SNS_TOPIC = 'arn:aws:sns:eu-west-1:000000000000:firebreak-sandbox-alarms';
const CERT_PATH = '/SimpleNotificationService-sandbox.pem';

interface Identity {
  privateKeyPem: string;
  certificatePem: string;
}

export class FakeSns {
  private identity: Promise<Identity> | null = null;
  /** The topic its notifications come from. */
  readonly topicArn = SANDBOX_SNS_TOPIC;

  private constructor(
    private readonly server: Server,
    /** http://127.0.0.1:PORT */
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSns> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeSns(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      if (req.url !== CERT_PATH || !fake.identity) return void res.writeHead(404).end('not found');
      fake.identity.then(
        ({ certificatePem }) => res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(certificatePem),
        () => res.writeHead(500).end('no certificate'),
      );
    });
    return fake;
  }

  /** Only this server, over plain http on its own port: what Firebreak in the sandbox trusts for certificates. */
  readonly trustedHost: TrustedHost = (url) => url.protocol === 'http:' && url.origin === this.url;

  readonly fetchCertificate = async (url: string): Promise<string> => {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`the sandbox SNS answered HTTP ${response.status}`);
    return response.text();
  };

  /** An SNS Notification carrying `message` (a CloudWatch alarm's JSON), signed, as SNS posts it. */
  async notification(message: string, subject: string): Promise<string> {
    const { privateKeyPem } = await this.keys();
    const unsigned = {
      Type: 'Notification' as const,
      MessageId: randomUUID(),
      TopicArn: SANDBOX_SNS_TOPIC,
      Subject: subject,
      Message: message,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2' as const,
      SigningCertURL: `${this.url}${CERT_PATH}`,
      UnsubscribeURL: `${this.url}/?Action=Unsubscribe`,
    };
    const stringToSign = snsStringToSign({ ...unsigned, Signature: '' } satisfies SnsNotification);
    const signature = sign('sha256', Buffer.from(stringToSign, 'utf8'), privateKeyPem);
    return JSON.stringify({ ...unsigned, Signature: signature.toString('base64') });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Made once, when the first notification is signed: it takes about a second, which a start should not. */
  private keys(): Promise<Identity> {
    this.identity ??= (async () => {
      // Loaded only when needed (a second's work, and a module the sandbox rarely uses).
      const { generate } = require('selfsigned') as typeof import('selfsigned');
      const pems = await generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], {
        keyType: 'rsa',
        keySize: 2048,
        notAfterDate: new Date(Date.now() + 3650 * 24 * 3600_000),
        algorithm: 'sha256',
      });
      return { privateKeyPem: pems.private, certificatePem: pems.cert };
    })();
    return this.identity;
  }
}
