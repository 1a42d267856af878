// `npm test`: the static checks, the worst-hour chaos proofs (test/chaos) and the jest suite, overlapped.
//
// The proofs start first, with the machine to themselves: they measure seconds after Slack's recovery with
// real processes, and a busy machine would bend those seconds. Once each has passed that timed part (its
// storm delivered and its last channel deadline, 15 s after Slack's recovery, passed; it leaves a file in
// CHAOS_SIGNAL_DIR), what is left of it is the announcements' drain at Slack's pace of one post a second,
// kills and counting, which a busy machine only stretches; so the suite starts then and runs beside it (at
// nice 10, so that the proofs' restarts stay quick), instead of after it.
//
// The checks (type check, Biome, the dependency rule) start at once too, at the lowest CPU priority (nice 19):
// they take only what the proofs leave idle, and are mostly done before the proofs' timed parts are; any still
// running when the suite starts get its priority. Each one's output is printed as a block when it ends.
//
// Arguments go to both jest runs. With `--json --outputFile=F`, F ends up holding both runs' results
// together, so CI counts every test once. The chaos run's output is kept in a file and printed after the
// suite's, so the two never interleave. The exit status is the first failure's: a check, the suite, the proofs.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const args = process.argv.slice(2);

/** package.json's scripts run as checks. */
const CHECKS = ['typecheck', 'lint', 'lint:deps'];

/**
 * Longest the suite waits for the proofs' timed parts. Each is over about a minute into its run (the SQLite
 * one starts 65 s after the other, jest.chaos.config.js), and each says so even when it fails; this only
 * bounds a proof that hangs.
 */
const TIMED_PART_BOUND_MS = 300_000;

const outputArg = args.findIndex((a) => a === '--outputFile' || a.startsWith('--outputFile='));
const outputFile =
  outputArg < 0
    ? null
    : args[outputArg].includes('=')
      ? args[outputArg].split('=').slice(1).join('=')
      : args[outputArg + 1];

/** The arguments for one run, its JSON (if asked for) written to its own file. */
function argsFor(run) {
  if (!outputFile) return args;
  const own = `${outputFile}.${run}`;
  return args.flatMap((a, i) => {
    if (i === outputArg) return [`--outputFile=${own}`];
    if (i === outputArg + 1 && a === outputFile && !args[outputArg].includes('=')) return [];
    return [a];
  });
}

/** How many chaos proofs these arguments run (each says when its timed part is over). */
function chaosProofs() {
  const listArgs = argsFor('list').filter((a) => a !== '--json' && !a.startsWith('--outputFile='));
  const listed = spawnSync(
    process.execPath,
    [jestBin, '--config', 'jest.chaos.config.js', '--listTests', '--json', ...listArgs],
    { encoding: 'utf8' },
  );
  try {
    return JSON.parse(listed.stdout).length;
  } catch {
    return 0; // the chaos run itself will say what is wrong
  }
}

/** Resolves with a process's exit status (1 if it could not start). */
function exitOf(child) {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
}

/** A command at a lower CPU priority (a higher nice value), where the system has `nice`. */
function niced(niceness, command) {
  return process.platform === 'win32' ? command : ['nice', '-n', String(niceness), ...command];
}

/** Starts one jest run; resolves with its exit status. */
function jest(run, configArgs, { env = process.env, stdio = 'inherit', niceness = 0 } = {}) {
  const command = niced(niceness, [process.execPath, jestBin, ...configArgs, ...argsFor(run)]);
  return exitOf(spawn(command[0], command.slice(1), { stdio, env }));
}

/** The checks' processes, while they run. */
const checkProcesses = new Set();

/** `npm run <name>` at nice 19, its output printed as one block when it ends; resolves with its status. */
async function check(name) {
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const command = niced(19, [...npm, 'run', name]);
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  checkProcesses.add(child.pid);
  child.once('exit', () => checkProcesses.delete(child.pid));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const status = await exitOf(child);
  process.stdout.write(`\n== check: ${name} (${status === 0 ? 'passed' : `FAILED, status ${status}`})\n${output}`);
  return status;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** [pid, parent pid] of every process: from /proc where there is one (no `ps` in a slim image), else `ps`. */
function parentsOfProcesses() {
  if (existsSync('/proc/self/stat')) {
    const pairs = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // "pid (command) state ppid …": the command may hold spaces and parentheses, so read after its last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        pairs.push([Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])]);
      } catch {
        // it ended while we looked
      }
    }
    return pairs;
  }
  const listed = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  return (listed.stdout ?? '')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
}

