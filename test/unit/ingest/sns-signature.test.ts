// SNS message signatures: every branch of the verifier, against messages signed at test time with our own key pair
// and a self-signed certificate served from a local server (SNS's real host rule applies; the fetch is redirected).
import { parseSnsMessage } from '../../../src/ingest/sns/sns-message';
import {
  CertificateCache,
  createCertificateFetcher,
  createSnsVerifier,
  isSnsHost,
  type SnsVerifyOptions,
  snsStringToSign,
  trustedCertificateUrl,
  verifySnsMessage,
} from '../../../src/ingest/sns/sns-signature';
import {
  type CertificateServer,
  confirmationFields,
  createSigningIdentity,
  notificationFields,
  type SigningIdentity,
  signSnsMessage,
  startCertificateServer,
  stringToSign,
  TEST_CERT_URL,
} from '../../support/sns-signer';

const CERT_PATH = new URL(TEST_CERT_URL).pathname;

let identity: SigningIdentity;
let server: CertificateServer;

beforeAll(async () => {
  identity = createSigningIdentity();
  server = await startCertificateServer({ [CERT_PATH]: { body: identity.certificatePem } });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
  server.routes.set(CERT_PATH, { body: identity.certificatePem });
});

/** The default fetcher, sent to the local server instead of AWS; counts its calls. */
function localFetcher() {
  const fetchOverHttp = createCertificateFetcher({ timeoutMs: 500 });
  const calls: string[] = [];
  const fetchCertificate = (url: string) => {
    calls.push(url);
    return fetchOverHttp(`${server.url}${new URL(url).pathname}`);
  };
  return { calls, fetchCertificate };
}

/** Options as production builds them, with a fresh cache and the local fetcher. */
function setup(extra: SnsVerifyOptions = {}) {
  const fetcher = localFetcher();
  const options: SnsVerifyOptions = {
    fetchCertificate: fetcher.fetchCertificate,
    certificates: new CertificateCache(),
    ...extra,
  };
  return { calls: fetcher.calls, verify: (body: unknown) => verifySnsMessage(body, options) };
}

function signed(fields = notificationFields(), version: '1' | '2' = '2', certUrl = TEST_CERT_URL) {
  return signSnsMessage(fields, { privateKey: identity.privateKey, certUrl, version });
}

/** As it arrives: through JSON, so escaped newlines and Unicode come back as SNS sent them. */
function overTheWire(message: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(message));
}

describe('the string to sign', () => {
  it('is Name\\nvalue\\n for each signed field of a Notification, in AWS order, Subject included when present', () => {
    const message = {
      Type: 'Notification' as const,
      MessageId: 'm-1',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      Subject: 'S',
      Message: 'line 1\nline 2',
      Timestamp: '2026-01-31T12:00:00.000Z',
      SignatureVersion: '2' as const,
      Signature: 'AAAA',
      SigningCertURL: TEST_CERT_URL,
      UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
    };
    const expected =
      'Message\nline 1\nline 2\nMessageId\nm-1\nSubject\nS\nTimestamp\n2026-01-31T12:00:00.000Z\n' +
      'TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n';
    expect(snsStringToSign(message)).toBe(expected);
    expect(stringToSign(message)).toBe(expected);
    const { Subject: _, ...withoutSubject } = message;
    expect(snsStringToSign(withoutSubject)).toBe(expected.replace('Subject\nS\n', ''));
  });

  it('covers SubscribeURL and Token, never Subject, for the confirmation types', () => {
    for (const Type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const) {
      const message = {
        Type,
        MessageId: 'm-2',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
        Message: 'confirm',
        Timestamp: '2026-01-31T12:00:00.000Z',
        SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
        Token: 'tok',
        SignatureVersion: '1' as const,
        Signature: 'AAAA',
        SigningCertURL: TEST_CERT_URL,
      };
      const expected =
        'Message\nconfirm\nMessageId\nm-2\nSubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\n' +
        `Timestamp\n2026-01-31T12:00:00.000Z\nToken\ntok\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\n${Type}\n`;
      expect(snsStringToSign(message)).toBe(expected);
      expect(stringToSign(message)).toBe(expected);
    }
  });
});

