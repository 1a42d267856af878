// A second pager, for tests only: an alerting service with five priorities (P1–P5, P1 the most urgent), alerts
// known by an alias of its own (at most 64 characters), its own acknowledge and close calls, and its own
// callbacks when a responder acts. Its adapter is what a second vendor's adapter would be (Opsgenie, say): it
// proves the Pager port carries no PagerDuty shape, by running the same paging flow as PagerDuty
// (test/integration/paging-providers.test.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { Severity } from '../../src/domain/severity';
import { FirebreakError } from '../../src/errors';
import type { PageRequest, PageUpdateOutcome, PageUpdateSink, Pager } from '../../src/ports/pager';

export const PRIORITY_PAGER_NAME = 'Priority Pager';

export type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

/** Our four severities on the service's five priorities: the two least urgent skip P3, which nobody is woken for. */
export const PRIORITIES: Readonly<Record<Severity, Priority>> = { sev1: 'P1', sev2: 'P2', sev3: 'P4', sev4: 'P5' };

export interface PriorityAlert {
  alertId: string;
  alias: string;
  message: string;
  priority: Priority;
  source: string;
  entity: string | null;
  details: Record<string, string>;
  status: 'open' | 'closed';
  acknowledged: boolean;
  acknowledgedBy: string | null;
  owner: string | null;
  /** How many create calls this alert absorbed (the service de-duplicates open alerts by alias). */
  count: number;
}

export interface PriorityCall {
  method: 'create' | 'acknowledge' | 'close';
  alias: string;
  priority?: Priority;
  message?: string;
  outcome: 'ok' | 'failed';
}

/** What the service tells its subscribers when someone acts on an alert. */
export interface PriorityCallback {
  callbackId: string;
  action: 'Acknowledge' | 'Close' | 'AssignOwnership' | 'AddNote';
  alert: { alertId: string; alias: string; details: Record<string, string> };
  user: { username: string; fullName: string } | null;
  owner?: { username: string; fullName: string };
  at: number;
}

/** How the service refuses: an HTTP status and a message. */
export class PriorityServiceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ALIAS = /^[A-Za-z0-9_.-]{1,64}$/;
const PRIORITY = /^P[1-5]$/;

/** The alerting service itself, in memory: create, acknowledge and close alerts by alias; nothing like Events v2. */
export class PriorityAlertService {
  readonly calls: PriorityCall[] = [];
  /** Every callback sent, for redelivery. */
  readonly sent: PriorityCallback[] = [];
  private readonly alerts = new Map<string, PriorityAlert>();
  private readonly subscribers: Array<(callback: PriorityCallback) => Promise<PageUpdateOutcome>> = [];
  private readonly failures: Array<{ status: number; times: number }> = [];
  private sequence = 0;

  /** The next `times` calls fail with this status. */
  fail(status: number, times = 1): void {
    this.failures.push({ status, times });
  }

  alert(alias: string): PriorityAlert | undefined {
    const alert = this.alerts.get(alias);
    return alert ? { ...alert } : undefined;
  }

  /** The create calls that went through. */
  creates(): PriorityCall[] {
    return this.calls.filter((c) => c.method === 'create' && c.outcome === 'ok');
  }

  subscribe(subscriber: (callback: PriorityCallback) => Promise<PageUpdateOutcome>): void {
    this.subscribers.push(subscriber);
  }

  async create(request: {
    alias: string;
    message: string;
    priority: Priority;
    source: string;
    entity?: string;
    details?: Record<string, string>;
  }): Promise<{ alertId: string }> {
    const call: PriorityCall = {
      method: 'create',
      alias: request.alias,
      priority: request.priority,
      message: request.message,
      outcome: 'failed',
    };
    this.answer(call);
    if (!ALIAS.test(request.alias)) throw new PriorityServiceError(422, 'alias must be 1-64 of [A-Za-z0-9_.-]');
    if (!PRIORITY.test(request.priority)) throw new PriorityServiceError(422, `no priority ${request.priority}`);
    if (request.message.trim() === '') throw new PriorityServiceError(422, 'message is required');
    const open = this.alerts.get(request.alias);
    call.outcome = 'ok';
    if (open?.status === 'open') {
      open.count += 1;
      return { alertId: open.alertId };
    }
    this.sequence += 1;
    const alert: PriorityAlert = {
      alertId: `alert-${this.sequence}`,
      alias: request.alias,
      message: request.message.slice(0, 130),
      priority: request.priority,
      source: request.source,
      entity: request.entity ?? null,
      details: { ...request.details },
      status: 'open',
      acknowledged: false,
      acknowledgedBy: null,
      owner: null,
      count: 1,
    };
    this.alerts.set(alert.alias, alert);
    return { alertId: alert.alertId };
  }

  async acknowledge(alias: string, user: string): Promise<void> {
    const call: PriorityCall = { method: 'acknowledge', alias, outcome: 'failed' };
    const alert = this.existing(call);
    alert.acknowledged = true;
    alert.acknowledgedBy = user;
    call.outcome = 'ok';
  }

  async close(alias: string): Promise<void> {
    const call: PriorityCall = { method: 'close', alias, outcome: 'failed' };
    const alert = this.existing(call);
    alert.status = 'closed';
    call.outcome = 'ok';
  }

  // ---- a responder, acting in the service; subscribers hear of it ----

  /** A responder acknowledges in the service; resolves to what the subscriber (Firebreak) answered. */
  acknowledgeAs(alias: string, user: { username: string; fullName: string }): Promise<PageUpdateOutcome[]> {
    const alert = this.open(alias);
    alert.acknowledged = true;
    alert.acknowledgedBy = user.username;
    return this.tell(alert, 'Acknowledge', user);
  }