/**
 * Gives a check still running (and what it started: npm, its shell, tsc) the suite's priority, so that it
 * is not left with what a busy suite leaves idle. Where that is not allowed (raising a priority needs
 * privileges), it stays at 19.
 */
function reniceChecks(niceness) {
  if (checkProcesses.size === 0 || process.platform === 'win32') return;
  const children = new Map();
  for (const [pid, ppid] of parentsOfProcesses()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const pending = [...checkProcesses];
  while (pending.length > 0) {
    const pid = pending.pop();
    try {
      setPriority(pid, niceness);
    } catch {
      // gone already, or not ours to raise
    }
    pending.push(...(children.get(pid) ?? []));
  }
}

const work = mkdtempSync(join(tmpdir(), 'firebreak-tests-'));
const signalDir = join(work, 'signals');
const chaosLog = join(work, 'chaos.log');
mkdirSync(signalDir);
let status = 1;
try {
  const proofs = chaosProofs();
  console.log(
    `\n== jest: chaos (${proofs} proof${proofs === 1 ? '' : 's'}, started first; the output follows the suite's)`,
  );
  const logFd = openSync(chaosLog, 'w');
  let chaosEnded = false;
  const chaos = jest('chaos', ['--config', 'jest.chaos.config.js'], {
    env: { ...process.env, CHAOS_SIGNAL_DIR: signalDir },
    stdio: ['ignore', logFd, logFd],
  }).then((code) => {
    chaosEnded = true;
    return code;
  });
  const checks = Promise.all(CHECKS.map(check));

  const waitStarted = Date.now();
  const timedPartsOver = () => readdirSync(signalDir).length >= proofs;
  while (!chaosEnded && !timedPartsOver() && Date.now() - waitStarted < TIMED_PART_BOUND_MS) await sleep(250);
  const waited = Math.round((Date.now() - waitStarted) / 1000);
  const why = timedPartsOver()
    ? "the chaos proofs' timed parts are over"
    : chaosEnded
      ? 'the chaos run ended'
      : `the chaos proofs said nothing within ${TIMED_PART_BOUND_MS / 1000} s`;

  console.log(`\n== jest: suite (after ${waited} s: ${why})`);
  // At nice 10: where the two want the same second, the proofs' restarts and drain go first. Their drain is
  // paced, so they seldom want it; the suite gets the rest of the machine.
  reniceChecks(10);
  const suite = await jest('suite', [], { niceness: 10 });
  if (!chaosEnded) console.log('\n== waiting for the chaos proofs to finish');
  const chaosStatus = await chaos;
  closeSync(logFd);
  console.log('\n== jest: chaos');
  process.stdout.write(readFileSync(chaosLog, 'utf8'));
  const checkStatuses = await checks;

  if (outputFile) {
    const merged = {
      numTotalTestSuites: 0,
      numPassedTestSuites: 0,
      numFailedTestSuites: 0,
      numRuntimeErrorTestSuites: 0,
      numTotalTests: 0,
      numPassedTests: 0,
      numFailedTests: 0,
      numPendingTests: 0,
      success: true,
      testResults: [],
    };
    for (const run of ['suite', 'chaos']) {
      const file = `${outputFile}.${run}`;
      if (!existsSync(file)) {
        merged.success = false;
        continue;
      }
      const result = JSON.parse(readFileSync(file, 'utf8'));
      for (const key of Object.keys(merged)) if (typeof merged[key] === 'number') merged[key] += result[key] ?? 0;
      merged.success &&= Boolean(result.success);
      merged.testResults.push(...(result.testResults ?? []));
      rmSync(file);
    }
    writeFileSync(outputFile, JSON.stringify(merged));
  }
  const failedChecks = CHECKS.filter((_, i) => checkStatuses[i] !== 0);
  if (failedChecks.length > 0) console.log(`\n== failed checks: ${failedChecks.join(', ')}`);
  status = [...checkStatuses, suite, chaosStatus].find((s) => s !== 0) ?? 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(status);
