// Verifies Amazon SNS HTTP(S) message signatures (SignatureVersion 1 and 2) with node:crypto, fetching the
// signing certificate only from an SNS host over https, and caching it by URL.
//
// Follows AWS's "Verifying the signatures of Amazon SNS messages" (SNS developer guide): the string to sign is
// `Name\nvalue\n` for each signed field in the order below, Subject only when present, and SignatureVersion 1 is
// SHA1withRSA, 2 SHA256withRSA over it, checked with the public key of the certificate at SigningCertURL.
//
// Statuses, for the route to answer with as they are. SNS treats any 4xx as delivered (no retry) and retries 5xx
// and timeouts within its delivery policy (at most an hour), so only the one failure that may pass on its own,
// not being able to fetch the certificate, is a 503; every refusal is final:
//   400 malformed (the envelope's fields; `issues` names each), 401 not signed by SNS (unsigned, unsupported
//   SignatureVersion, stale or future Timestamp, unusable or expired certificate, bad signature), 403 the certificate
//   URL is not an SNS host (checked before any outbound call), 503 the certificate could not be fetched (not cached).
import { verify, X509Certificate } from 'node:crypto';
import { errorMessage } from '../../errors';
import { type SnsMessage, snsMessageSchema } from './sns-message';
import { formatIssues } from '../../validation/zod-issues';

/**
 * Regional SNS endpoints: sns.<region>.amazonaws.com, and sns.<region>.amazonaws.com.cn in China. The middle label
 * must look like a region (us-east-1, us-gov-west-1, cn-northwest-1): a looser `sns\.[a-z0-9-]+\.amazonaws\.com`
 * also matches sns.s3.amazonaws.com and sns.s3-external-1.amazonaws.com, which serve an S3 bucket named "sns",
 * whose owner could publish any .pem there.
 */
export const SNS_HOST_PATTERN = /^sns\.[a-z]{2}(?:-[a-z]+)?-[a-z]+-\d+\.amazonaws\.com(?:\.cn)?$/;

/**
 * Which hosts may serve signing certificates (and SubscribeURLs). A RegExp is matched against the hostname, with
 * https, no port and no user info required; a function gets the parsed URL and decides alone (for a test or
 * sandbox host; it then owns the https rule too). The `.pem` path rule for certificates always applies.
 */
export type TrustedHost = RegExp | ((url: URL) => boolean);

/** Returns the certificate's PEM text; throws when it cannot (the verifier answers 503). */
export type CertificateFetcher = (url: string) => Promise<string>;

export type SnsRefusalCode =
  | 'malformed'
  | 'unsigned'
  | 'signature-version-unsupported'
  | 'cert-url-untrusted'
  | 'timestamp-out-of-range'
  | 'cert-unavailable'
  | 'cert-invalid'
  | 'cert-expired'
  | 'cert-not-yet-valid'
  | 'signature-invalid';

export type SnsVerification =
  | { ok: true; message: SnsMessage }
  | {
      ok: false;
      status: 400 | 401 | 403 | 503;
      /** Stable, for metrics ("refused by reason") and tests. */
      code: SnsRefusalCode;
      /** One short sentence saying what was wrong; never the certificate, the signature or the message body. */
      reason: string;
      /** With `malformed`: one `Field: what is wrong` line per problem. */
      issues?: string[];
    };

export interface SnsVerifyOptions {
  /** Default SNS_HOST_PATTERN. */
  trustedCertHost?: TrustedHost;
  /** Default: createCertificateFetcher() (5 s timeout, 32 KiB limit, no redirects). Called only for trusted URLs. */
  fetchCertificate?: CertificateFetcher;
  /** Default: one cache shared by every call that gives none (AWS signs with a handful of certificates). */
  certificates?: CertificateCache;
  /** For the Timestamp and certificate validity checks. Default the system clock. */
  now?: () => Date;
  /**
   * Refuse messages whose Timestamp is older than this (a replayed capture). Default one hour: SNS stops retrying
   * an HTTP(S) delivery within 3,600 s, so a genuine delivery is never older. `null` turns the check off.
   */
  maxMessageAgeMs?: number | null;
  /** Tolerance for our clock against SNS's, both ways. Default five minutes. */
  clockSkewMs?: number;
}

export const DEFAULT_MAX_MESSAGE_AGE_MS = 60 * 60 * 1000;
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

// The signed fields in the order AWS lists them; each is `Name\nvalue\n` in the string to sign.
const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The exact bytes SNS signed (as a string; UTF-8 when hashed). Subject appears only when the message has one. */
export function snsStringToSign(message: SnsMessage): string {
  const fields: Record<string, string | undefined> = { ...message };
  const names = message.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let text = '';
  for (const name of names) {
    const value = fields[name];
    if (value !== undefined) text += `${name}\n${value}\n`;
  }
  return text;
}

