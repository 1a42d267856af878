// `npm start` runs the production build, as production does (`node dist/main.js`, one bundled file that
// starts in half a second; tsx would compile TypeScript on every start). This builds first, but only when a
// source file or the build's configuration is newer than the last build, so a start without changes costs
// nothing and a start after an edit never runs stale code.
import { statSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';

const root = join(import.meta.dirname, '..');
const stamp = join(root, 'dist/.build-stamp');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function newestUnder(dir) {
  let newest = mtime(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : mtime(path));
  }
  return newest;
}

const builtAt = Math.min(mtime(stamp), mtime(join(root, 'dist/main.js')), mtime(join(root, 'dist/sandbox.js')));
const inputs = Math.max(
  newestUnder(join(root, 'src')),
  ...['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/bundle.mjs'].map((f) => mtime(join(root, f))),
);
if (builtAt < 0 || inputs > builtAt) {
  console.error('firebreak: building dist/ (only when something changed)…');
  await bundle(join(root, 'dist'));
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
