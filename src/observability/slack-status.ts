// Whether Slack can be used right now, for /readyz. Learnt from the outcome of every real Slack call, and,
// while Slack cannot be used, from a probe (auth.test) every few seconds, so readiness comes back on its
// own when Slack does, even with no traffic to tell.
import type { Logger } from 'pino';
import type { Clock } from '../ports/clock';

/** What a call (or the probe) showed; the reasons name Slack's error or our step, never the token. */
export type SlackObservation =
  | { usable: true }
  | { usable: false; why: 'unreachable' | 'token_refused'; detail: string };

type State =
  | { kind: 'unknown' }
  | { kind: 'usable' }
  | { kind: 'unreachable' | 'token_refused'; since: Date; detail: string };

export interface SlackStatusOptions {
  /** One auth.test; resolves when Slack answered and accepted the token. */
  probe(): Promise<void>;
  /** What a failed probe says about Slack (the adapter's reading of its error). */
  observe(error: unknown): SlackObservation;
  probeEveryMs: number;
  clock: Clock;
  logger: Logger;
  /** Slack answers again after it could not be used, or for the first time since start: work waiting out a backoff can go now. */
  onRecovered?(): void;
}

export class SlackStatus {
  private state: State = { kind: 'unknown' };
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: SlackStatusOptions) {}

  /** The first probe, at start; it never throws: Firebreak starts (not ready) when Slack is down. */
  async start(): Promise<void> {
    await this.probe();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The outcome of one Slack call. The latest word wins: a call that got through means Slack is back. */
  record(observation: SlackObservation): void {
    const before = this.state;
    if (observation.usable) {
      this.state = { kind: 'usable' };
      if (before.kind === 'unreachable' || before.kind === 'token_refused')
        this.options.logger.info({ was: before.kind }, 'Slack is usable again');
      // Also on the first answer after a start: the backoffs waiting in the store were set by a process that
      // could not know when Slack would be back (a restart during an outage); Slack answers now.
      if (before.kind !== 'usable') this.options.onRecovered?.();
      return;
    }
    // Keep when it started, so the reason says how long it has lasted.
    const since = before.kind === observation.why ? before.since : this.options.clock.now();
    this.state = { kind: observation.why, since, detail: observation.detail };
    if (before.kind !== observation.why)
      this.options.logger.warn(
        { slack: observation.why, detail: observation.detail },
        'Slack is not usable; not ready until it is',
      );
    this.probeLater();
  }

  /** Why Slack cannot be used now, for /readyz; null when it can. */
  problem(): string | null {
    const s = this.state;
    switch (s.kind) {
      case 'usable':
        return null;
      case 'unknown':
        return 'not yet checked';
      case 'unreachable':
        return `unreachable since ${s.since.toISOString()}: ${s.detail}`;
      case 'token_refused':
        return `Slack refused the bot token (${s.detail}) since ${s.since.toISOString()}; check SLACK_BOT_TOKEN (revoked, rotated, or the app uninstalled)`;
    }
  }

  private async probe(): Promise<void> {
    try {
      await this.options.probe();
      this.record({ usable: true });
    } catch (error) {
      this.record(this.options.observe(error));
    }
  }

  /** Probes again after a while, while Slack is not usable; one timer at a time, never holding the process open. */
  private probeLater(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped || this.state.kind === 'usable') return;
      void this.probe();
    }, this.options.probeEveryMs);
    this.timer.unref();
  }
}
