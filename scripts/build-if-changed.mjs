// `npm start` runs the compiled build, as production does (`node dist/main.js` starts in well under a
// second; tsx would compile TypeScript on every start). This compiles first, but only when a source file
// or the build's configuration is newer than the last build, so a start without changes costs nothing and
// a start after an edit never runs stale code.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Stamped after each successful build: tsc leaves its own build info untouched when nothing changed.
const stamp = join(root, 'dist/.build-stamp');
const builtAt = mtime(stamp);

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

const inputs = Math.max(
  newestUnder(join(root, 'src')),
  ...['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => mtime(join(root, f))),
);
if (builtAt < 0 || inputs > builtAt) {
  console.error('firebreak: compiling src/ to dist/ (only when something changed)…');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
