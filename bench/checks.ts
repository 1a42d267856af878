// The reliability the bench verifies on every run (and exits non-zero when broken): speed means nothing if
// an accepted alert went missing, a group opened two incidents, a channel was written faster than Slack
// allows, or requests were refused.
import Database from 'better-sqlite3';
import type { FakeSlack } from '../src/sandbox/fake-slack';

export interface CheckResult {
  what: string;
  ok: boolean;
  detail: string;
}

export class Checks {
  readonly results: CheckResult[] = [];

  check(what: string, ok: boolean, detail: string): void {
    this.results.push({ what, ok, detail });
    console.log(`    ${ok ? 'ok ' : 'BROKEN'} ${what}: ${detail}`);
  }

  get broken(): CheckResult[] {
    return this.results.filter((r) => !r.ok);
  }

  refused(label: string, refused: number, refusals: Record<string, number>): void {
    const why = Object.entries(refusals)
      .map(([reason, n]) => `${n}× ${reason}`)
      .join(', ');
    this.check(`${label}: 0 refused`, refused === 0, refused === 0 ? '0' : `${refused} (${why})`);
  }
}

/** Read-only, after the process has stopped: what the SQLite file holds. */
function count(dbPath: string, sql: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

export interface FirebreakRun {
  label: string;
  dbPath: string;
  /** Alerts answered 202, over every sender of the run. */
  alertsAccepted: number;
  /** Alertmanager groups among them: one incident each. */
  groups: number;
  slack: FakeSlack;
}

export function checkFirebreakRun(checks: Checks, run: FirebreakRun): void {
  const stored = count(run.dbPath, 'SELECT count(*) AS n FROM alerts');
  checks.check(
    `${run.label}: every 202'd alert stored`,
    stored >= run.alertsAccepted,
    `${stored} stored, ${run.alertsAccepted} accepted`,
  );
  const incidents = count(run.dbPath, 'SELECT count(*) AS n FROM incidents');
  const distinct = count(run.dbPath, 'SELECT count(DISTINCT group_key) AS n FROM incidents');
  checks.check(
    `${run.label}: 1 incident per group`,
    incidents === run.groups && distinct === incidents,
    `${incidents} incidents (${distinct} groups among them) for ${run.groups} groups`,
  );
  const twice = postedTwice(run.slack);
  checks.check(
    `${run.label}: 1 card and 1 announcement per incident`,
    twice.length === 0,
    twice.length === 0 ? 'none posted twice' : twice.slice(0, 3).join('; '),
  );
  const pace = run.slack.maxCallsPerChannelPerSecond([...PACED]);
  const detail = pace <= 1 ? '' : `; e.g. ${tooClose(run.slack).join('; ')}`;
  checks.check(
    `${run.label}: ≤ 1 chat.postMessage/chat.update per channel per second`,
    pace <= 1,
    `at most ${pace} in any second${detail}`,
  );
}

/** Messages Firebreak marks with metadata so that it posts each once per incident, found more than once. */
function postedTwice(slack: FakeSlack): string[] {
  const counts = new Map<string, number>();
  for (const channel of slack.listChannels()) {
    for (const message of slack.messages(channel.id)) {
      const type = message.metadata?.event_type;
      if (type !== 'firebreak_incident_card' && type !== 'firebreak_incident_announcement') continue;
      const key = `${type} of incident ${String(message.metadata?.event_payload.incident_id)} in #${channel.name}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].filter(([, n]) => n > 1).map(([key, n]) => `${n}× ${key}`);
}

const PACED = ['chat.postMessage', 'chat.update'] as const;

/** The first few pairs of writes to one channel less than a second apart, as Slack saw them arrive. */
function tooClose(slack: FakeSlack): string[] {
  const last = new Map<string, { method: string; at: number }>();
  const found: string[] = [];
  for (const write of slack.messageWrites()) {
    if (!(PACED as readonly string[]).includes(write.method)) continue;
    const before = last.get(write.channelId);
    if (before && write.at - before.at < 1000 && found.length < 3) {
      found.push(
        `#${slack.channel(write.channelId)?.name ?? write.channelId}: ${before.method} then ${write.method} ${write.at - before.at} ms later`,
      );
    }
    last.set(write.channelId, write);
  }
  return found;
}

/** A floor must hold what it accepted too, or its speed is not a floor. */
export function checkFloorRun(checks: Checks, label: string, dbPath: string, alertsAccepted: number): void {
  const stored = count(dbPath, 'SELECT count(*) AS n FROM alerts');
  checks.check(
    `${label}: every 202'd alert stored`,
    stored >= alertsAccepted,
    `${stored} stored, ${alertsAccepted} accepted`,
  );
}
