// An alert as every ingest source hands it to the domain, whatever its wire format.
import type { Severity } from './severity';

export type AlertStatus = 'firing' | 'resolved';

export interface NormalizedAlert {
  /** Which monitor sent it: `alertmanager`, `generic`, … */
  source: string;
  /** Alertmanager's groupKey: alerts sharing it belong to one incident. */
  groupKey?: string;
  /** Identity of the alert inside its source; repeats share it. */
  fingerprint: string;
  title: string;
  service: string;
  severity: Severity;
  status: AlertStatus;
  summary?: string;
  labels: Record<string, string>;
  /** When the monitor says it started firing; a new value after a resolve means it fired again. */
  startsAt?: Date;
  endsAt?: Date;
  /** Link back to the monitor's view of the alert. */
  url?: string;
  /** More places to look, named (Grafana's dashboard and panel). */
  links?: AlertLink[];
}

export interface AlertLink {
  label: string;
  url: string;
}

/** The stored state of one alert within an incident. */
export interface AlertRecord {
  id: number;
  incidentId: number;
  fingerprint: string;
  source: string;
  title: string;
  service: string;
  severity: Severity;
  status: AlertStatus;
  summary: string | null;
  labels: Record<string, string>;
  url: string | null;
  links: AlertLink[];
  startsAt: Date;
  endsAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** How many times it was received (firing) — repeats are counted, not stored as rows. */
  count: number;
}
