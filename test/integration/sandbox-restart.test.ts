// A second `npm start` on the same data directory: the database remembers INC-1, and so must the local Slack,
// PagerDuty and cloud beside it, or the incident's card edits go to a channel that no longer exists
// (channel_not_found, buried) and a newcomer sees nothing happen. Two real processes, one after the other.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, postJson } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { scratchProcesses, spawnFirebreak, type FirebreakProcess } from '../support/process';

jest.setTimeout(90_000);

const ALERT_AUTH = { authorization: 'Bearer sandbox-alert-token' };

interface Record {
  channels: Array<{ id: string; name: string; messages: Array<{ pinned: boolean; edited: boolean; text: string }> }>;
  pagerDuty: { incidents: Array<{ dedupKey: string; status: string }> };
  cloud: { groups: Array<{ name: string; desired: number }> };
}

const scratch = scratchProcesses('sandbox-restart');

async function start(): Promise<FirebreakProcess> {
  const p = await spawnFirebreak({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(scratch.dir, 'firebreak.db')}`,
    FIREBREAK_SANDBOX_DIR: scratch.dir,
    LOG_LEVEL: 'info',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  scratch.track(p);
  return p;
}

function record(): Record | undefined {
  const path = join(scratch.dir, 'sandbox-slack.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record) : undefined;
}

function incidentChannels(r: Record | undefined) {
  return (r?.channels ?? []).filter((c) => c.name.startsWith('inc-'));
}

async function metric(p: FirebreakProcess, name: string): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

async function stop(p: FirebreakProcess): Promise<void> {
  p.child.kill('SIGTERM');
  expect((await p.exited).code).toBe(0);
}

it('keeps the local Slack, PagerDuty and cloud across a restart, so the next alert reaches the incident channel', async () => {
  const first = await start();
  expect(
    (
      await postJson(
        `${first.url}/alerts/alertmanager`,
        alertmanagerPayload({ alerts: [{ summary: 'Request rate on web is 8x normal' }] }),
        ALERT_AUTH,
      )
    ).status,
  ).toBe(202);
  const channel = await eventually(
    () => incidentChannels(record()).find((c) => c.messages.some((m) => m.pinned)),
    'the first incident channel with its pinned card',
    20_000,
  );
  await eventually(() => (record()?.pagerDuty.incidents.length ?? 0) > 0, 'the page');
  await eventually(
    async () => (await metric(first, 'firebreak_outbox_depth')) === 0,
    'the first process to deliver everything',
    20_000,
  );
  await stop(first);

  const second = await start();
  expect(
    second.logs.some((l) => String(l.msg).startsWith('sandbox: local Slack, PagerDuty and cloud restored from')),
  ).toBe(true);
  // Before anything happens, the second process shows what the first left: the channel, its card, the page.
  const restored = record();
  expect(incidentChannels(restored).map((c) => c.id)).toEqual([channel.id]);
  expect(incidentChannels(restored)[0]?.messages.some((m) => m.pinned)).toBe(true);
  expect(restored?.pagerDuty.incidents).toHaveLength(1);
  expect(restored?.cloud.groups.map((g) => g.name)).toContain('web-sandbox-asg');

  // The same alert firing again (a new notification from Alertmanager) is counted on INC-1's card, in its channel.
  expect(
    (await postJson(`${second.url}/alerts/alertmanager`, alertmanagerPayload({ alerts: [{}, {}] }), ALERT_AUTH)).status,
  ).toBe(202);
  // And a new alert opens INC-2 with its own channel and card.
  const other = alertmanagerPayload({
    groupKey: '{}/{alertname="DiskFull"}',
    alerts: [{ name: 'DiskFull', fingerprint: 'fp-disk-1', summary: 'Disk on db-1 is 95% full' }],
  });
  expect((await postJson(`${second.url}/alerts/alertmanager`, other, ALERT_AUTH)).status).toBe(202);
  await eventually(
    () => incidentChannels(record()).filter((c) => c.messages.some((m) => m.pinned)).length === 2,
    'the second incident channel with its pinned card',
    20_000,
  );
  await eventually(
    async () => (await metric(second, 'firebreak_outbox_depth')) === 0,
    'the second process to deliver everything',
    20_000,
  );
  expect(await metric(second, 'firebreak_outbox_buried_total')).toBe(0);
  expect(second.logs.filter((l) => JSON.stringify(l).includes('channel_not_found'))).toEqual([]);
  const card = incidentChannels(record())
    .find((c) => c.id === channel.id)
    ?.messages.find((m) => m.pinned);
  expect(card?.edited).toBe(true);
});

it('says so when it starts the local Slack empty next to a database that remembers incidents', async () => {
  const first = await start();
  expect((await postJson(`${first.url}/alerts/alertmanager`, alertmanagerPayload(), ALERT_AUTH)).status).toBe(202);
  await eventually(
    () => incidentChannels(record()).some((c) => c.messages.some((m) => m.pinned)),
    'the incident channel',
    20_000,
  );
  await stop(first);
  rmSync(join(scratch.dir, 'sandbox-state.json'));

  const second = await start();
  const warning = second.logs.find((l) => l.level === 'warn' && String(l.msg).includes('npm run sandbox:reset'));
  expect(warning?.level).toBe('warn');
  expect(String(warning?.msg)).toContain('INC-1');
});

it('says so when it restores the local Slack next to a database that was deleted', async () => {
  const first = await start();
  expect((await postJson(`${first.url}/alerts/alertmanager`, alertmanagerPayload(), ALERT_AUTH)).status).toBe(202);
  await eventually(
    () => incidentChannels(record()).some((c) => c.messages.some((m) => m.pinned)),
    'the incident channel',
    20_000,
  );
  await stop(first);
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(scratch.dir, `firebreak.db${suffix}`), { force: true });

  const second = await start();
  const warning = second.logs.find((l) => l.level === 'warn' && String(l.msg).includes('npm run sandbox:reset'));
  expect(warning?.level).toBe('warn');
  expect(String(warning?.msg)).toContain('the database has no incidents');
});
