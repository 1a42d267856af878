// Floor for alert ingest: the bare better-sqlite3 server (see alert-server.ts and alert-store.ts).
import { openAlertStore } from './alert-store';
import { startAlertServer } from './alert-server';
import { setting } from './listen';

startAlertServer({ store: openAlertStore(setting('DATABASE_PATH')), token: setting('ALERT_WEBHOOK_TOKEN') });
