// A local PagerDuty: the Events API v2 and the REST API routes the app reads (shapes, answers and errors as
// PagerDuty's) on node:http, plus PagerDuty's side toward the app (signed v3 webhooks when a responder acts).
// Serves `npm start` without PagerDuty credentials, and the tests.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Account, type EnqueueOutcome, type Incident, type OnCallEntry } from './fake-pagerduty/account';
import { validateEnqueue } from './fake-pagerduty/events-api';
import { Faults, type Fault, type FaultOptions } from './fake-pagerduty/faults';
import { DEFAULT_AGENT_ID, DEFAULT_API_TOKEN, DEFAULT_WEBHOOK_SUBSCRIPTION_ID } from './fake-pagerduty/preset';
import { handleRest, restError, type RestAnswer } from './fake-pagerduty/rest-api';
import { Shapes } from './fake-pagerduty/shapes';
import {
  baseHeaders,
  deliver,
  signedHeaders,
  type WebhookConnection,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookReply,
} from './fake-pagerduty/webhooks';
import { closeNow, listenLocally, readBody, serveRequests } from './local-server';
import { ChangeListeners } from './change-listeners';

export type {
  EnqueueOutcome,
  Incident,
  IncidentLogEntry,
  IncidentStatus,
  OnCallEntry,
  ResponderRequest,
} from './fake-pagerduty/account';
export { EVENTS_API_AGENT } from './fake-pagerduty/account';
export type { FaultOptions } from './fake-pagerduty/faults';
export { DEFAULT_API_TOKEN } from './fake-pagerduty/preset';
export type { WebhookConnection, WebhookDelivery, WebhookReply } from './fake-pagerduty/webhooks';

export interface FakePagerDutyOptions {
  /** 127.0.0.1 by default. */
  host?: string;
  /** 0 (a free port) by default. */
  port?: number;
  /** The only REST API token accepted (`Authorization: Token token=…`); DEFAULT_API_TOKEN by default. */
  apiToken?: string;
  /** The only Events API integration key that exists; without it any non-blank routing_key is accepted. */
  routingKey?: string;
  /** Integration keys of other teams' services that exist beside `routingKey` (escalation to another team). */
  otherRoutingKeys?: readonly string[];
  /** Milliseconds since the epoch; drives every recorded time, created_at and occurred_at. Date.now by default. */
  clock?: () => number;
}

/** What an enqueue request came to: an EnqueueOutcome when accepted (202), else why it was refused. */
export type EventOutcome = EnqueueOutcome | 'invalid' | 'throttled' | 'failed';

export interface RecordedEvent {
  /** Clock time (ms) it arrived. */
  at: number;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** The HTTP status answered. */
  status: number;
  outcome: EventOutcome;
  /** The dedup_key answered, on 202s. */
  dedupKey?: string;
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  /** Repeated and `name[]` parameters as arrays. */
  query: Record<string, string | string[]>;
  accept?: string;
  status: number;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** PagerDuty's documented limit on an Events API payload. */
const MAX_EVENT_BYTES = 512 * 1024;
const ENQUEUE_PATH = '/v2/enqueue';
const INVALID_EVENT = { status: 'invalid event', message: 'Event object is invalid' } as const;
const THROTTLED_MESSAGE = 'Requests for this service are arriving too quickly. Please retry later.';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** `Token token=…` (API keys) or `Bearer …` (OAuth tokens), as PagerDuty accepts them. */
function apiToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  return /^Token token=(\S+)\s*$/.exec(header)?.[1] ?? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    record[key] = key.endsWith('[]') || values.length > 1 ? values : (values[0] ?? '');
  }
  return record;
}

function eventsFault(fault: Fault): { body: unknown; outcome: EventOutcome } {
  if (fault.status === 429)
    return { body: { status: 'throttle event', message: fault.message ?? THROTTLED_MESSAGE }, outcome: 'throttled' };
  if (fault.status === 400)
    return { body: { ...INVALID_EVENT, errors: [fault.message ?? 'Injected failure'] }, outcome: 'invalid' };
  return { body: { status: 'error', message: fault.message ?? 'Internal server error' }, outcome: 'failed' };
}