const ALGORITHMS = { '1': 'sha1', '2': 'sha256' } as const;

/**
 * Checks that `body` (the parsed JSON of the POST) is an SNS message signed by SNS. No outbound call is made
 * unless the envelope is well formed, the version supported, the Timestamp recent and the certificate URL trusted.
 */
export async function verifySnsMessage(body: unknown, options: SnsVerifyOptions = {}): Promise<SnsVerification> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(400, 'malformed', 'not an SNS message: the body is not a JSON object');
  }
  const unsigned = signatureFieldsMissing(body as Record<string, unknown>);
  if (unsigned) return refuse(401, 'unsigned', `not signed: ${unsigned} is missing`);
  const version = (body as Record<string, unknown>).SignatureVersion;
  if (version !== '1' && version !== '2') {
    return refuse(
      401,
      'signature-version-unsupported',
      `SignatureVersion must be "1" or "2" (got ${describe(version)})`,
    );
  }

  const parsed = snsMessageSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    return { ok: false, status: 400, code: 'malformed', reason: `not an SNS message: ${issues[0]}`, issues };
  }
  const message = parsed.data;

  const certUrl = trustedCertificateUrl(message.SigningCertURL, options.trustedCertHost ?? SNS_HOST_PATTERN);
  if (!certUrl) {
    return refuse(403, 'cert-url-untrusted', 'SigningCertURL is not an https .pem URL on a trusted SNS host');
  }

  const now = (options.now ?? systemNow)();
  const stale = timestampProblem(message.Timestamp, now, options);
  if (stale) return refuse(401, 'timestamp-out-of-range', stale);

  const fetchCertificate = options.fetchCertificate ?? defaultFetcher;
  const cache = options.certificates ?? sharedCache;
  let certificate: X509Certificate;
  try {
    certificate = await cache.load(certUrl.href, async () => {
      let pem: string;
      try {
        pem = await fetchCertificate(certUrl.href);
      } catch (error) {
        throw new CertificateUnavailable(messageOf(error));
      }
      return parseCertificate(pem);
    });
  } catch (error) {
    if (error instanceof CertificateUnavailable) {
      return refuse(503, 'cert-unavailable', `could not fetch the signing certificate: ${error.message}`);
    }
    return refuse(401, 'cert-invalid', `the signing certificate is unusable: ${messageOf(error)}`);
  }

  const validFrom = Date.parse(certificate.validFrom);
  const validTo = Date.parse(certificate.validTo);
  // Outside its validity the certificate is forgotten, so that it is fetched afresh rather than refused forever.
  if (!(now.getTime() <= validTo && now.getTime() >= validFrom)) cache.forget(certUrl.href);
  if (!(now.getTime() <= validTo)) {
    return refuse(401, 'cert-expired', `the signing certificate expired at ${isoOrRaw(validTo, certificate.validTo)}`);
  }
  if (!(now.getTime() >= validFrom)) {
    const from = isoOrRaw(validFrom, certificate.validFrom);
    return refuse(401, 'cert-not-yet-valid', `the signing certificate is not valid until ${from}`);
  }

  const good = verify(
    ALGORITHMS[message.SignatureVersion],
    Buffer.from(snsStringToSign(message), 'utf8'),
    certificate.publicKey,
    Buffer.from(message.Signature, 'base64'),
  );
  if (!good) return refuse(401, 'signature-invalid', 'the signature does not match the message');
  return { ok: true, message };
}

/** verifySnsMessage with its options bound once, and a cache of its own unless one is given. */
export function createSnsVerifier(options: SnsVerifyOptions = {}): (body: unknown) => Promise<SnsVerification> {
  const bound = { ...options, certificates: options.certificates ?? new CertificateCache() };
  return (body) => verifySnsMessage(body, bound);
}

/**
 * True when `url` is an https URL on an SNS host (default SNS_HOST_PATTERN): the only place a SubscribeURL may be
 * visited. Parsed as fetch would parse it, so user info (`sns…@evil.example`) and suffixes (`sns….com.evil.example`)
 * fail; anything unparseable is false.
 */
export function isSnsHost(url: string, trustedHost: TrustedHost = SNS_HOST_PATTERN): boolean {
  const parsed = parseUrl(url);
  return parsed !== undefined && hostIsTrusted(parsed, trustedHost);
}

