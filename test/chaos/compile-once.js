// Jest global setup for the chaos proofs: compile Firebreak once, as production runs it (node on the
// compiled JavaScript), instead of every one of ~30 restarts transpiling TypeScript through tsx. On a
// 2-core machine that CPU is what the storm and the restarted replicas need. Inside node_modules/.cache so
// the compiled files find the project's dependencies and nothing lands in the work tree.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function compileOnce() {
  const root = join(__dirname, '../..');
  const outDir = join(root, 'node_modules/.cache/firebreak-chaos');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      outDir,
      '--tsBuildInfoFile',
      join(outDir, '.tsbuildinfo'),
    ],
    { cwd: root, stdio: 'inherit' },
  );
  process.env.FIREBREAK_COMPILED_MAIN = join(outDir, 'main.js');
};
