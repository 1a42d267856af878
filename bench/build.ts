// Compiles Firebreak and the floors with tsc, once per bench run, so both run as production runs
// Firebreak: node on JavaScript, no TypeScript loader in the process (it would cost start time and memory
// that production never pays). Inside node_modules/.cache, like test/chaos/compile-once.js, so the compiled
// files find the project's dependencies and nothing lands in the work tree.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'node_modules/.cache');

export interface Built {
  firebreakMain: string;
  floor(name: 'sqlite-ingest' | 'store-then-post' | 'bolt-ack' | 'sdk-start'): string;
}

function tsc(project: string, outDir: string, extra: string[] = []): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project, '--outDir', outDir, ...extra],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

export function build(): Built {
  const firebreakOut = join(CACHE, 'firebreak-bench');
  const floorsOut = join(CACHE, 'firebreak-bench-floors');
  // The build is incremental; its record of what was emitted must be this output's, not dist/'s.
  tsc(join(ROOT, 'tsconfig.build.json'), firebreakOut, ['--tsBuildInfoFile', join(firebreakOut, '.tsbuildinfo')]);
  tsc(join(ROOT, 'bench/floors/tsconfig.json'), floorsOut);
  return { firebreakMain: join(firebreakOut, 'main.js'), floor: (name) => join(floorsOut, `${name}.js`) };
}
