// The postmortem route on a plain express app on a random port, over a real SQLite store holding the
// flash-sale incident — shared by the HTTP integration test and the real-browser test.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../src/adapters/store/migrations';
import type { Incident } from '../../src/domain/incident';
import type { NewTimelineEvent } from '../../src/domain/timeline';
import { postmortemPath, postmortemRoutes } from '../../src/http/postmortem-routes';
import { signLink } from '../../src/http/signed-links';
import type { Store } from '../../src/ports/store';
import { flashSaleScenario, type FlashSaleScenario } from './flash-sale';

export const LINK_SECRET = 'test-link-secret-0123456789abcdef0123';

export interface PostmortemServer {
  baseUrl: string;
  store: Store;
  incident: Incident;
  scenario: FlashSaleScenario;
  /** A signed link to the stored incident's postmortem (or another id's), valid for 30 days from the scenario's now. */
  signedUrl(options?: { incidentId?: number; expiresAt?: Date }): string;
  stop(): Promise<void>;
}

/**
 * Stores the flash-sale scenario as Firebreak would have: the incident, its alert and its timeline, with the
 * people's answers on the `incident.resolved` event (as `/incident resolve` and the modal record them).
 * The clock stands at the scenario's now (14:05), when the postmortem is drafted.
 */
export async function startPostmortemServer(options: { timeZone?: string } = {}): Promise<PostmortemServer> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-postmortem-'));
  const db = openDatabase(`sqlite:${join(dir, 'firebreak.db')}`);
  await migrateToLatest(db);
  const store = createKyselyStore(db);
  const scenario = flashSaleScenario();
  const { id: _scenarioId, ...newIncident } = scenario.incident;
  const incident = await store.incidents.insert(newIncident);
  for (const { id: _alertId, ...alert } of scenario.alerts)
    await store.alerts.insert({ ...alert, incidentId: incident.id });
  for (const { id: _eventId, ...event } of scenario.events) {
    const data = event.type === 'incident.resolved' ? { ...event.data, ...scenario.answers } : event.data;
    await store.timeline.append({ ...event, data, incidentId: incident.id } as NewTimelineEvent);
  }

  const clock = { now: () => scenario.now };
  const app = express();
  app.disable('x-powered-by');
  app.use(postmortemRoutes({ linkSecret: LINK_SECRET, store, clock, timeZone: options.timeZone ?? 'UTC' }));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    baseUrl,
    store,
    incident,
    scenario,
    signedUrl({ incidentId = incident.id, expiresAt = new Date(scenario.now.getTime() + 30 * 86_400_000) } = {}) {
      return `${baseUrl}${signLink(LINK_SECRET, postmortemPath(incidentId), expiresAt)}`;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
