// Alert webhooks refuse what no monitor sends (a 100,000-character groupKey, 50,000 labels, a gzip body
// that is not gzip) with a 400 naming the field and the limit, and store nothing; real payloads still pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ALERT_LIMITS } from '../../src/ingest/limits';
import { alertmanagerPayload, genericAlert } from '../support/payloads';
import { ALERT_TOKEN, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

async function storedIncidents(): Promise<number> {
  return (await h.firebreak.store.incidents.listRecent(100)).length;
}

function labels(count: number, nameLength = 8, valueLength = 1): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`l${String(i).padStart(nameLength - 1, '0')}`] = 'v'.repeat(valueLength);
  return out;
}

function withAlertLabels(extra: Record<string, string>) {
  const payload = alertmanagerPayload();
  const alert = payload.alerts[0]!;
  return { ...payload, alerts: [{ ...alert, labels: { ...alert.labels, ...extra } }] };
}

async function expectRefused(source: string, body: unknown, field: RegExp, limit: string): Promise<void> {
  const response = await h.postAlert(source, body);
  expect(response.status).toBe(400);
  expect(response.body.error).toBe('invalid alert payload');
  const issues = (response.body.issues as string[]).join('\n');
  expect(issues).toMatch(field);
  expect(issues).toContain(limit);
  // The answer stays small: the oversized value is never echoed back whole.
  expect(JSON.stringify(response.body).length).toBeLessThan(2000);
  expect(await storedIncidents()).toBe(0);
}

describe('limits on what one delivery may carry', () => {
  it('a 100,000-character groupKey', async () => {
    await expectRefused('alertmanager', alertmanagerPayload({ groupKey: 'g'.repeat(100_000) }), /^groupKey: /m, '4096');
  });

  it('50,000 labels on one alert', async () => {
    await expectRefused('alertmanager', withAlertLabels(labels(50_000)), /^alerts\.0\.labels: /m, '100 labels');
  });

  it('a label name over 1 KiB, a label value over 4 KiB', async () => {
    await expectRefused('alertmanager', withAlertLabels({ ['n'.repeat(1025)]: 'v' }), /^alerts\.0\.labels: /m, '1024');
    await expectRefused(
      'alertmanager',
      withAlertLabels({ big: 'v'.repeat(4097) }),
      /^alerts\.0\.labels\.big: /m,
      '4096',
    );
  });

  it('more alerts than one request may carry', async () => {
    const many = alertmanagerPayload({
      alerts: Array.from({ length: ALERT_LIMITS.alertsPerRequest + 1 }, (_, i) => ({ fingerprint: `fp-${i}` })),
    });
    await expectRefused('alertmanager', many, /^alerts: /m, String(ALERT_LIMITS.alertsPerRequest));
  });

  it('the same label limits on the generic webhook', async () => {
    await expectRefused('generic', genericAlert({ labels: labels(101) }), /^labels: /m, '100 labels');
    await expectRefused('generic', genericAlert({ labels: { big: 'v'.repeat(4097) } }), /^labels\.big: /m, '4096');
  });

  it('right at every limit is accepted', async () => {
    const atLimits = {
      ...withAlertLabels({
        ...labels(ALERT_LIMITS.labelsPerAlert - 4 - 1, 8, ALERT_LIMITS.labelValueChars),
        ['n'.repeat(ALERT_LIMITS.labelNameChars)]: 'v',
      }),
      groupKey: 'g'.repeat(ALERT_LIMITS.groupKeyChars),
    };
    expect(Object.keys(atLimits.alerts[0]!.labels)).toHaveLength(ALERT_LIMITS.labelsPerAlert);
    expect((await h.postAlert('alertmanager', atLimits)).status).toBe(202);
  });

  it("Alertmanager's real payloads pass", async () => {
    for (const name of ['firing.json', 'resolved.json']) {
      const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager', name), 'utf8')) as unknown;
      expect((await h.postAlert('alertmanager', fixture)).status).toBe(202);
    }
  });
});

describe('content-encoding', () => {
  async function post(body: Buffer): Promise<{ status: number; body: { error?: string } }> {
    const response = await fetch(`${h.firebreak.url}/alerts/alertmanager`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ALERT_TOKEN}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as { error?: string } };
  }

  it('a gzip body that is not gzip: 400 saying so in words', async () => {
    const response = await post(Buffer.from('this is not gzip at all'));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/content-encoding gzip but is not valid gzip \(incorrect header check\)/);
    expect(await storedIncidents()).toBe(0);
  });

  it('a gzip body cut short: 400 saying so', async () => {
    const whole = gzipSync(JSON.stringify(alertmanagerPayload()));
    const response = await post(whole.subarray(0, whole.length - 20));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/not valid gzip/);
  });

  it('a small gzip body that inflates past 1 MiB: 413', async () => {
    const response = await post(gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20)));
    expect(response.status).toBe(413);
    expect(response.body.error).toContain('once decompressed');
  });

  it('an encoding no monitor uses: 415 naming it and the ones that work', async () => {
    const response = await fetch(`${h.firebreak.url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALERT_TOKEN}`, 'content-encoding': 'zstd' },
      body: JSON.stringify(alertmanagerPayload()),
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: string }).error).toBe(
      'the body\'s content-encoding "zstd" is not supported; send it plain, or as gzip, deflate or br',
    );
    expect(await storedIncidents()).toBe(0);
  });

  it('a real gzip body is accepted', async () => {
    expect((await post(gzipSync(JSON.stringify(alertmanagerPayload())))).status).toBe(202);
  });
});
