// Firebreak as a process: sandbox start-up, production refusal, graceful SIGTERM, restart after SIGKILL.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { ALERT_TOKEN, BOT_TOKEN, eventually, postJson, SIGNING_SECRET, testEnv } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { outboxDrained, scratchProcesses, spawnFirebreak, type FirebreakProcess } from '../support/process';

jest.setTimeout(60_000);

const scratch = scratchProcesses('process');

async function start(env: Record<string, string>): Promise<FirebreakProcess> {
  const p = await spawnFirebreak(env);
  scratch.track(p);
  return p;
}

function incidentChannels(slack: FakeSlack) {
  return slack.listChannels().filter((c) => c.name.startsWith('inc-'));
}

describe('sandbox mode (no Slack token)', () => {
  it('says so on its first log line, and records the channel and pinned card it made for an example alert, with no warning', async () => {
    const fixture = JSON.parse(
      readFileSync(join(__dirname, '../fixtures/alertmanager/firing.json'), 'utf8'),
    ) as unknown;
    const p = await start({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(scratch.dir, 'firebreak.db')}`,
      FIREBREAK_SANDBOX_DIR: scratch.dir,
      LOG_LEVEL: 'info',
    });
    expect(String(p.logs[0]?.msg)).toContain('SANDBOX MODE');

    const response = await postJson(`${p.url}/alerts/alertmanager`, fixture, {
      authorization: 'Bearer sandbox-alert-token',
    });
    expect(response.status).toBe(202);
    const recordPath = join(scratch.dir, 'sandbox-slack.json');
    const record = await eventually(() => {
      if (!existsSync(recordPath)) return undefined;
      const parsed = JSON.parse(readFileSync(recordPath, 'utf8')) as {
        channels: Array<{ name: string; messages: Array<{ pinned: boolean; text: string }> }>;
      };
      const channel = parsed.channels.find((c) => c.name.startsWith('inc-'));
      return channel?.messages.some((m) => m.pinned) ? channel : undefined;
    }, 'the sandbox record to show a pinned card');
    expect(record.name).toMatch(/^inc-\d{8}-/);
    await eventually(
      () => p.logs.some((l) => String(l.msg).startsWith(`slack: created the incident channel #${record.name}`)),
      'the log to name the channel created',
    );
    await eventually(
      () => p.logs.some((l) => String(l.msg).startsWith(`slack: pinned the incident card in #${record.name}`)),
      'the log to say the card was pinned',
    );
    // The first alert's work done (channel, card, page, on-call invited, announcement, pin): nothing in it is a
    // failure, so nothing reads as one. The banner above is the only warning.
    for (const done of ['slack: invited 2 on-call engineers', 'slack: announced INC-1', 'pagerduty: paged on-call'])
      await eventually(() => p.logs.some((l) => String(l.msg).startsWith(done)), `the log to say "${done}"`);
    const alarming = p.logs
      .slice(1)
      .filter((l) => l.unparsed || ['warn', 'error', 'fatal'].includes(String(l.level)))
      .map((l) => `${String(l.level ?? 'unparsed')}: ${String(l.msg)}${l.err ? ` (${String(l.err)})` : ''}`);
    expect(alarming).toEqual([]);
    expect(p.stderr()).toBe('');
  });
});