describe('verifySnsMessage: good signatures', () => {
  it.each(['1', '2'] as const)('accepts a Notification signed with SignatureVersion %s', async (version) => {
    const { verify, calls } = setup();
    const message = signed(notificationFields(), version);
    const result = await verify(overTheWire(message));
    expect(result).toEqual({ ok: true, message: expect.objectContaining({ Type: 'Notification' }) });
    expect(calls).toEqual([TEST_CERT_URL]);
  });

  it.each([
    ['SubscriptionConfirmation', '1'],
    ['UnsubscribeConfirmation', '2'],
  ] as const)('accepts a %s (SignatureVersion %s)', async (type, version) => {
    const { verify } = setup();
    const result = await verify(overTheWire(signed(confirmationFields({}, type), version)));
    expect(result).toMatchObject({ ok: true, message: { Type: type, Token: expect.any(String) } });
  });

  it('accepts a Notification without a Subject, and one whose Subject is null', async () => {
    const { verify } = setup();
    const { Subject: _, ...fields } = notificationFields();
    expect(await verify(overTheWire(signed(fields)))).toMatchObject({ ok: true });
    expect(await verify(overTheWire({ ...signed(fields), Subject: null }))).toMatchObject({ ok: true });
  });

  it('accepts Unicode, quotes and newlines in Message and Subject (hashed as UTF-8)', async () => {
    const { verify } = setup();
    const fields = notificationFields({ Subject: 'Alarme « CPU » ⚠', Message: '{"a":"é\\n"}\r\n\ttab 🔥' });
    expect(await verify(overTheWire(signed(fields)))).toMatchObject({ ok: true });
  });

  it('accepts a SigningCertURL on any region and on China’s amazonaws.com.cn, upper case or not', async () => {
    const { verify } = setup();
    for (const url of [
      'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem',
      'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-2.pem',
      'https://SNS.AP-SOUTHEAST-2.AMAZONAWS.COM/SimpleNotificationService-3.pem',
    ]) {
      server.routes.set(new URL(url).pathname, { body: identity.certificatePem });
      expect(await verify(signed(notificationFields(), '2', url))).toMatchObject({ ok: true });
    }
  });
});

