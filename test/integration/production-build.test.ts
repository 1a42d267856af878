// What `npm run build` makes and production runs (`node dist/main.js`): one bundle that serves an alert
// end to end against Slack, with the sandbox in its own file that production never opens, and the AWS SDK
// and pg left out until an install uses them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { ALERT_TOKEN, BOT_TOKEN, eventually, postJson, testEnv } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { scratchProcesses, spawnFirebreak } from '../support/process';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '../..');
const scratch = scratchProcesses('build');
let buildDir = '';
let built = { main: '', sandbox: '' };

beforeAll(() => {
  // Under node_modules, as dist/ is beside it: the bundle finds its external packages from where it lies.
  // (node_modules/.cache is not there in a fresh clone until something makes it.)
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  buildDir = mkdtempSync(join(ROOT, 'node_modules/.cache/firebreak-build-test-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), buildDir], { cwd: ROOT, stdio: 'pipe' });
  built = { main: join(buildDir, 'main.js'), sandbox: join(buildDir, 'sandbox.js') };
});

afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

/** The source files a bundle was built from, relative to the project, from its source map. */
function sourcesOf(bundlePath: string): string[] {
  const map = JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => join(buildDir, source).slice(ROOT.length + 1));
}

it('bundles Firebreak without the sandbox, the AWS SDK or pg; the sandbox is a file of its own', () => {
  const main = sourcesOf(built.main);
  expect(main).toContain('src/firebreak.ts');
  expect(main).toContain('src/flows/ingest-alerts.ts');
  expect(main.filter((s) => /^src\/sandbox\/|node_modules\/(@aws-sdk|pg)\//.test(s))).toEqual([]);
  expect(sourcesOf(built.sandbox)).toContain('src/sandbox/fake-slack.ts');
});

describe('the build, run as production runs it', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  });
  afterEach(async () => {
    await slack.stop();
  });

  it('turns an alert into a channel with its pinned card, and never opens the sandbox file', async () => {
    // Lists, when the process is stopped, every file it loaded.
    const listLoaded = join(scratch.dir, 'list-loaded.js');
    const loadedFile = join(scratch.dir, 'loaded.json');
    writeFileSync(
      listLoaded,
      `process.on('SIGTERM', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`,
    );
    const p = scratch.track(
      await spawnFirebreak(
        { ...testEnv(slack, scratch.dir), NODE_ENV: 'production', LOG_LEVEL: 'info' },
        { compiledMain: built.main, nodeArgs: ['--require', listLoaded], cwd: scratch.dir },
      ),
    );
    const accepted = await postJson(`${p.url}/alerts/alertmanager`, alertmanagerPayload(), {
      authorization: `Bearer ${ALERT_TOKEN}`,
    });
    expect(accepted.status).toBe(202);
    const channel = await eventually(
      () => slack.listChannels().find((c) => c.name.startsWith('inc-')),
      'the incident channel',
    );
    await eventually(() => slack.messages(channel.id).some((m) => m.pinned), 'the pinned card');

    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    const loaded = (JSON.parse(readFileSync(loadedFile, 'utf8')) as string[]).map((f) => f.slice(ROOT.length + 1));
    expect(loaded.filter((f) => /sandbox\.js$|node_modules\/(@aws-sdk|pg)\//.test(f))).toEqual([]);
    expect(loaded).toContain('node_modules/better-sqlite3/lib/index.js');
  });
});

it('runs the sandbox from its own file when there is no Slack token', async () => {
  const p = scratch.track(
    await spawnFirebreak(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(scratch.dir, 'firebreak.db')}`,
        FIREBREAK_SANDBOX_DIR: scratch.dir,
        LOG_LEVEL: 'info',
      },
      { compiledMain: built.main, cwd: scratch.dir },
    ),
  );
  expect(String(p.logs[0]?.msg)).toContain('SANDBOX MODE');
  const console = await fetch(`${p.url}/sandbox`);
  expect(console.status).toBe(200);
  expect(await console.text()).toContain('Fire flash-sale alert');
});