/** The parsed SigningCertURL when it may be fetched: a trusted host (see TrustedHost), a `.pem` path, no query. */
export function trustedCertificateUrl(url: string, trustedHost: TrustedHost = SNS_HOST_PATTERN): URL | undefined {
  const parsed = parseUrl(url);
  if (!parsed || !hostIsTrusted(parsed, trustedHost)) return undefined;
  if (!parsed.pathname.endsWith('.pem') || parsed.search !== '' || parsed.hash !== '') return undefined;
  return parsed;
}

function hostIsTrusted(url: URL, trustedHost: TrustedHost): boolean {
  if (typeof trustedHost === 'function') return trustedHost(url);
  return (
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    trustedHost.test(url.hostname)
  );
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

// ---- the certificate: fetched, parsed, cached ----

export interface CertificateFetcherOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * GETs a certificate with a timeout and a size limit, refusing redirects (a redirect could leave the trusted
 * host). It does not check the URL: the verifier calls it only after trustedCertificateUrl passed.
 */
export function createCertificateFetcher(options: CertificateFetcherOptions = {}): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 32 * 1024;
  return async (url) => {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new Error(fetchFailure(error, timeoutMs));
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`the certificate host answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new Error(`the certificate is larger than ${maxBytes} bytes`);
    }
    try {
      return await readAtMost(response, maxBytes);
    } catch (error) {
      throw new Error(fetchFailure(error, timeoutMs));
    }
  };
}

async function readAtMost(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new Error(`the certificate is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function fetchFailure(error: unknown, timeoutMs: number): string {
  // Read by shape, not instanceof: errors from fetch may come from another realm (a test VM, a worker).
  const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    cause?: unknown;
  };
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  // undici says "fetch failed" and puts the reason (ECONNREFUSED, a redirect refused…) in the cause.
  const { code, message } = (typeof cause === 'object' && cause !== null ? cause : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const detail = typeof code === 'string' ? code : typeof message === 'string' ? message : '';
  const text = messageOf(error);
  return detail ? `${text} (${detail})` : text;
}

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : errorMessage(error);
}

class CertificateUnavailable extends Error {}

function parseCertificate(pem: string): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new Error('not a PEM X.509 certificate');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`its key is ${certificate.publicKey.asymmetricKeyType ?? 'of an unknown type'}, not RSA`);
  }
  return certificate;
}

/**
 * Certificates by URL, least recently used dropped first. A load in progress is shared by concurrent messages;
 * a load that fails (fetch or parse) is forgotten, so the next message tries again.
 */
export class CertificateCache {
  private readonly entries = new Map<string, Promise<X509Certificate>>();

  constructor(readonly maxEntries = 32) {}

  get size(): number {
    return this.entries.size;
  }

  forget(url: string): void {
    this.entries.delete(url);
  }

  load(url: string, fetchAndParse: () => Promise<X509Certificate>): Promise<X509Certificate> {
    const cached = this.entries.get(url);
    if (cached) {
      this.entries.delete(url);
      this.entries.set(url, cached);
      return cached;
    }
    const loading = fetchAndParse();
    this.entries.set(url, loading);
    loading.catch(() => {
      if (this.entries.get(url) === loading) this.entries.delete(url);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return loading;
  }
}

const sharedCache = new CertificateCache();
const defaultFetcher = createCertificateFetcher();
const systemNow = () => new Date();

// ---- small helpers ----

function refuse(status: 400 | 401 | 403 | 503, code: SnsRefusalCode, reason: string): SnsVerification {
  return { ok: false, status, code, reason };
}

/** The first signature field the body lacks, or undefined when all three are there. */
function signatureFieldsMissing(fields: Record<string, unknown>): string | undefined {
  return ['Signature', 'SignatureVersion', 'SigningCertURL'].find((name) => fields[name] === undefined);
}

function timestampProblem(timestamp: string, now: Date, options: SnsVerifyOptions): string | undefined {
  const sent = Date.parse(timestamp);
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const maxAge = options.maxMessageAgeMs === undefined ? DEFAULT_MAX_MESSAGE_AGE_MS : options.maxMessageAgeMs;
  if (Number.isNaN(sent)) return `Timestamp ${timestamp} is not a time`;
  const age = now.getTime() - sent;
  if (age < -skew) return `Timestamp ${timestamp} is in the future`;
  if (maxAge !== null && age > maxAge + skew) {
    return `Timestamp ${timestamp} is more than ${Math.round(maxAge / 60_000)} minutes old`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  return value === null ? 'null' : `a ${typeof value}`;
}

function isoOrRaw(time: number, raw: string): string {
  return Number.isNaN(time) ? raw : new Date(time).toISOString();
}
