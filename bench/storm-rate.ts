// A quick look at ingest throughput: new alerts, 6 per webhook, 50 webhooks in flight, for BENCH_SECONDS.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../src/sandbox/fake-slack';
import { spawnFirebreak } from '../test/support/process';

const TOKEN = 'bench-alert-token-0123456789';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-storm-rate-'));
  const slack = await FakeSlack.start({ botToken: 'xoxb-bench' });
  const p = await spawnFirebreak(
    { NODE_ENV: 'test', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789', SLACK_API_URL: slack.apiUrl, ALERT_WEBHOOK_TOKEN: TOKEN, LINK_SECRET: 'bench-link-secret-0123456789abcdef', DATABASE_URL: `sqlite:${join(dir, 'f.db')}`, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    { cwd: dir, ...(process.env.FIREBREAK_COMPILED_MAIN ? { compiledMain: process.env.FIREBREAK_COMPILED_MAIN } : {}) },
  );
  let n = 0;
  let alerts = 0;
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      const k = n++;
      const body = JSON.stringify({
        version: '4', groupKey: `{}:{g="${k % 20}"}`, status: 'firing', receiver: 'r', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
        alerts: Array.from({ length: 6 }, (_, i) => ({ status: 'firing', labels: { alertname: 'Storm', service: 'web', severity: 'warning', i: String(i) }, annotations: { summary: `Storm ${k % 20}` }, startsAt: '2024-05-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://p', fingerprint: `f-${k}-${i}` })),
      });
      const t = performance.now();
      const status = await post(`${p.url}/alerts/alertmanager`, body);
      latencies.push(performance.now() - t);
      if (status === 202) alerts += 6;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 50 }, worker));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`${Math.round(alerts / seconds)} alerts/s over ${seconds.toFixed(1)} s; p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(1)} ms, p90 ${latencies[Math.floor(latencies.length * 0.9)]?.toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`);
  p.child.kill('SIGKILL');
  await p.exited;
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
  agent.destroy();
}
void main();