function restFault(fault: Fault): RestAnswer {
  switch (fault.status) {
    case 429:
      return {
        ...restError(429, fault.message ?? 'Rate Limit Exceeded', 2020),
        headers: { 'ratelimit-limit': '960', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' },
      };
    case 400:
      return restError(400, 'Invalid Input Provided', 2001, [fault.message ?? 'Injected failure']);
    case 401:
      return restError(401, fault.message ?? 'Unauthorized', 2006);
    case 404:
      return restError(404, fault.message ?? 'Not Found', 2100);
    default:
      return restError(
        fault.status,
        fault.message ?? 'An internal error has occurred. PagerDuty team has been notified.',
        2000,
      );
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export class FakePagerDuty {
  /** Base URL of the Events API: the app posts to `${eventsUrl}/v2/enqueue`. Same as `url`. */
  readonly eventsUrl: string;
  /** Base URL of the REST API (`${apiUrl}/oncalls`…): give it to pdjs as the start of `url`. Same as `url`. */
  readonly apiUrl: string;
  private readonly account: Account;
  private readonly shapes: Shapes;
  private readonly faults = new Faults();
  private readonly listeners = new ChangeListeners('FakePagerDuty');
  private eventLog: RecordedEvent[] = [];
  private requestLog: RecordedRequest[] = [];
  private deliveryLog: WebhookDelivery[] = [];
  private connection: WebhookConnection | null = null;

  private constructor(
    private readonly server: Server,
    /** Like `http://127.0.0.1:PORT`, no trailing slash. */
    readonly url: string,
    readonly apiToken: string,
    readonly routingKey: string | undefined,
    private readonly clock: () => number,
    private readonly otherRoutingKeys: readonly string[] = [],
  ) {
    this.eventsUrl = url;
    this.apiUrl = url;
    this.account = new Account(clock);
    this.shapes = new Shapes(url, this.account);
  }

  static async start(options: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
    const { server, url } = await listenLocally(options);
    const fake = new FakePagerDuty(
      server,
      url,
      options.apiToken ?? DEFAULT_API_TOKEN,
      options.routingKey,
      options.clock ?? Date.now,
      options.otherRoutingKeys ?? [],
    );
    serveRequests(
      server,
      'FakePagerDuty',
      (req, res) => fake.handle(req, res),
      (res) =>
        sendJson(res, 500, {
          error: { message: 'An internal error has occurred. PagerDuty team has been notified.', code: 2000 },
        }),
    );
    return fake;
  }

  /** Stops listening and drops every open connection (keep-alive ones included) at once. */
  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  // ---- state ----

  /** Every incident, oldest first (copies). */
  incidents(): Incident[] {
    return this.account.incidents().map((i) => structuredClone(i));
  }

  /** The most recent incident for a dedup_key, resolved or not (a copy). */
  incident(dedupKey: string): Incident | undefined {
    const incident = this.account.latestIncident(dedupKey);
    return incident && structuredClone(incident);
  }

  /** Who is on call now, per escalation policy and level. */
  onCalls(): OnCallEntry[] {
    return this.account.onCalls();
  }

  /** Puts a user on call at a level of an escalation policy (level n+1 adds a level). */
  setOnCall(policyId: string, level: number, userId: string): void {
    this.account.setOnCall(policyId, level, userId);
    this.changed();
  }

  /** Who is on call and every incident, as plain data, for the sandbox to save (the request logs are not kept). */
  saveState(): Record<string, unknown> {
    return this.account.saveState();
  }

  /** Back to what saveState() gave (decoded); throws, changing nothing, when it is not that. */
  loadState(saved: unknown): void {
    this.account.loadState(saved);
    this.changed();
  }

  /** Called after any change (an event received, an incident changed, on-call changed); returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    return this.listeners.subscribe(listener);
  }

  /**
   * Back to the preset account: forgets incidents, events, requests, deliveries and queued faults. Keeps the webhook
   * connection, and incident numbers keep counting, so an app that outlives the reset never sees an incident id twice.
   */
  reset(): void {
    this.account.reset();
    this.eventLog = [];
    this.requestLog = [];
    this.deliveryLog = [];
    this.faults.clear();
    this.changed();
  }

  // ---- recording and fault injection ----

  /** Every POST to /v2/enqueue, refused ones included, in order. */
  events(): RecordedEvent[] {
    return this.eventLog.map((e) => structuredClone(e));
  }

  /** REST API requests, in order; only those to `path` (e.g. '/oncalls') when given. */
  requests(path?: string): RecordedRequest[] {
    return this.requestLog.filter((r) => path === undefined || r.path === path).map((r) => structuredClone(r));
  }

  /** Every webhook sent to the app, in order, with the raw body and headers (to replay with sendRawWebhook). */
  deliveries(): WebhookDelivery[] {
    return this.deliveryLog.map((d) => structuredClone(d));
  }

  /** The next `times` requests to `path` ('/v2/enqueue', '/oncalls', '/users/*', '*') fail with `status`. */
  fail(path: string, options: FaultOptions): void {
    this.faults.add(path, options);
  }

  clearFailures(): void {
    this.faults.clear();
  }

  // ---- playing PagerDuty toward the app ----

  /** Where PagerDuty sends v3 webhooks (the app's endpoint) and the subscription secret it signs them with. */
  connectWebhook(connection: WebhookConnection): void {
    this.connection = { ...connection };
  }

  /**
   * A monitor that pages through PagerDuty opens an incident on the service (through another of its Events API
   * integrations): `incident.triggered` goes to the app, as PagerDuty sends it for every new incident.
   */
  async monitorTriggers(input: {
    dedupKey: string;
    summary: string;
    severity?: 'critical' | 'error' | 'warning' | 'info';
  }): Promise<WebhookReply> {
    this.account.applyEvent({
      routingKey: this.routingKey ?? 'monitor-integration-key',
      action: 'trigger',
      dedupKey: input.dedupKey,
      payload: { summary: input.summary, source: 'monitoring', severity: input.severity ?? 'critical' },
      links: [],
      images: [],
    });
    const incident = this.account.openIncident(input.dedupKey);
    if (!incident) throw new Error(`FakePagerDuty: the trigger for "${input.dedupKey}" opened no incident`);
    return this.sendSigned(this.webhookBody('incident.triggered', incident, this.shapes.serviceRef()));
  }

  /** A responder acknowledges the open incident for `dedupKey`: `incident.acknowledged` goes to the app. */
  acknowledge(dedupKey: string, options: { userId?: string } = {}): Promise<WebhookReply> {
    const userId = options.userId ?? DEFAULT_AGENT_ID;
    return this.respond(dedupKey, userId, 'incident.acknowledged', (incident) =>
      this.account.acknowledge(incident, userId),
    );
  }

  /** A responder resolves the open incident for `dedupKey`: `incident.resolved` goes to the app. */
  resolve(dedupKey: string, options: { userId?: string } = {}): Promise<WebhookReply> {
    const userId = options.userId ?? DEFAULT_AGENT_ID;
    return this.respond(dedupKey, userId, 'incident.resolved', (incident) => this.account.resolve(incident, userId));
  }

  /** Escalates to whoever is on call at `toLevel` (triggered again): `incident.escalated` goes to the app. */
  escalate(dedupKey: string, options: { toLevel: number; byUserId?: string }): Promise<WebhookReply> {
    const agent = options.byUserId ?? DEFAULT_AGENT_ID;
    return this.respond(dedupKey, agent, 'incident.escalated', (incident) =>
      this.account.escalate(incident, options.toLevel, agent),
    );
  }

  /** Reassigns to `userId` (triggered again): `incident.reassigned` goes to the app. */
  reassign(dedupKey: string, options: { userId: string; byUserId?: string }): Promise<WebhookReply> {
    const agent = options.byUserId ?? DEFAULT_AGENT_ID;
    return this.respond(dedupKey, agent, 'incident.reassigned', (incident) =>
      this.account.reassign(incident, options.userId, agent),
    );
  }

  /**
   * Someone asked by a responder request to `policyId` on the incident for `dedupKey` answers it (accepts by
   * default): `incident.responder.replied` goes to the app, its data the incident_responder as PagerDuty sends it.
   */
  async answerResponderRequest(
    dedupKey: string,
    options: { policyId: string; userId?: string; state?: 'joined' | 'declined' },
  ): Promise<WebhookReply> {
    this.webhook();
    const incident = this.account.latestIncident(dedupKey);
    if (!incident) throw new Error(`FakePagerDuty: no incident with dedup_key "${dedupKey}"`);
    const asked = incident.responderRequests?.find((r) => r.policyId === options.policyId);
    const userId = options.userId ?? asked?.responders[0]?.userId;
    const request = userId
      ? this.account.replyToRequest(incident, options.policyId, userId, options.state ?? 'joined')
      : undefined;
    if (!request || !userId)
      throw new Error(`FakePagerDuty: nobody was asked to respond for ${options.policyId} on "${dedupKey}"`);
    this.changed();
    const body = JSON.stringify({
      event: {
        id: randomUUID(),
        event_type: 'incident.responder.replied' satisfies WebhookEventType,
        resource_type: 'incident',
        occurred_at: new Date(this.clock()).toISOString(),
        agent: this.shapes.userRef(userId),
        client: null,
        data: {
          incident: this.shapes.incidentRef(incident),
          user: this.shapes.userRef(userId),
          escalation_policy: this.shapes.policyRef(options.policyId),
          message: request.message,
          state: options.state ?? 'joined',
          type: 'incident_responder',
        },
      },
    });
    return this.sendSigned(body);
  }

  /**
   * Sends `body` (a string as is, or JSON) to the connected endpoint with PagerDuty's headers (content-type,
   * user-agent, a fresh x-webhook-id, x-webhook-subscription) overridden by `headers`. Nothing is signed:
   * pass `x-pagerduty-signature` yourself. For bad signatures and replays.
   */
  sendRawWebhook(body: string | object, headers: Record<string, string> = {}): Promise<WebhookReply> {
    const connection = this.webhook();
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const base = baseHeaders(randomUUID(), connection.subscriptionId ?? DEFAULT_WEBHOOK_SUBSCRIPTION_ID);
    return this.send(connection, raw, { ...base, ...lowerCaseKeys(headers) });
  }

  private async respond(
    dedupKey: string,
    agentId: string,
    eventType: WebhookEventType,
    change: (incident: Incident) => void,
  ): Promise<WebhookReply> {
    this.webhook(); // no app to tell: fail before changing anything
    if (!this.account.user(agentId)) throw new Error(`FakePagerDuty: no user ${agentId}`);
    const incident = this.account.openIncident(dedupKey);
    if (!incident) throw new Error(`FakePagerDuty: no open incident with dedup_key "${dedupKey}"`);
    change(incident);
    return this.sendSigned(this.webhookBody(eventType, incident, this.shapes.userRef(agentId)));
  }

  /** A v3 webhook's body about `incident` as it now stands, as `agent` did it. */
  private webhookBody(eventType: WebhookEventType, incident: Incident, agent: unknown): string {
    this.changed();
    return JSON.stringify({
      event: {
        id: randomUUID(),
        event_type: eventType,
        resource_type: 'incident',
        occurred_at: new Date(this.clock()).toISOString(),
        agent,
        client: null,
        data: this.shapes.webhookIncident(incident),
      },
    });
  }

  /** Sends a webhook body signed and headed as PagerDuty sends it. */
  private sendSigned(body: string): Promise<WebhookReply> {
    const connection = this.webhook();
    const base = baseHeaders(randomUUID(), connection.subscriptionId ?? DEFAULT_WEBHOOK_SUBSCRIPTION_ID);
    return this.send(connection, body, signedHeaders(connection, body, base));
  }

  private async send(
    connection: WebhookConnection,
    body: string,
    headers: Record<string, string>,
  ): Promise<WebhookReply> {
    const delivery: WebhookDelivery = { at: this.clock(), body, headers, status: 0 };
    this.deliveryLog.push(delivery);
    const reply = await deliver(connection, body, headers);
    delivery.status = reply.status;
    return reply;
  }

  private webhook(): WebhookConnection {
    if (!this.connection) throw new Error('FakePagerDuty: call connectWebhook({ url, secret }) first');
    return this.connection;
  }

  private changed(): void {
    this.listeners.notify();
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const bytes = await readBody(req, MAX_BODY_BYTES);
    const raw = bytes === null ? null : bytes.toString('utf8');
    if (url.pathname === ENQUEUE_PATH) {
      if (req.method !== 'POST')
        return sendJson(res, 405, { status: 'invalid request', message: 'Method not allowed' }, { allow: 'POST' });
      return this.handleEnqueue(res, raw);
    }
    if (raw === null) return sendJson(res, 413, { error: { message: 'Request Entity Too Large', code: 2001 } });
    if (req.method === 'PUT' && /^\/incidents\/[^/]+$/.test(url.pathname))
      return this.handleIncidentUpdate(req, res, url, raw);
    if (req.method === 'POST' && /^\/incidents\/[^/]+\/responder_requests$/.test(url.pathname))
      return this.handleResponderRequest(req, res, url, raw);
    this.handleRestRequest(req, res, url);
  }

  private handleEnqueue(res: ServerResponse, raw: string | null): void {
    const at = this.clock();
    let body: unknown = raw ?? '';
    let parsed = false;
    if (raw !== null) {
      try {
        body = JSON.parse(raw) as unknown;
        parsed = true;
      } catch {
        // recorded as text and refused below
      }
    }
    const answer = (status: number, response: unknown, outcome: EventOutcome, dedupKey?: string): void => {
      this.eventLog.push({ at, body, status, outcome, ...(dedupKey !== undefined ? { dedupKey } : {}) });
      this.changed();
      sendJson(res, status, response);
    };
    const fault = this.faults.take(ENQUEUE_PATH);
    if (fault) {
      const { body: response, outcome } = eventsFault(fault);
      return answer(fault.status, response, outcome);
    }
    if (raw === null || Buffer.byteLength(raw) > MAX_EVENT_BYTES)
      return answer(400, { ...INVALID_EVENT, errors: ['Event is larger than 512 KB'] }, 'invalid');
    if (!parsed) return answer(400, { ...INVALID_EVENT, errors: ['Event is not valid JSON'] }, 'invalid');
    const validation = validateEnqueue(
      body,
      this.routingKey === undefined ? undefined : [this.routingKey, ...this.otherRoutingKeys],
    );
    if (!validation.ok) return answer(400, { ...INVALID_EVENT, errors: validation.errors }, 'invalid');
    const { dedupKey, outcome } = this.account.applyEvent(validation.event);
    answer(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey }, outcome, dedupKey);
  }

  /**
   * PUT /incidents/{id} with `{incident: {type: "incident_reference", status}}`: acknowledges or resolves the
   * incident as the user whose email is in `From` (PagerDuty requires it), then tells the app by webhook, as
   * PagerDuty does for a change made through its REST API.
   */
  private handleIncidentUpdate(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): void {
    const answer = (a: RestAnswer): void => {
      this.requestLog.push({ at: this.clock(), method: 'PUT', path: url.pathname, query: {}, status: a.status });
      sendJson(res, a.status, a.body, a.headers);
    };
    const fault = this.faults.take(url.pathname);
    if (fault) return answer(restFault(fault));
    if (apiToken(req) !== this.apiToken) return answer(restError(401, 'Unauthorized', 2006));
    const from = req.headers.from;
    const user = typeof from === 'string' ? this.account.userByEmail(from) : undefined;
    if (!user)
      return answer(restError(400, 'Invalid Input Provided', 2001, ['Requester User Not Found (the From header)']));
    const id = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const incident = this.account.incident(id);
    if (!incident) return answer(restError(404, 'Not Found', 2100));
    let status: unknown;
    try {
      status = (JSON.parse(raw) as { incident?: { status?: unknown } }).incident?.status;
    } catch {
      status = undefined;
    }
    if (status !== 'acknowledged' && status !== 'resolved')
      return answer(
        restError(400, 'Invalid Input Provided', 2001, ['incident.status must be acknowledged or resolved']),
      );
    const eventType = status === 'acknowledged' ? 'incident.acknowledged' : 'incident.resolved';
    if (incident.status !== 'resolved' && incident.status !== status) {
      if (status === 'acknowledged') this.account.acknowledge(incident, user.id);
      else this.account.resolve(incident, user.id);
      if (this.connection)
        void this.sendSigned(this.webhookBody(eventType, incident, this.shapes.userRef(user.id))).catch(
          () => undefined,
        );
    }
    answer({ status: 200, body: { incident: this.shapes.incident(incident) } });
  }

  /**
   * POST /incidents/{id}/responder_requests: asks an escalation policy's level-1 on-call to join the incident, as
   * the requester (`requester_id`, a user) with the `From` user's email, as PagerDuty requires both. Answers
   * `{responder_request}`. PagerDuty itself tells nobody by webhook until someone answers (acceptResponderRequest).
   */
  private handleResponderRequest(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): void {
    const answer = (a: RestAnswer): void => {
      this.requestLog.push({ at: this.clock(), method: 'POST', path: url.pathname, query: {}, status: a.status });
      this.changed();
      sendJson(res, a.status, a.body, a.headers);
    };
    const invalid = (reason: string): void => answer(restError(400, 'Invalid Input Provided', 2001, [reason]));
    const fault = this.faults.take(url.pathname);
    if (fault && !fault.applied) return answer(restFault(fault));
    if (apiToken(req) !== this.apiToken) return answer(restError(401, 'Unauthorized', 2006));
    const from = req.headers.from;
    if (typeof from !== 'string' || !this.account.userByEmail(from))
      return invalid('Requester User Not Found (the From header)');
    const incident = this.account.incident(decodeURIComponent(url.pathname.split('/')[2] ?? ''));
    if (!incident) return answer(restError(404, 'Not Found', 2100));
    let body: {
      requester_id?: unknown;
      message?: unknown;
      responder_request_targets?: Array<{ responder_request_target?: { id?: unknown; type?: unknown } }>;
    };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return invalid('The request body is not valid JSON');
    }
    if (typeof body.requester_id !== 'string' || !this.account.user(body.requester_id))
      return invalid('Requester ID is not a user');
    if (typeof body.message !== 'string' || body.message === '') return invalid('Message cannot be empty');
    const targets = Array.isArray(body.responder_request_targets) ? body.responder_request_targets : [];
    const target = targets[0]?.responder_request_target;
    if (targets.length !== 1 || target?.type !== 'escalation_policy_reference' || typeof target.id !== 'string')
      return invalid('responder_request_targets must name one escalation_policy_reference (users are not faked)');
    if (incident.status === 'resolved') return invalid('Incident is resolved');
    let request: ReturnType<Account['requestResponders']>;
    try {
      request = this.account.requestResponders(incident, body.requester_id, target.id, body.message);
    } catch (error) {
      return invalid((error as Error).message);
    }
    // A lost answer: the request is made, and the app hears only the error.
    answer(
      fault
        ? restFault(fault)
        : { status: 200, body: { responder_request: this.shapes.responderRequest(incident, request) } },
    );
  }

  private handleRestRequest(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const at = this.clock();
    const method = req.method ?? 'GET';
    const answer = (a: RestAnswer): void => {
      this.requestLog.push({
        at,
        method,
        path: url.pathname,
        query: queryRecord(url.searchParams),
        ...(req.headers.accept !== undefined ? { accept: req.headers.accept } : {}),
        status: a.status,
      });
      sendJson(res, a.status, a.body, a.headers);
    };
    const fault = this.faults.take(url.pathname);
    if (fault) return answer(restFault(fault));
    if (apiToken(req) !== this.apiToken) return answer(restError(401, 'Unauthorized', 2006));
    answer(handleRest(method, url.pathname, url.searchParams, this.account, this.shapes));
  }
}
