import { spawnSync } from 'node:child_process';

/**
 * Finds wrk, installing Debian's package when it is missing and we may
 * (root with apt-get); otherwise says how to get it.
 */
export function ensureWrk(): string {
  const found = (): boolean =>
    spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
  if (found()) return 'wrk';
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error === undefined;
  if (isRoot && hasApt) {
    process.stderr.write('bench: wrk is missing; installing it with apt-get\n');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
    if (found()) return 'wrk';
  }
  throw new Error(
    'wrk is not installed: run `sudo apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`',
  );
}
