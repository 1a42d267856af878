// What the incident's card shows, read from the store when it is posted or edited: the chat adapter lays it
// out. The reads are bounded (the first alerts, the latest events), so a storm's incident costs what a small one does.
import { alertsToTellApart } from '../domain/alert-labels';
import type { Incident } from '../domain/incident';
import type { ScaleTarget } from '../domain/scale-target';
import type { IncidentCardFacts } from '../ports/chat';
import type { Store } from '../ports/store';

/** How many firing alerts the card lists by name; the rest are counted. */
export const CARD_MAX_ALERTS = 8;

export interface IncidentCardOptions {
  /** How many of the latest timeline events the card shows. */
  timelineEntries: number;
  pagingEnabled: boolean;
  /** The scale targets an incident's card offers. */
  scaleTargetsFor(incident: Incident): ScaleTarget[];
  /** Teams are configured: the card offers "Escalate…". */
  canEscalate?: boolean;
}

export async function readIncidentCard(
  store: Store,
  incident: Incident,
  now: Date,
  options: IncidentCardOptions,
): Promise<IncidentCardFacts> {
  const scaleTargets = options.scaleTargetsFor(incident);
  const [firingAlerts, latest, scaleOperations, teamEscalations, lastUpdate] = await Promise.all([
    store.alerts.listFiring(incident.id, CARD_MAX_ALERTS),
    store.timeline.list(incident.id, { latest: options.timelineEntries }),
    scaleTargets.length > 0 ? store.scaleOperations.listByIncident(incident.id) : Promise.resolve([]),
    store.teamEscalations.listByIncident(incident.id),
    store.timeline.latestOfTypes(incident.id, ['incident.update_posted']),
  ]);
  // The draft's link stays on the card however many events follow it.
  const drafted =
    incident.status === 'resolved' || latest.some((e) => e.type === 'postmortem.drafted')
      ? (await store.timeline.list(incident.id)).filter((e) => e.type === 'postmortem.drafted').at(-1)
      : undefined;
  const postmortemUrl = drafted?.type === 'postmortem.drafted' ? (drafted.data.url ?? null) : null;
  // Alerts the latest entries name under one title are told apart by their labels; most cards need none.
  const firing = new Set(firingAlerts.map((a) => a.fingerprint));
  const unlisted = alertsToTellApart(latest).filter((f) => !firing.has(f));
  const latestAlerts = unlisted.length > 0 ? await store.alerts.listByFingerprints(incident.id, unlisted) : [];
  return {
    incident,
    firingAlerts,
    latest,
    latestAlerts,
    now,
    pagingEnabled: options.pagingEnabled,
    scaleTargets,
    scaleOperations,
    postmortemUrl,
    teamEscalations,
    canEscalate: options.canEscalate ?? false,
    lastUpdate: lastUpdate ? { at: lastUpdate.at, actor: lastUpdate.actor } : null,
  };
}
