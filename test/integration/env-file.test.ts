// `.env` in the working directory: read at start by Firebreak and by `npm run sandbox:reset`; the real environment wins.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { scratchProcesses, spawnFirebreak } from '../support/process';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../..');
const scratch = scratchProcesses('env-file');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('.env in the working directory', () => {
  it('is read at start: NODE_ENV=production there forbids the sandbox', async () => {
    writeFileSync(join(scratch.dir, '.env'), 'NODE_ENV=production\n');
    const started = spawnFirebreak(
      { PORT: '0', DATABASE_URL: `sqlite:${join(scratch.dir, 'x.db')}`, FIREBREAK_SANDBOX_DIR: scratch.dir },
      { cwd: scratch.dir },
    );
    void started.then(
      (p) => scratch.track(p),
      () => undefined,
    ); // stopped by afterEach should it start after all
    await expect(started).rejects.toThrow(/exited \(code 78[\s\S]*SLACK_BOT_TOKEN is required in production/);
    expect(existsSync(join(scratch.dir, 'x.db'))).toBe(false);
  });

  it('gives what the environment does not set; a variable set in the environment wins over .env', async () => {
    const port = await freePort();
    writeFileSync(join(scratch.dir, '.env'), `# a comment\nNODE_ENV=production\nPORT=${port}\n`);
    const p = await spawnFirebreak(
      {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(scratch.dir, 'f.db')}`,
        FIREBREAK_SANDBOX_DIR: scratch.dir,
        LOG_LEVEL: 'info',
      },
      { cwd: scratch.dir },
    );
    scratch.track(p);
    expect(String(p.logs[0]?.msg)).toContain('SANDBOX MODE');
    expect(p.url).toBe(`http://127.0.0.1:${port}`);
  });
});

describe('npm run sandbox:reset', () => {
  it('reads DATABASE_URL and FIREBREAK_SANDBOX_DIR from .env in the working directory', () => {
    mkdirSync(join(scratch.dir, 'db'));
    mkdirSync(join(scratch.dir, 'sb'));
    const files = [
      join(scratch.dir, 'db/here.db'),
      join(scratch.dir, 'db/here.db-wal'),
      join(scratch.dir, 'sb/sandbox-state.json'),
      join(scratch.dir, 'sb/sandbox-slack.json'),
    ];
    for (const file of files) writeFileSync(file, 'x');
    writeFileSync(join(scratch.dir, '.env'), 'DATABASE_URL=sqlite:./db/here.db\nFIREBREAK_SANDBOX_DIR=./sb\n');
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/sandbox-reset.mjs')], {
      cwd: scratch.dir,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toContain('removed');
    for (const file of files) expect(existsSync(file)).toBe(false);
  });

  it('lets the environment win over .env', () => {
    mkdirSync(join(scratch.dir, 'env-sb'));
    mkdirSync(join(scratch.dir, 'file-sb'));
    writeFileSync(join(scratch.dir, 'env-sb/sandbox-state.json'), 'x');
    writeFileSync(join(scratch.dir, 'file-sb/sandbox-state.json'), 'x');
    writeFileSync(join(scratch.dir, '.env'), 'FIREBREAK_SANDBOX_DIR=./file-sb\nDATABASE_URL=sqlite:./none.db\n');
    execFileSync(process.execPath, [join(ROOT, 'scripts/sandbox-reset.mjs')], {
      cwd: scratch.dir,
      env: { PATH: process.env.PATH ?? '', FIREBREAK_SANDBOX_DIR: './env-sb' },
      encoding: 'utf8',
    });
    expect(existsSync(join(scratch.dir, 'env-sb/sandbox-state.json'))).toBe(false);
    expect(existsSync(join(scratch.dir, 'file-sb/sandbox-state.json'))).toBe(true);
  });
});
