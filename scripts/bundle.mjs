// Builds what production runs: `dist/main.js`, Firebreak and the libraries it starts with in one file, and
// `dist/sandbox.js`, the local Slack, PagerDuty, cloud and console, loaded only in sandbox mode.
//
// Why a bundle: a restart must be serving within a second. Unbundled, a start loads about 1,100 modules
// (Kysely alone is 263, Bolt pulls Socket Mode's undici even over HTTP), and resolving and compiling them
// one file at a time was two thirds of the start. One file removes the resolution and most of the compile.
// Type checking is not done here: `npm test` runs `tsc --noEmit`.
//
// Left outside, loaded from node_modules when used: native addons (better-sqlite3), pg (PostgreSQL only),
// and the AWS SDK and pdjs (only with scale targets or the on-call lookup; the AWS SDK alone is 10 MB).
//
//   node scripts/bundle.mjs [outDir]       (default: dist)
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

/** Files that mark a directory as a build output (this script's, or tsc's before it). */
const BUILD_MARKERS = ['main.js', '.build-stamp', '.tsbuildinfo'];

/** What stays a plain require() from node_modules. */
const EXTERNAL = ['better-sqlite3', 'pg', 'pg-native', 'pg-query-stream', '@aws-sdk/*', '@pagerduty/pdjs'];

/** The composition root's lazy requires of the sandbox become a require of the sandbox's own bundle. */
const sandboxApart = {
  name: 'sandbox-apart',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/sandbox\/(sandbox|console\/console-routes)$/ }, (args) =>
      args.importer.endsWith(join('src', 'firebreak.ts')) ? { path: './sandbox.js', external: true } : undefined,
    );
  },
};

/** How every Firebreak bundle is built. */
const OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: EXTERNAL,
  // Function and class names stay in stack traces; the maps beside the files resolve them to src/ when
  // run with NODE_OPTIONS=--enable-source-maps (not the default: Node would parse them at every start).
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: ROOT,
};

/** Builds both bundles into outDir; returns their paths. */
export async function bundle(outDir = join(ROOT, 'dist')) {
  const out = resolve(outDir);
  // Nothing stale may survive beside the bundles (dist/ used to hold tsc's one-file-per-module output), but
  // only a build directory is ever emptied: a mistyped argument must not wipe anything else.
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length > 0 && !BUILD_MARKERS.some((name) => entries.includes(name)))
      throw new Error(`${out} is not a Firebreak build directory (no ${BUILD_MARKERS.join(', ')}): not emptying it`);
    rmSync(out, { recursive: true, force: true });
  }
  const main = join(out, 'main.js');
  const sandbox = join(out, 'sandbox.js');
  await Promise.all([
    build({ ...OPTIONS, entryPoints: [join(ROOT, 'src/main.ts')], outfile: main, plugins: [sandboxApart] }),
    build({ ...OPTIONS, entryPoints: [join(ROOT, 'src/sandbox/index.ts')], outfile: sandbox }),
  ]);
  return { main, sandbox };
}

/** Builds one more entry (the bench's postmortem floor) exactly as the production bundle is built. */
export async function bundleEntry(entry, outfile) {
  await build({ ...OPTIONS, entryPoints: [resolve(entry)], outfile: resolve(outfile) });
  return resolve(outfile);
}

if (process.argv[1] === import.meta.filename) {
  const { main } = await bundle(process.argv[2]);
  console.error(`firebreak: built ${main}`);
}
