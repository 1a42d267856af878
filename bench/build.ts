// Builds Firebreak as `npm run build` does for production (scripts/bundle.mjs) and compiles the floors with
// tsc, once per bench run, so both run as production runs Firebreak: node on JavaScript, no TypeScript loader
// in the process (it would cost start time and memory that production never pays). Inside node_modules/.cache, like test/chaos/compile-once.js, so the compiled
// files find the project's dependencies and nothing lands in the work tree.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
// BENCH_BUILD_DIR builds elsewhere: work trees sharing one node_modules (a symlink) would otherwise build into
// the same directory at once, and one run could measure another's build. The directory must be able to find
// node_modules above it (a symlink beside it will do).
const CACHE = process.env.BENCH_BUILD_DIR ?? join(ROOT, 'node_modules/.cache');

export interface Built {
  firebreakMain: string;
  /** bench/postmortem-render.ts, built like Firebreak: the postmortem floor runs it. */
  postmortemRender: string;
  floor(name: 'sqlite-ingest' | 'store-then-post' | 'bolt-ack' | 'sdk-start'): string;
}

function tsc(project: string, outDir: string, extra: string[] = []): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project, '--outDir', outDir, ...extra],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

export async function build(): Promise<Built> {
  const firebreakOut = join(CACHE, 'firebreak-bench');
  const floorsOut = join(CACHE, 'firebreak-bench-floors');
  // Firebreak exactly as `npm run build` makes it for production; the floors stay plain tsc output, as a
  // service that does not bundle would run.
  const { bundle, bundleEntry } = await import('../scripts/bundle.mjs');
  const { main } = await bundle(firebreakOut);
  const postmortemRender = await bundleEntry(
    join(__dirname, 'postmortem-render.ts'),
    join(floorsOut, 'postmortem-render.js'),
  );
  tsc(join(ROOT, 'bench/floors/tsconfig.json'), floorsOut);
  return { firebreakMain: main, postmortemRender, floor: (name) => join(floorsOut, `${name}.js`) };
}
