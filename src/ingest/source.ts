// An alert source: one monitor's webhook at POST /alerts/<name>. Each source is one module that says how its
// requests are authenticated and how its body becomes normalized alerts; the route does the rest (size limit,
// JSON, storing, the 202). Adding a source is its module, its fixtures and one line in sources.ts.
import type { IncomingHttpHeaders } from 'node:http';
import type { NormalizedAlert } from '../domain/alert';

/** Why a request was refused, as counted in /metrics (`firebreak_alerts_refused_total{source,reason}`). */
export type RefusalReason = 'unauthorized' | 'bad_signature' | 'forbidden' | 'malformed' | 'too_large' | 'unavailable';

export interface Refusal {
  status: 400 | 401 | 403 | 503;
  reason: RefusalReason;
  /** Said to the sender: what was wrong, never a secret. */
  error: string;
  /** A WWW-Authenticate challenge for a 401. */
  challenge?: string;
}

export type ParseResult = { ok: true; alerts: NormalizedAlert[] } | { ok: false; issues: string[] };

export interface SourceRequest {
  headers: IncomingHttpHeaders;
  /** The body's bytes, as they arrived (what a signature covers). */
  raw: Buffer;
  now: Date;
}

/** A source's own answer to a request that carries no alerts (an SNS subscription confirmation). */
export interface SourceReply {
  status: number;
  body: unknown;
}

export interface AlertSource {
  /** Its route: POST /alerts/<name>; also its `source` label in /metrics. */
  name: string;
  /** Checked on the headers alone, before the body is read (a bearer token): null when allowed. */
  authorize(headers: IncomingHttpHeaders): Refusal | null;
  /** Checked on the body's bytes before they are parsed (a signature over them): null when genuine. */
  verify?(request: SourceRequest): Refusal | null | Promise<Refusal | null>;
  /**
   * A request that is not an alert delivery, answered by the source itself (after verify): a reply, or null to
   * go on to parse().
   */
  handle?(body: unknown, request: SourceRequest): Promise<SourceReply | null>;
  /** The body, parsed as JSON, to normalized alerts; malformed input names the field that is wrong. */
  parse(body: unknown): ParseResult;
}