  /** The service hands the alert to someone else (its own escalation, or a person reassigning it). */
  assignAs(
    alias: string,
    owner: { username: string; fullName: string },
    user: { username: string; fullName: string } | null = null,
  ): Promise<PageUpdateOutcome[]> {
    const alert = this.open(alias);
    alert.owner = owner.username;
    alert.acknowledged = false;
    alert.acknowledgedBy = null;
    return this.tell(alert, 'AssignOwnership', user, owner);
  }

  closeAs(alias: string, user: { username: string; fullName: string }): Promise<PageUpdateOutcome[]> {
    const alert = this.open(alias);
    alert.status = 'closed';
    return this.tell(alert, 'Close', user);
  }

  noteAs(alias: string, user: { username: string; fullName: string }): Promise<PageUpdateOutcome[]> {
    return this.tell(this.open(alias), 'AddNote', user);
  }

  /** Sends a callback again, as the service does when it is unsure it was heard. */
  redeliver(callback: PriorityCallback): Promise<PageUpdateOutcome[]> {
    return Promise.all(this.subscribers.map((s) => s(callback)));
  }

  private tell(
    alert: PriorityAlert,
    action: PriorityCallback['action'],
    user: PriorityCallback['user'],
    owner?: PriorityCallback['owner'],
  ): Promise<PageUpdateOutcome[]> {
    const callback: PriorityCallback = {
      callbackId: randomUUID(),
      action,
      alert: { alertId: alert.alertId, alias: alert.alias, details: { ...alert.details } },
      user,
      ...(owner ? { owner } : {}),
      at: Date.now(),
    };
    this.sent.push(callback);
    return this.redeliver(callback);
  }

  private open(alias: string): PriorityAlert {
    const alert = this.alerts.get(alias);
    if (alert?.status !== 'open') throw new Error(`PriorityAlertService: no open alert ${alias}`);
    return alert;
  }

  private existing(call: PriorityCall): PriorityAlert {
    this.answer(call);
    const alert = this.alerts.get(call.alias);
    if (!alert) throw new PriorityServiceError(404, `no alert ${call.alias}`);
    return alert;
  }

  /** Records the call, then fails it as told. */
  private answer(call: PriorityCall): void {
    this.calls.push(call);
    const failure = this.failures[0];
    if (!failure) return;
    failure.times -= 1;
    if (failure.times <= 0) this.failures.shift();
    throw new PriorityServiceError(failure.status, `the alerting service answered ${failure.status}`);
  }
}

/** The service's alias for a page: its own, derived from our key (which it could not hold: too long, wrong characters). */
export function priorityAlias(key: string): string {
  return `fb-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** Where the adapter keeps our key on the alert, to read it back from callbacks. */
const KEY_DETAIL = 'firebreakKey';

const STATUS: Readonly<Record<PriorityCallback['action'], 'acknowledged' | 'reassigned' | 'resolved' | 'untracked'>> = {
  Acknowledge: 'acknowledged',
  AssignOwnership: 'reassigned',
  Close: 'resolved',
  AddNote: 'untracked',
};

function pagerError(error: unknown, step: string): FirebreakError {
  if (!(error instanceof PriorityServiceError))
    return new FirebreakError('PAGE_UNAVAILABLE', String(error), { step, cause: error });
  const details = { step, providerError: error.message, cause: error };
  if (error.status === 429)
    return new FirebreakError('PAGE_RATE_LIMITED', 'the alerting service throttled us', details);
  if (error.status >= 500) return new FirebreakError('PAGE_UNAVAILABLE', error.message, details);
  return new FirebreakError('PAGE_REJECTED', `${PRIORITY_PAGER_NAME} refused: ${error.message}`, details);
}

/** Flat string details, as the service takes them. */
function flatDetails(details: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(details ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join('; ') : String(v)]),
  );
}

/** The Pager port over the alerting service; what it hears back goes to `updates`. */
export function createPriorityPager(service: PriorityAlertService, updates: PageUpdateSink): Pager {
  service.subscribe((callback) => {
    const person = (p: { username: string; fullName: string }) => ({ id: p.username, name: p.fullName });
    return updates({
      via: PRIORITY_PAGER_NAME,
      source: 'priority-pager',
      deliveryId: callback.callbackId,
      pageKey: callback.alert.details[KEY_DETAIL] ?? null,
      pagerIncidentId: callback.alert.alertId,
      status: STATUS[callback.action],
      event: callback.action,
      agent: callback.user ? person(callback.user) : null,
      assignedTo: callback.owner ? [person(callback.owner)] : [],
      at: new Date(callback.at),
    });
  });

  return {
    name: PRIORITY_PAGER_NAME,
    async send(request: PageRequest) {
      const alias = priorityAlias(request.key);
      const step = `${request.action === 'trigger' ? 'creating' : request.action === 'acknowledge' ? 'acknowledging' : 'closing'} alert ${alias}`;
      try {
        if (request.action === 'trigger')
          await service.create({
            alias,
            message: request.summary ?? '',
            priority: PRIORITIES[request.severity ?? 'sev1'],
            source: request.source ?? 'Firebreak',
            ...(request.service ? { entity: request.service } : {}),
            details: {
              ...flatDetails(request.details),
              ...Object.fromEntries((request.links ?? []).map((l) => [l.text, l.href])),
              [KEY_DETAIL]: request.key,
            },
          });
        else if (request.action === 'acknowledge') await service.acknowledge(alias, 'Firebreak');
        else await service.close(alias);
      } catch (error) {
        throw pagerError(error, step);
      }
      return { key: request.key };
    },
  };
}
