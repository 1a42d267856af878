// `npm run demo -- --exit` as a newcomer runs it, in its own process: what it prints, from the first line. The
// in-process demo test (demo.test.ts) checks the story; this one checks that nothing else is said around it,
// such as a library's notice on stderr that reads as the demo failing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '../..');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-demo-process-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the demo as `npm run demo` does (tsx src/sandbox/demo.ts), with only PATH, a free port and its temp dir. */
function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src/sandbox/demo.ts'), ...args], {
      cwd: dir,
      // Nothing inherited from the test runner (no AWS_SDK_… switch set by another test): a newcomer's shell.
      env: { PATH: process.env.PATH ?? '', PORT: '0', TMPDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

it('starts with the story and prints nothing on stderr: no AWS SDK notice, no warning', async () => {
  const { code, stdout, stderr } = await runDemo(['--exit']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout.split('\n')[0]).toMatch(/^Replaying the flash-sale outage of 2023-02-15 against Firebreak's sandbox/);
  expect(stdout).not.toMatch(/Warning|NodeVersionSupport|"level":"(warn|error)"/);
  expect(stdout).toContain('The postmortem page for managers, saved since Firebreak stops (--exit)');
  // The story around the outage: the warning before it, the planned sale after it.
  expect(stdout).toMatch(/^ {2}11:[12]\d {2}Firebreak warns in #incidents: /m);
  expect(stdout).toMatch(/^ {2}14:\d\d {2}Firebreak, for CAP-1: scale-back step 2 of 2 done: 4 running$/m);
});