describe('verifySnsMessage: tampered or wrongly signed messages', () => {
  it.each([
    ['Message', { Message: '{"AlarmName":"checkout-5xx","NewStateValue":"OK"}' }],
    ['TopicArn', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:someone-elses-topic' }],
    ['Subject changed', { Subject: 'OK: "checkout-5xx"' }],
    ['Subject removed', { Subject: undefined }],
    ['MessageId', { MessageId: 'a-replayed-id' }],
    ['Timestamp', { Timestamp: new Date(Date.now() - 1000).toISOString() }],
  ])('refuses a Notification whose %s was changed after signing', async (_field, change) => {
    const { verify } = setup();
    const message = { ...signed(), ...change };
    expect(await verify(overTheWire(message))).toEqual({
      ok: false,
      status: 401,
      code: 'signature-invalid',
      reason: 'the signature does not match the message',
    });
  });

  it('refuses a Subject added to a Notification signed without one', async () => {
    const { verify } = setup();
    const { Subject: _, ...fields } = notificationFields();
    expect(await verify({ ...signed(fields), Subject: 'added' })).toMatchObject({
      status: 401,
      code: 'signature-invalid',
    });
  });

  it.each([
    ['SubscribeURL', { SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=other' }],
    ['Token', { Token: 'another-token' }],
    ['Type', { Type: 'UnsubscribeConfirmation' }],
  ])('refuses a SubscriptionConfirmation whose %s was changed', async (_field, change) => {
    const { verify } = setup();
    const message = { ...signed(confirmationFields()), ...change };
    expect(await verify(message)).toMatchObject({ ok: false, status: 401, code: 'signature-invalid' });
  });

  it('refuses a signature made with another key than the certificate’s', async () => {
    const { verify } = setup();
    const stranger = createSigningIdentity();
    const message = signSnsMessage(notificationFields(), { privateKey: stranger.privateKey, certUrl: TEST_CERT_URL });
    expect(await verify(message)).toMatchObject({ ok: false, status: 401, code: 'signature-invalid' });
  });

  it('refuses a signature checked with the other version’s hash (version 1 relabelled 2, and back)', async () => {
    const { verify } = setup();
    expect(await verify({ ...signed(notificationFields(), '1'), SignatureVersion: '2' })).toMatchObject({
      code: 'signature-invalid',
    });
    expect(await verify({ ...signed(notificationFields(), '2'), SignatureVersion: '1' })).toMatchObject({
      code: 'signature-invalid',
    });
  });

  it('refuses a signature that is not the message’s bytes at all (empty, truncated)', async () => {
    const { verify } = setup();
    const message = signed();
    expect(await verify({ ...message, Signature: 'AAAA' })).toMatchObject({ status: 401, code: 'signature-invalid' });
    const truncated = String(message.Signature).slice(0, 100);
    expect(await verify({ ...message, Signature: truncated })).toMatchObject({
      status: 401,
      code: 'signature-invalid',
    });
  });
});

describe('verifySnsMessage: unsigned, unsupported and malformed messages, refused without fetching', () => {
  it.each([
    ['3', '"3"'],
    ['0', '"0"'],
    ['', '""'],
    [2, 'a number'],
    [null, 'null'],
  ])('refuses SignatureVersion %p', async (version, got) => {
    const { verify, calls } = setup();
    const result = await verify({ ...signed(), SignatureVersion: version });
    expect(result).toEqual({
      ok: false,
      status: 401,
      code: 'signature-version-unsupported',
      reason: `SignatureVersion must be "1" or "2" (got ${got})`,
    });
    expect(calls).toEqual([]);
  });

  it.each(['Signature', 'SignatureVersion', 'SigningCertURL'])(
    'refuses a message without %s as unsigned',
    async (f) => {
      const { verify, calls } = setup();
      const result = await verify({ ...signed(), [f]: undefined });
      expect(result).toEqual({ ok: false, status: 401, code: 'unsigned', reason: `not signed: ${f} is missing` });
      expect(calls).toEqual([]);
    },
  );

  it('answers 400 naming the field when the envelope is malformed', async () => {
    const { verify, calls } = setup();
    const noTopic = await verify({ ...signed(), TopicArn: undefined });
    expect(noTopic).toMatchObject({ ok: false, status: 400, code: 'malformed', issues: ['TopicArn: required'] });
    const noSubscribeUrl = await verify({ ...signed(confirmationFields()), SubscribeURL: undefined });
    expect(noSubscribeUrl).toMatchObject({ status: 400, issues: ['SubscribeURL: required'] });
    const badSignature = await verify({ ...signed(), Signature: 'not base64!' });
    expect(badSignature).toMatchObject({ status: 400, issues: ['Signature: must be base64'] });
    expect(await verify([signed()])).toMatchObject({ status: 400, code: 'malformed' });
    expect(await verify('{"Type":"Notification"}')).toMatchObject({ status: 400, code: 'malformed' });
    expect(calls).toEqual([]);
  });
});

// Parsed as fetch parses them; each must be refused before any request leaves.
const UNTRUSTED_URLS = [
  ['http, not https', 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem'],
  ['an SNS-looking prefix of another domain', 'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem'],
  ['user info before another host', 'https://sns.us-east-1.amazonaws.com@evil.example/cert.pem'],
  ['user info on the SNS host', 'https://user:pw@sns.us-east-1.amazonaws.com/cert.pem'],
  ['the SNS host as a path', 'https://evil.example/sns.us-east-1.amazonaws.com/cert.pem'],
  ['another amazonaws.com host', 'https://evil.s3.amazonaws.com/cert.pem'],
  ['an S3 bucket named "sns"', 'https://sns.s3.amazonaws.com/cert.pem'],
  ['an S3 bucket named "sns" on a legacy endpoint', 'https://sns.s3-external-1.amazonaws.com/cert.pem'],
  ['a look-alike label', 'https://evilsns.us-east-1.amazonaws.com/cert.pem'],
  ['a trailing dot', 'https://sns.us-east-1.amazonaws.com./cert.pem'],
  ['a port', 'https://sns.us-east-1.amazonaws.com:8443/cert.pem'],
  ['an IP address', 'https://127.0.0.1/cert.pem'],
  ['a file URL', 'file:///sns.us-east-1.amazonaws.com/cert.pem'],
] as const;

describe('verifySnsMessage: the certificate URL', () => {
  it.each(UNTRUSTED_URLS)('refuses %s (403) without fetching', async (_what, url) => {
    const { verify, calls } = setup();
    const result = await verify(signed(notificationFields(), '2', url));
    expect(result).toEqual({
      ok: false,
      status: 403,
      code: 'cert-url-untrusted',
      reason: 'SigningCertURL is not an https .pem URL on a trusted SNS host',
    });
    expect(calls).toEqual([]);
  });

  it.each([
    ['a path not ending in .pem', 'https://sns.us-east-1.amazonaws.com/cert.txt'],
    ['.pem only in the query', 'https://sns.us-east-1.amazonaws.com/cert?x=.pem'],
    ['a query after .pem', 'https://sns.us-east-1.amazonaws.com/cert.pem?x=1'],
    ['a fragment after .pem', 'https://sns.us-east-1.amazonaws.com/cert.pem#x'],
  ])('refuses %s (403) without fetching', async (_what, url) => {
    const { verify, calls } = setup();
    expect(await verify(signed(notificationFields(), '2', url))).toMatchObject({ status: 403 });
    expect(calls).toEqual([]);
  });

  it('refuses a SigningCertURL that is not a URL as malformed, without fetching', async () => {
    const { verify, calls } = setup();
    const result = await verify(signed(notificationFields(), '2', 'sns.us-east-1.amazonaws.com/cert.pem'));
    expect(result).toMatchObject({
      status: 400,
      code: 'malformed',
      issues: [expect.stringMatching(/^SigningCertURL: /)],
    });
    expect(calls).toEqual([]);
  });

  it('takes another trusted host as a RegExp (https, no port still required) or as a function', async () => {
    const regexp = setup({ trustedCertHost: /^certs\.example\.test$/ });
    const local = 'https://certs.example.test/SimpleNotificationService-0000000000000000.pem';
    expect(await regexp.verify(signed(notificationFields(), '2', local))).toMatchObject({ ok: true });
    expect(await regexp.verify(signed())).toMatchObject({ status: 403 });
    expect(await regexp.verify(signed(notificationFields(), '2', local.replace('https', 'http')))).toMatchObject({
      status: 403,
    });

    const fn = setup({ trustedCertHost: (url) => url.origin === server.url });
    const served = `${server.url}${CERT_PATH}`;
    expect(await fn.verify(signed(notificationFields(), '2', served))).toMatchObject({ ok: true });
    expect(await fn.verify(signed(notificationFields(), '2', `${server.url}/other.txt`))).toMatchObject({
      status: 403,
    });
    expect(await fn.verify(signed())).toMatchObject({ status: 403 });
  });

  it('fetches the URL as parsed (normalized), the same URL the host check saw', async () => {
    const { verify, calls } = setup();
    const url = 'https://SNS.eu-west-1.amazonaws.com:443/a/../SimpleNotificationService-0000000000000000.pem';
    expect(await verify(signed(notificationFields(), '2', url))).toMatchObject({ ok: true });
    expect(calls).toEqual([TEST_CERT_URL]);
  });
});

describe('isSnsHost (for SubscribeURL)', () => {
  it('is true for https SNS hosts in every partition, whatever the path and query', () => {
    expect(isSnsHost('https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y')).toBe(true);
    expect(isSnsHost('https://sns.cn-northwest-1.amazonaws.com.cn/?Action=ConfirmSubscription')).toBe(true);
    expect(isSnsHost('https://sns.us-gov-east-1.amazonaws.com/')).toBe(true);
  });

  it.each(UNTRUSTED_URLS)('is false for %s', (_what, url) => {
    expect(isSnsHost(url.replace('/cert.pem', '/?Action=ConfirmSubscription&Token=t'))).toBe(false);
  });

  it('is false for what is not a URL, and takes another trusted host', () => {
    expect(isSnsHost('sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription')).toBe(false);
    expect(isSnsHost('')).toBe(false);
    expect(isSnsHost('javascript:alert(1)//sns.us-east-1.amazonaws.com')).toBe(false);
    expect(isSnsHost('https://confirm.example.test/?Action=ConfirmSubscription', /^confirm\.example\.test$/)).toBe(
      true,
    );
    expect(isSnsHost('http://127.0.0.1:9/x', (url) => url.hostname === '127.0.0.1')).toBe(true);
  });

  it('agrees with the certificate rule on hosts', () => {
    expect(trustedCertificateUrl(TEST_CERT_URL)?.href).toBe(TEST_CERT_URL);
    for (const [, url] of UNTRUSTED_URLS) expect(trustedCertificateUrl(url)).toBeUndefined();
  });
});

describe('verifySnsMessage: the certificate itself', () => {
  it('refuses an expired certificate', async () => {
    const after = new Date(identity.validTo.getTime() + 60_000);
    const { verify } = setup({ now: () => after });
    const result = await verify(signed(notificationFields({ Timestamp: after.toISOString() })));
    expect(result).toEqual({
      ok: false,
      status: 401,
      code: 'cert-expired',
      reason: `the signing certificate expired at ${identity.validTo.toISOString()}`,
    });
  });

  it('refuses a certificate that is not yet valid', async () => {
    const before = new Date(identity.validFrom.getTime() - 60 * 60_000);
    const { verify } = setup({ now: () => before });
    const result = await verify(signed(notificationFields({ Timestamp: before.toISOString() })));
    expect(result).toEqual({
      ok: false,
      status: 401,
      code: 'cert-not-yet-valid',
      reason: `the signing certificate is not valid until ${identity.validFrom.toISOString()}`,
    });
  });

  it('forgets a certificate outside its validity, so the next message fetches it afresh', async () => {
    const cache = new CertificateCache();
    let now = new Date();
    const { verify, calls } = setup({ certificates: cache, now: () => now });
    expect(await verify(signed())).toMatchObject({ ok: true });
    now = new Date(identity.validTo.getTime() + 60_000);
    expect(await verify(signed(notificationFields({ Timestamp: now.toISOString() })))).toMatchObject({
      code: 'cert-expired',
    });
    expect(cache.size).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('refuses an unparseable certificate, and does not cache it', async () => {
    server.routes.set(CERT_PATH, { body: 'this is not a certificate' });
    const { verify, calls } = setup();
    const expected = {
      ok: false,
      status: 401,
      code: 'cert-invalid',
      reason: 'the signing certificate is unusable: not a PEM X.509 certificate',
    };
    expect(await verify(signed())).toEqual(expected);
    expect(await verify(signed())).toEqual(expected);
    expect(calls).toHaveLength(2);
  });

  it('refuses a certificate whose key is not RSA', async () => {
    const ec = createSigningIdentity({ keyType: 'ec' });
    server.routes.set(CERT_PATH, { body: ec.certificatePem });
    const { verify } = setup();
    const message = signSnsMessage(notificationFields(), { privateKey: ec.privateKey, certUrl: TEST_CERT_URL });
    expect(await verify(message)).toEqual({
      ok: false,
      status: 401,
      code: 'cert-invalid',
      reason: 'the signing certificate is unusable: its key is ec, not RSA',
    });
  });
});

describe('verifySnsMessage: fetching the certificate', () => {
  it.each([
    ['the host answers 404', { status: 404, body: 'nope' }, 'the certificate host answered HTTP 404'],
    ['the host answers 500', { status: 500 }, 'the certificate host answered HTTP 500'],
    ['the host is too slow', { body: 'late', delayMs: 2000 }, 'timed out after 500 ms'],
    ['the certificate is too large', { body: 'x'.repeat(40_000) }, 'the certificate is larger than 32768 bytes'],
    ['the host redirects', { redirectTo: 'https://evil.example/cert.pem' }, 'fetch failed (unexpected redirect)'],
  ])('answers 503 cert-unavailable when %s', async (_what, route, detail) => {
    server.routes.set(CERT_PATH, route);
    const { verify } = setup();
    expect(await verify(signed())).toEqual({
      ok: false,
      status: 503,
      code: 'cert-unavailable',
      reason: `could not fetch the signing certificate: ${detail}`,
    });
  });

  it('answers 503 when nothing listens, and says why', async () => {
    const gone = await startCertificateServer();
    await gone.close();
    const { verify } = setup({
      fetchCertificate: (url) => createCertificateFetcher()(`${gone.url}${new URL(url).pathname}`),
    });
    expect(await verify(signed())).toEqual({
      ok: false,
      status: 503,
      code: 'cert-unavailable',
      reason: 'could not fetch the signing certificate: fetch failed (ECONNREFUSED)',
    });
  });

  it('does not cache a failed fetch: the next message fetches again and succeeds', async () => {
    server.routes.set(CERT_PATH, { status: 503 });
    const { verify, calls } = setup();
    expect(await verify(signed())).toMatchObject({ status: 503 });
    server.routes.set(CERT_PATH, { body: identity.certificatePem });
    expect(await verify(signed())).toMatchObject({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('serves the second message from the cache, and concurrent first messages from one fetch', async () => {
    const { verify, calls } = setup();
    const [a, b] = await Promise.all([verify(signed()), verify(signed(notificationFields(), '1'))]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(await verify(signed(confirmationFields()))).toMatchObject({ ok: true });
    expect(calls).toEqual([TEST_CERT_URL]);
    expect(server.requests).toEqual([CERT_PATH]);
  });

  it('still checks each message against the cached certificate (a bad one after a good one is refused)', async () => {
    const { verify } = setup();
    expect(await verify(signed())).toMatchObject({ ok: true });
    expect(await verify({ ...signed(), Message: 'forged' })).toMatchObject({ code: 'signature-invalid' });
  });

  it('keeps at most maxEntries certificates, dropping the least recently used', async () => {
    const urls = ['a', 'b', 'c'].map(
      (name) => `https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-${name}.pem`,
    );
    for (const url of urls) server.routes.set(new URL(url).pathname, { body: identity.certificatePem });
    const cache = new CertificateCache(2);
    const { verify, calls } = setup({ certificates: cache });
    for (const url of [urls[0], urls[1], urls[0], urls[2], urls[0], urls[1]]) {
      expect(await verify(signed(notificationFields(), '2', url))).toMatchObject({ ok: true });
    }
    // a, b fetched; a reused (now most recent); c evicts b; a reused; b fetched again.
    expect(calls).toEqual([urls[0], urls[1], urls[2], urls[1]]);
    expect(cache.size).toBe(2);
  });

  it('createSnsVerifier keeps one cache for its verifier', async () => {
    const { calls, fetchCertificate } = localFetcher();
    const verify = createSnsVerifier({ fetchCertificate });
    expect(await verify(signed())).toMatchObject({ ok: true });
    expect(await verify(signed())).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });
});

describe('createCertificateFetcher', () => {
  it('returns the body, read in chunks, within the limit', async () => {
    server.routes.set('/chunked.pem', { body: identity.certificatePem, chunked: true });
    expect(await createCertificateFetcher()(`${server.url}/chunked.pem`)).toBe(identity.certificatePem);
  });

  it('stops reading a body without Content-Length once it passes the limit', async () => {
    server.routes.set('/huge.pem', { body: 'x'.repeat(10_000), chunked: true });
    await expect(createCertificateFetcher({ maxBytes: 1000 })(`${server.url}/huge.pem`)).rejects.toThrow(
      'the certificate is larger than 1000 bytes',
    );
  });
});

describe('verifySnsMessage: the Timestamp', () => {
  // A day into the test certificate's validity; the Timestamps move around it.
  let now: Date;
  beforeAll(() => {
    now = new Date(identity.validFrom.getTime() + 24 * 60 * 60_000);
  });
  const at = (offsetMinutes: number) => new Date(now.getTime() + offsetMinutes * 60_000).toISOString();

  it('accepts a message up to an hour old (SNS stops retrying within the hour), plus five minutes of skew', async () => {
    const { verify } = setup({ now: () => now });
    expect(await verify(signed(notificationFields({ Timestamp: at(-64) })))).toMatchObject({ ok: true });
    expect(await verify(signed(notificationFields({ Timestamp: at(4) })))).toMatchObject({ ok: true });
  });

  it('refuses an older message, or one from the future, without fetching', async () => {
    const { verify, calls } = setup({ now: () => now });
    expect(await verify(signed(notificationFields({ Timestamp: at(-66) })))).toEqual({
      ok: false,
      status: 401,
      code: 'timestamp-out-of-range',
      reason: `Timestamp ${at(-66)} is more than 60 minutes old`,
    });
    expect(await verify(signed(notificationFields({ Timestamp: at(6) })))).toMatchObject({
      status: 401,
      reason: `Timestamp ${at(6)} is in the future`,
    });
    expect(calls).toEqual([]);
  });

  it('takes another maximum age, or none', async () => {
    const strict = setup({ now: () => now, maxMessageAgeMs: 60_000, clockSkewMs: 0 });
    expect(await strict.verify(signed(notificationFields({ Timestamp: at(-2) })))).toMatchObject({ status: 401 });
    const none = setup({ now: () => now, maxMessageAgeMs: null });
    expect(await none.verify(signed(notificationFields({ Timestamp: at(-24 * 60) })))).toMatchObject({ ok: true });
  });
});

describe('what a refusal says', () => {
  it('never carries the certificate, the signature or the message', async () => {
    const { verify } = setup();
    const message = signed(notificationFields({ Message: 'secret-runbook-token' }));
    const refusals = [
      await verify({ ...message, Message: 'tampered' }),
      await verify({ ...message, SignatureVersion: '9' }),
      await verify({ ...message, TopicArn: 42 }),
    ];
    server.routes.set(CERT_PATH, { body: `${identity.certificatePem}garbage`.replace('MII', 'XXX') });
    refusals.push(await setup().verify(message));
    for (const refusal of refusals) {
      expect(refusal.ok).toBe(false);
      const text = JSON.stringify(refusal);
      expect(text).not.toContain('CERTIFICATE');
      expect(text).not.toContain(String(message.Signature).slice(0, 20));
      expect(text).not.toContain('secret-runbook-token');
    }
  });
});

describe('parseSnsMessage', () => {
  it('names each wrong field', () => {
    const result = parseSnsMessage({
      Type: 'Notification',
      MessageId: '',
      TopicArn: 'arn:aws:sqs:us-east-1:123456789012:q',
      Message: 3,
      Timestamp: 'yesterday',
      SignatureVersion: '3',
      Signature: 'AAAA',
      SigningCertURL: TEST_CERT_URL,
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        'MessageId: must not be empty',
        'TopicArn: must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alarms (got "arn:aws:sqs:us-east-1:123456789012:q")',
        'Message: expected a string (got 3)',
        'Timestamp: must be an ISO 8601 time such as 2026-01-31T12:00:00.000Z (got "yesterday")',
        'SignatureVersion: must be "1" (SHA1withRSA) or "2" (SHA256withRSA) (got "3")',
      ],
    });
  });

  it('names the message types it knows, and requires SubscribeURL and Token only on confirmations', () => {
    expect(parseSnsMessage({ Type: 'Ping' })).toEqual({
      ok: false,
      issues: [
        'Type: expected one of "Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation" (got "Ping")',
      ],
    });
    const { SubscribeURL: _, Token: __, ...bare } = signed(confirmationFields());
    const confirmation = parseSnsMessage(bare);
    expect(confirmation).toEqual({ ok: false, issues: ['SubscribeURL: required', 'Token: required'] });
    expect(parseSnsMessage(signed())).toMatchObject({ ok: true });
  });
});
