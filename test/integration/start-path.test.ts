// What a restart has to load before it serves again: only what this install uses. The AWS SDK, the
// PostgreSQL driver, PagerDuty's REST client and the sandbox load when configured, not on every start.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '../..');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The modules loaded by importing Firebreak's composition root, as paths relative to the project. */
function modulesLoadedAtImport(): string[] {
  const script = `require(${JSON.stringify(join(ROOT, 'src/firebreak.ts'))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(process.execPath, ['--import', TSX_LOADER, '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((path) => path.slice(ROOT.length + 1));
}

it('loads neither the AWS SDK, pg, pdjs, the transliteration tables nor the sandbox until an install uses them', () => {
  const loaded = modulesLoadedAtImport();
  expect(loaded.some((m) => m.startsWith('src/firebreak'))).toBe(true);
  const needlessAtStart = loaded.filter((m) =>
    /^node_modules\/(@aws-sdk\/|pg\/|@pagerduty\/pdjs\/|transliteration\/)|^src\/sandbox\//.test(m),
  );
  expect(needlessAtStart).toEqual([]);
});
