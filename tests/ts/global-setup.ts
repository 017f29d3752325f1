/**
 * Once before the TypeScript tests: the CLI bundle (dist/aviary.js), which the tests that run
 * `aviary` as a real process start, is rebuilt when a source file is newer than it, so those
 * tests never run yesterday's code. `npm ci` builds it anyway; this costs a few seconds at most.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(): void {
  const bundle = join(root, 'dist/aviary.js');
  const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (newestIn(join(root, 'src')) > built || newestIn(join(root, 'scripts')) > built) {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli'], { cwd: root, stdio: 'inherit' });
  }
}

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}
