// Firebreak as a real process survives what once killed it: a signed `payload=null` (or JSON `null`)
// to /slack/events, and errors nothing caught; it logs them without secrets and keeps taking alerts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signSlackRequest } from '../../src/sandbox/slack-signature';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { ALERT_TOKEN, BOT_TOKEN, eventually, postJson, SIGNING_SECRET, testEnv } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { spawnFirebreak, type FirebreakProcess } from '../support/process';

jest.setTimeout(60_000);

let dir: string;
let slack: FakeSlack;
let running: FirebreakProcess | null = null;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-guard-'));
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
});
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  await running?.exited;
  running = null;
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signedPost(url: string, body: string, contentType: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function stillTakesAlerts(p: FirebreakProcess): Promise<void> {
  const accepted = await postJson(`${p.url}/alerts/alertmanager`, alertmanagerPayload(), {
    authorization: `Bearer ${ALERT_TOKEN}`,
  });
  expect(accepted.status).toBe(202);
  expect(p.child.exitCode).toBeNull();
  await eventually(() => slack.listChannels().some((c) => c.name.startsWith('inc-')), 'the incident channel');
}

it('a signed payload=null and a signed JSON null answer 400; the process keeps answering alerts', async () => {
  running = await spawnFirebreak({ ...testEnv(slack, dir), LOG_LEVEL: 'info' });
  const form = await signedPost(running.url, 'payload=null', 'application/x-www-form-urlencoded');
  expect(form.status).toBe(400);
  expect(JSON.parse(form.text)).toEqual({ error: expect.stringContaining('payload') });
  const json = await signedPost(running.url, 'null', 'application/json');
  expect(json.status).toBe(400);
  await stillTakesAlerts(running);
});

it('an unhandled rejection and an uncaught exception are logged without secrets; the process keeps serving', async () => {
  // Injected into the real process: a bug that rejects a promise nobody awaits, and one that throws from a timer.
  const bug = [
    `setTimeout(() => { Promise.reject(new Error('injected rejection, token ${BOT_TOKEN}')); }, 1500);`,
    "setTimeout(() => { throw new Error('injected exception'); }, 1700);",
  ].join('');
  running = await spawnFirebreak(
    { ...testEnv(slack, dir), LOG_LEVEL: 'info' },
    { nodeArgs: ['--import', `data:text/javascript,${encodeURIComponent(bug)}`] },
  );
  const p = running;
  await eventually(
    () => p.logs.some((l) => String(l.err).startsWith('injected exception')),
    'the exception to be logged',
    10_000,
  );
  const rejection = p.logs.find((l) => String(l.err).startsWith('injected rejection'));
  expect(rejection).toMatchObject({ level: 'error', msg: expect.stringContaining('keeps serving') });
  expect(JSON.stringify(p.logs) + p.stderr()).not.toContain(BOT_TOKEN);
  await stillTakesAlerts(p);
});
