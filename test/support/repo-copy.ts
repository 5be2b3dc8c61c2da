import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from './spawn-server';

/** A disposable copy of the checkout that shares its installed packages. */
export interface RepoCopy {
  readonly root: string;
  remove(): void;
}

/**
 * Mirrors one node_modules folder: links into the workspace (`@gatehouse/shared` →
 * `../../shared`) stay relative, so they reach the copy's packages; everything else links to
 * the installed package itself (no second install).
 */
function mirrorNodeModules(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) {
      const link = readlinkSync(source);
      const resolved = resolve(dirname(source), link);
      const inWorkspace =
        resolved.startsWith(REPO_ROOT) && !relative(REPO_ROOT, resolved).includes('node_modules');
      symlinkSync(inWorkspace ? link : realpathSync(source), target);
    } else if (stat.isDirectory() && entry.startsWith('@')) mirrorNodeModules(source, target);
    else symlinkSync(source, target);
  }
}

/** The workspace's package folders, as pnpm-workspace.yaml lists them. */
function workspacePackages(): string[] {
  const text = readFileSync(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\n((?:[ \t]+-[^\n]*\n)+)/m.exec(text)?.[1] ?? '';
  return [...block.matchAll(/^[ \t]+-[ \t]+['"]?([^'"\n]+?)['"]?[ \t]*$/gm)].map((m) => m[1] ?? '');
}

/**
 * The tracked (and untracked, not ignored) files of the checkout copied into a temporary
 * folder, with every package's node_modules mirrored: generated code can be written,
 * type-checked, linted and tested there without touching the real tree.
 */
export function copyRepo(prefix: string): RepoCopy {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(root, file));
  }
  for (const pkg of ['', ...workspacePackages()]) {
    const modules = join(REPO_ROOT, pkg, 'node_modules');
    if (existsSync(modules)) mirrorNodeModules(modules, join(root, pkg, 'node_modules'));
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Each file of a tree (not node_modules, .git, data, build output or test artifacts) with a hash
 * of its bytes: compare two to tell what a step created, changed or left alone.
 */
export function fileHashes(root: string): Map<string, string> {
  const skip = new Set(['node_modules', '.git', '.gatehouse', 'dist', 'test/artifacts']);
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (skip.has(entry.name) || skip.has(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        files.set(
          path,
          createHash('sha256')
            .update(readFileSync(join(root, path)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return files;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A child's output without terminal colour codes. */
export function plain(text: string): string {
  return text.replace(ANSI, '');
}
