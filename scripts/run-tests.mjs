// The jest part of `npm test`: the suite, then the worst-hour chaos proofs (test/chaos) on their own. The
// proofs measure seconds after Slack's recovery with real processes, so they get the machine to themselves
// rather than sharing it with the rest of the suite.
//
// Arguments go to both runs. With `--json --outputFile=F`, F ends up holding both runs' results together,
// so CI counts every test once.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const args = process.argv.slice(2);

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

function jest(run, configArgs) {
  console.log(`\n== jest: ${run}`);
  const result = spawnSync(process.execPath, [jestBin, ...configArgs, ...argsFor(run)], { stdio: 'inherit' });
  return result.status ?? 1;
}

const runs = [];
const suite = jest('suite', []);
runs.push('suite');
// A failing suite already fails the run; the five-minute proofs would only add to the wait.
const chaos = suite === 0 ? jest('chaos', ['--config', 'jest.chaos.config.js']) : null;
if (chaos !== null) runs.push('chaos');

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
  for (const run of runs) {
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
process.exit(suite !== 0 ? suite : (chaos ?? 0));
