// Jest global setup for the chaos proofs: build Firebreak once, as production runs it (`npm run build`'s
// bundle, on node), instead of every one of ~30 restarts transpiling TypeScript through tsx. On a 2-core
// machine that CPU is what the storm and the restarted replicas need. Inside node_modules/.cache so the
// build finds the project's dependencies and nothing lands in the work tree.
const { join } = require('node:path');

module.exports = async function compileOnce() {
  const root = join(__dirname, '../..');
  const { bundle } = await import(join(root, 'scripts/bundle.mjs'));
  const { main } = await bundle(join(root, 'node_modules/.cache/firebreak-chaos'));
  process.env.FIREBREAK_COMPILED_MAIN = main;
};