describe('production', () => {
  it('refuses to start without a Slack token, saying why, before listening', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/main.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        PORT: '0',
        DATABASE_URL: `sqlite:${join(scratch.dir, 'x.db')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('SLACK_BOT_TOKEN');
    expect(stderr).toContain('ALERT_WEBHOOK_TOKEN');
    expect(existsSync(join(scratch.dir, 'x.db'))).toBe(false);
  });
});

describe('live mode against the fake Slack', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  });
  afterEach(async () => {
    await slack.stop();
  });

  it('a restart with a pending outbox delivers the channel and card once', async () => {
    const env: Record<string, string> = { ...testEnv(slack, scratch.dir), LOG_LEVEL: 'info' };
    // Slack is down: the incident is stored, its channel waits in the outbox.
    slack.fail('conversations.create', { status: 503, times: 1000 });
    const first = await start(env);
    const accepted = await postJson(`${first.url}/alerts/alertmanager`, alertmanagerPayload(), {
      authorization: `Bearer ${ALERT_TOKEN}`,
    });
    expect(accepted.status).toBe(202);
    await eventually(() => slack.calls('conversations.create').length > 0, 'a first attempt at the channel');
    // Killed between retries (the failed attempt handed back, the next one about a second away). A kill
    // in the middle of an attempt is covered by the job's lease, which lapses after a minute.
    await eventually(
      async () =>
        (await fetch(`${first.url}/metrics`).then((r) => r.text())).includes(
          'firebreak_outbox_retried_total{kind="incident.open_channel"} 1',
        ),
      'the failed attempt to be rescheduled',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(incidentChannels(slack)).toHaveLength(0);

    slack.clearFailures();
    const second = await start(env);
    const channel = await eventually(() => incidentChannels(slack)[0], 'the channel after restart', 20_000);
    await eventually(() => slack.messages(channel.id).some((m) => m.pinned), 'the pinned card after restart', 20_000);
    await eventually(
      () => slack.messages(slack.channelByName('incidents')!.id).length > 0,
      'the announcement after restart',
      20_000,
    );
    // Everything the restarted process took back is delivered: a second channel or card would be here.
    await outboxDrained(second);
    expect(incidentChannels(slack)).toHaveLength(1);
    expect(slack.messages(channel.id).filter((m) => m.user === slack.auth().botUserId)).toHaveLength(1);
    expect(slack.messages(slack.channelByName('incidents')!.id)).toHaveLength(1);
  });

  it('SIGTERM finishes the request in flight, then exits 0; no secret reaches the log', async () => {
    const env: Record<string, string> = { ...testEnv(slack, scratch.dir), LOG_LEVEL: 'debug' };
    const p = await start(env);
    const body = JSON.stringify(alertmanagerPayload());
    const { port, hostname } = new URL(p.url);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/alerts/alertmanager',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${ALERT_TOKEN}`,
          },
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (text += c))
            .on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half the body now, the rest after SIGTERM: the request is in flight when the signal lands.
      req.write(body.slice(0, 100));
      setTimeout(() => {
        p.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(100)), 300);
      }, 200);
    });
    const answered = await response;
    expect(answered.status).toBe(202);
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(p.logs.some((l) => String(l.msg).startsWith('stopping'))).toBe(true);
    const everything = JSON.stringify(p.logs) + p.stderr();
    for (const secret of [ALERT_TOKEN, BOT_TOKEN, SIGNING_SECRET, env.LINK_SECRET as string])
      expect(everything).not.toContain(secret);
  });

  it('a restart while PagerDuty is failing still sends the page once', async () => {
    const pd = await FakePagerDuty.start({ routingKey: 'restart-routing-key-0123456789' });
    try {
      const env: Record<string, string> = {
        ...testEnv(slack, scratch.dir),
        LOG_LEVEL: 'info',
        PAGERDUTY_ROUTING_KEY: 'restart-routing-key-0123456789',
        PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      };
      pd.fail('/v2/enqueue', { status: 503, times: 1000 });
      const first = await start(env);
      expect(
        (
          await postJson(`${first.url}/alerts/alertmanager`, alertmanagerPayload(), {
            authorization: `Bearer ${ALERT_TOKEN}`,
          })
        ).status,
      ).toBe(202);
      await eventually(
        async () =>
          (await fetch(`${first.url}/metrics`).then((r) => r.text())).includes(
            'firebreak_outbox_retried_total{kind="page.trigger"} 1',
          ),
        'a failed page attempt, rescheduled',
      );
      first.child.kill('SIGKILL');
      await first.exited;

      pd.clearFailures();
      const second = await start(env);
      await eventually(() => pd.events().some((e) => e.status === 202), 'the page after restart', 20_000);
      await outboxDrained(second);
      expect(pd.events().filter((e) => e.status === 202)).toHaveLength(1);
      expect(pd.incidents()).toHaveLength(1);
    } finally {
      await pd.stop();
    }
  });

  it('killed the moment AWS accepted the launch, then restarted: the scale-out launches once', async () => {
    const cloud = await FakeCloud.start({ launchSeconds: 0.2 });
    try {
      const policyPath = join(scratch.dir, 'policy.yaml');
      writeFileSync(
        policyPath,
        [
          'scaleTargets:',
          '  - name: web',
          '    kind: ec2-launch-template',
          '    launchTemplate: { id: lt-0web00000000000 }',
          '    subnets: [subnet-0aa11bb22cc33dd44]',
          '    max: 20',
          '    buttons: [4]',
          '    services: [web]',
        ].join('\n'),
      );
      const env: Record<string, string> = {
        ...testEnv(slack, scratch.dir),
        LOG_LEVEL: 'info',
        FIREBREAK_CONFIG: policyPath,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDRESTART',
        AWS_SECRET_ACCESS_KEY: 'restart',
        AWS_ENDPOINT_URL_EC2: cloud.ec2Url,
        AWS_ENDPOINT_URL_AUTO_SCALING: cloud.autoScalingUrl,
      };
      const first = await start(env);
      // The crash: as soon as AWS has launched the instances, before Firebreak can record the answer.
      const off = cloud.onChange(() => {
        if (cloud.calls('RunInstances').some((c) => c.status === 200)) first.child.kill('SIGKILL');
      });
      await postJson(`${first.url}/alerts/alertmanager`, alertmanagerPayload(), {
        authorization: `Bearer ${ALERT_TOKEN}`,
      });
      const channel = await eventually(() => incidentChannels(slack)[0], 'the channel');
      const card = await eventually(
        () => slack.messages(channel.id).find((m) => m.pinned && JSON.stringify(m.blocks).includes('Scale out +4')),
        'the card',
      );
      slack.connectApp({ requestUrl: `${first.url}/slack/events`, signingSecret: SIGNING_SECRET });
      await slack
        .clickButton({ userId: 'U0ALICE', channelId: channel.id, messageTs: card.ts, actionId: 'scale_out:web:4' })
        .catch(() => undefined);
      await first.exited;
      off();

      const second = await start(env);
      slack.connectApp({ requestUrl: `${second.url}/slack/events`, signingSecret: SIGNING_SECRET });
      await eventually(
        () =>
          slack
            .messages(channel.id)
            .some((m) => m.pinned && JSON.stringify(m.blocks).includes('web is at 4 instances')),
        'the card to show 4 instances',
        20_000,
      );
      const launched = cloud.instances({ tags: { 'firebreak:target': 'web' } });
      expect(launched).toHaveLength(4);
      const tokens = new Set(cloud.calls('RunInstances').map((c) => c.params.ClientToken));
      expect(tokens.size).toBe(1);
    } finally {
      await cloud.stop();
    }
  });
});
