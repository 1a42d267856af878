// The sandbox listens on loopback unless chosen explicitly: a misconfigured install never exposes it by default.
import { join } from 'node:path';
import { scratchProcesses, spawnFirebreak, type FirebreakProcess } from '../support/process';

jest.setTimeout(60_000);

const scratch = scratchProcesses('sandbox-listener');

function start(env: Record<string, string>): Promise<FirebreakProcess> {
  const started = spawnFirebreak(
    {
      PORT: '0',
      DATABASE_URL: `sqlite:${join(scratch.dir, 'f.db')}`,
      FIREBREAK_SANDBOX_DIR: scratch.dir,
      LOG_LEVEL: 'info',
      ...env,
    },
    { cwd: scratch.dir },
  );
  void started.then(
    (p) => scratch.track(p),
    () => undefined,
  );
  return started;
}

function listening(p: FirebreakProcess): Record<string, unknown> | undefined {
  return p.logs.find((l) => String(l.msg).startsWith('Firebreak listening'));
}

describe('sandbox listener', () => {
  it('with no Slack token and no HOST, listens on 127.0.0.1 only', async () => {
    const p = await start({});
    expect(String(p.logs[0]?.msg)).toContain('SANDBOX MODE');
    expect(listening(p)).toMatchObject({ host: '127.0.0.1' });
  });

  it('with no Slack token, refuses HOST=0.0.0.0 without the explicit opt-in, before listening', async () => {
    await expect(start({ HOST: '0.0.0.0' })).rejects.toThrow(/exited \(code 78[\s\S]*HOST[\s\S]*FIREBREAK_SANDBOX=1/);
  });

  it('with FIREBREAK_SANDBOX=1 listens on HOST=0.0.0.0, and says loudly that it is exposed', async () => {
    const p = await start({ HOST: '0.0.0.0', FIREBREAK_SANDBOX: '1' });
    expect(listening(p)).toMatchObject({ host: '0.0.0.0' });
    expect(p.logs.some((l) => l.level === 'warn' && /sandbox is exposed/i.test(String(l.msg)))).toBe(true);
  });
});
