// The least a store of alerts does: one prepared INSERT per alert, one transaction per webhook, on a WAL
// file with synchronous=NORMAL (Firebreak's own settings, durable across a process crash).
import Database from 'better-sqlite3';

export interface WebhookAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
}

export interface AlertStore {
  /** Stores the webhook's alerts in one transaction; returns once committed. A repeated fingerprint is ignored. */
  store(groupKey: string, alerts: readonly WebhookAlert[]): void;
}

export function openAlertStore(path: string): AlertStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The unique key is part of the floor: a store that accepts redeliveries must look each alert up.
  db.exec(`CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    group_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    title TEXT NOT NULL,
    labels TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    UNIQUE (group_key, fingerprint)
  )`);
  const insert = db.prepare(
    'INSERT INTO alerts (group_key, fingerprint, title, labels, starts_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const storeAll = db.transaction((groupKey: string, alerts: readonly WebhookAlert[]) => {
    for (const a of alerts)
      insert.run(
        groupKey,
        a.fingerprint,
        a.annotations.summary ?? a.labels.alertname ?? '',
        JSON.stringify(a.labels),
        a.startsAt,
      );
  });
  return { store: (groupKey, alerts) => storeAll(groupKey, alerts) };
}
