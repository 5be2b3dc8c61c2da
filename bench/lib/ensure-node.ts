import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CACHE = fileURLToPath(new URL('../.node/', import.meta.url));

/**
 * The Node.js binary `--node` names: a path as given, or a major version
 * installed from the npm registry's `node` package (which ships the
 * official binaries) into bench/.node/<major> on first use.
 */
export function ensureNode(spec: string | undefined): string {
  if (spec === undefined) return process.execPath;
  if (!/^\d+$/.test(spec)) {
    if (!existsSync(spec)) throw new Error(`--node ${spec}: no such file`);
    return spec;
  }
  const prefix = `${CACHE}${spec}`;
  const binary = `${prefix}/node_modules/node/bin/node`;
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    process.stderr.write(`bench: installing node@${spec} from the npm registry into ${prefix}\n`);
    const npm = spawnSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--prefix', prefix, `node@${spec}`],
      { stdio: 'inherit' },
    );
    if (npm.status !== 0 || !existsSync(binary))
      throw new Error(`could not install node@${spec} (npm exited with ${npm.status})`);
  }
  return binary;
}

/** `v24.1.0` for a binary. */
export function nodeVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return out.stdout.trim() || 'unknown';
}
