// What tells apart alerts people would otherwise read as the same line (one rule from two instances):
// the labels whose values differ between them, the well-known "where" labels first, kept short.
import type { TimelineEvent } from './timeline';

/** Labels that usually say where an alert fires, tried first and in this order. */
const WELL_KNOWN = [
  'instance',
  'pod',
  'host',
  'hostname',
  'node',
  'container',
  'region',
  'zone',
  'availability_zone',
  'cluster',
  'namespace',
  'job',
];
/** Shown on the alert's line already (as sev1–sev4). */
const ALREADY_SHOWN = new Set(['severity']);
const MAX_LABELS = 3;
const MAX_VALUE = 40;
const MAX_TEXT = 100;

export interface LabelledAlert {
  /** What people read as the alert's name on its line (its title, or its alertname). */
  name: string;
  labels: Readonly<Record<string, string>>;
}

function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function rank(label: string): number {
  const i = WELL_KNOWN.indexOf(label);
  return i === -1 ? WELL_KNOWN.length : i;
}

/** How many of the alerts these labels tell apart (distinct combinations of values). */
function distinct(group: readonly LabelledAlert[], labels: readonly string[]): number {
  return new Set(group.map((a) => JSON.stringify(labels.map((l) => a.labels[l] ?? null)))).size;
}

/**
 * The end all the values share from a `.` or `:` on (`.prod.internal:9100` of `web-1.prod.internal:9100` and
 * `web-2.prod.internal:9100`): it tells nothing apart, so it is left out. '' when there is none.
 */
function sharedEnd(values: readonly string[]): string {
  const [first, ...rest] = values;
  if (first === undefined || rest.length === 0) return '';
  for (let i = 1; i < first.length; i++) {
    const end = first.slice(i);
    if ((end[0] === '.' || end[0] === ':') && values.every((v) => v.endsWith(end) && v.length > end.length)) return end;
  }
  return '';
}

/** The few labels that tell a group of same-named alerts apart: each added only if it separates more of them. */
function labelsFor(group: readonly LabelledAlert[]): string[] {
  const names = [...new Set(group.flatMap((a) => Object.keys(a.labels)))].filter(
    (l) => !ALREADY_SHOWN.has(l) && new Set(group.map((a) => a.labels[l] ?? null)).size > 1,
  );
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const chosen: string[] = [];
  let told = 1;
  for (const label of names) {
    if (chosen.length >= MAX_LABELS || told === group.length) break;
    const more = distinct(group, [...chosen, label]);
    if (more > told) {
      chosen.push(label);
      told = more;
    }
  }
  return chosen;
}

/**
 * For each alert, in the order given: `instance=web-3` (or `instance=web-4, region=eu`) when another alert
 * in the list has the same name, '' when its name is its own. Plain text: callers escape it for their format.
 */
export function distinguishingLabels(alerts: readonly LabelledAlert[]): string[] {
  const groups = new Map<string, LabelledAlert[]>();
  for (const alert of alerts) {
    const group = groups.get(alert.name);
    if (group) group.push(alert);
    else groups.set(alert.name, [alert]);
  }
  const chosen = new Map<string, Array<{ label: string; end: string }>>();
  for (const [name, group] of groups) {
    if (group.length < 2) continue;
    const values = (label: string): string[] =>
      group.map((a) => a.labels[label]).filter((v): v is string => v !== undefined);
    chosen.set(
      name,
      labelsFor(group).map((label) => ({ label, end: sharedEnd(values(label)) })),
    );
  }
  return alerts.map((alert) => {
    const parts = (chosen.get(alert.name) ?? []).flatMap(({ label, end }) => {
      const value = alert.labels[label];
      if (value === undefined) return [];
      return [`${label}=${shortened(value.slice(0, value.length - end.length), MAX_VALUE)}`];
    });
    return shortened(parts.join(', '), MAX_TEXT);
  });
}

/** Alert events, whose lines name an alert by its title. */
export type AlertEvent = TimelineEvent & { type: 'alert.fired' | 'alert.resolved' };

export function isAlertEvent(event: TimelineEvent): event is AlertEvent {
  return event.type === 'alert.fired' || event.type === 'alert.resolved';
}

/**
 * The alerts these events name under a title another of them shares: the ones whose records are needed
 * to tell their lines apart. By fingerprint, in order of first mention.
 */
export function alertsToTellApart(events: readonly TimelineEvent[]): string[] {
  const byTitle = new Map<string, Set<string>>();
  for (const event of events) {
    if (!isAlertEvent(event)) continue;
    const fingerprints = byTitle.get(event.data.title) ?? new Set<string>();
    fingerprints.add(event.data.fingerprint);
    byTitle.set(event.data.title, fingerprints);
  }
  return [...byTitle.values()].filter((f) => f.size > 1).flatMap((f) => [...f]);
}
