// `.env` in the working directory: read at start by Firebreak and by `npm run sandbox:reset`; the real environment wins.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnFirebreak, type FirebreakProcess } from '../support/process';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../..');
let dir: string;
let running: FirebreakProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-env-file-'));
});
afterEach(async () => {
  for (const p of running) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('.env in the working directory', () => {
  it('is read at start: NODE_ENV=production there forbids the sandbox', async () => {
    writeFileSync(join(dir, '.env'), 'NODE_ENV=production\n');
    const started = spawnFirebreak({ PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'x.db')}`, FIREBREAK_SANDBOX_DIR: dir }, { cwd: dir });
    void started.then((p) => running.push(p), () => undefined); // stopped by afterEach should it start after all
    await expect(started).rejects.toThrow(/exited \(code 78[\s\S]*SLACK_BOT_TOKEN is required in production/);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });

  it('gives what the environment does not set; a variable set in the environment wins over .env', async () => {
    const port = await freePort();
    writeFileSync(join(dir, '.env'), `# a comment\nNODE_ENV=production\nPORT=${port}\n`);
    const p = await spawnFirebreak(
      { NODE_ENV: 'development', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'f.db')}`, FIREBREAK_SANDBOX_DIR: dir, LOG_LEVEL: 'info' },
      { cwd: dir },
    );
    running.push(p);
    expect(String(p.logs[0]?.msg)).toContain('SANDBOX MODE');
    expect(p.url).toBe(`http://127.0.0.1:${port}`);
  });
});

describe('npm run sandbox:reset', () => {
  it('reads DATABASE_URL and FIREBREAK_SANDBOX_DIR from .env in the working directory', () => {
    mkdirSync(join(dir, 'db'));
    mkdirSync(join(dir, 'sb'));
    const files = [join(dir, 'db/here.db'), join(dir, 'db/here.db-wal'), join(dir, 'sb/sandbox-state.json'), join(dir, 'sb/sandbox-slack.json')];
    for (const file of files) writeFileSync(file, 'x');
    writeFileSync(join(dir, '.env'), 'DATABASE_URL=sqlite:./db/here.db\nFIREBREAK_SANDBOX_DIR=./sb\n');
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/sandbox-reset.mjs')], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(out).toContain('removed');
    for (const file of files) expect(existsSync(file)).toBe(false);
  });

  it('lets the environment win over .env', () => {
    mkdirSync(join(dir, 'env-sb'));
    mkdirSync(join(dir, 'file-sb'));
    writeFileSync(join(dir, 'env-sb/sandbox-state.json'), 'x');
    writeFileSync(join(dir, 'file-sb/sandbox-state.json'), 'x');
    writeFileSync(join(dir, '.env'), 'FIREBREAK_SANDBOX_DIR=./file-sb\nDATABASE_URL=sqlite:./none.db\n');
    execFileSync(process.execPath, [join(ROOT, 'scripts/sandbox-reset.mjs')], { cwd: dir, env: { PATH: process.env.PATH ?? '', FIREBREAK_SANDBOX_DIR: './env-sb' }, encoding: 'utf8' });
    expect(existsSync(join(dir, 'env-sb/sandbox-state.json'))).toBe(false);
    expect(existsSync(join(dir, 'file-sb/sandbox-state.json'))).toBe(true);
  });
});
