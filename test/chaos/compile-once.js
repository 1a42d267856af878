// Jest global setup for the chaos proofs: build Firebreak once, as production runs it (`npm run build`'s
// bundle, on node), instead of every one of ~30 restarts transpiling TypeScript through tsx. On a 2-core
// machine that CPU is what the storm and the restarted replicas need. Inside node_modules/.cache so the
// build finds the project's dependencies and nothing lands in the work tree; named after this checkout, so
// two checkouts sharing one node_modules (git worktrees) never rebuild each other's bundle mid-run.
const { createHash } = require('node:crypto');
const { join } = require('node:path');

module.exports = async function compileOnce() {
  const root = join(__dirname, '../..');
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 8);
  const { bundle } = await import(join(root, 'scripts/bundle.mjs'));
  const { main } = await bundle(join(root, `node_modules/.cache/firebreak-chaos-${checkout}`));
  process.env.FIREBREAK_COMPILED_MAIN = main;
};
