import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-server';

const lockfile = readFileSync(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8');
const workspace = readFileSync(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8');

function workspaceList(key: string): string[] {
  const m = new RegExp(`${key}:\\n((?:\\s+- .+\\n?)+)`).exec(workspace);
  return (m?.[1] ?? '')
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s*-\s*/, '')
        .replace(/^'(.*)'$/, '$1')
        .trim(),
    )
    .filter(Boolean);
}

const allowlist = (): string[] => workspaceList('onlyBuiltDependencies');

describe('supply chain', () => {
  it('resolves every package from the npm registry: no tarball, git or file deps', () => {
    const tarballs = [...lockfile.matchAll(/tarball: ([^\s,}]+)/g)].map((m) => m[1] ?? '');
    expect(tarballs.filter((u) => !u.startsWith('https://registry.npmjs.org/'))).toEqual([]);
    expect(lockfile).not.toMatch(
      /(git\+|github:|codeload\.github|resolution: \{directory|(?<![A-Za-z])file:)/,
    );
    const links = [...lockfile.matchAll(/version: (link:[^\s]+)/g)].map((m) => m[1] ?? '');
    expect(
      links.every((l) => /^link:\.\.\/(server|client|shared|migrations|test|bench)$/.test(l)),
    ).toBe(true);
    // Every resolved package is pinned by an integrity hash.
    const resolutions = [...lockfile.matchAll(/resolution: \{([^}]*)\}/g)].map((m) => m[1] ?? '');
    expect(resolutions.length).toBeGreaterThan(100);
    expect(resolutions.every((r) => r.includes('integrity: sha512-'))).toBe(true);
  });

  it('runs install scripts only for the packages allowlisted in pnpm-workspace.yaml', () => {
    const allowed = new Set(allowlist());
    expect([...allowed]).toEqual(['esbuild']);
    const store = join(REPO_ROOT, 'node_modules', '.pnpm');
    const withScripts = new Set<string>();
    for (const entry of readdirSync(store)) {
      let dirs: string[];
      try {
        dirs = readdirSync(join(store, entry, 'node_modules'));
      } catch {
        continue;
      }
      for (const scope of dirs) {
        const names = scope.startsWith('@')
          ? readdirSync(join(store, entry, 'node_modules', scope)).map((n) => `${scope}/${n}`)
          : [scope];
        for (const name of names) {
          try {
            const pkg = JSON.parse(
              readFileSync(join(store, entry, 'node_modules', name, 'package.json'), 'utf8'),
            ) as { name?: string; scripts?: Record<string, string> };
            if (
              pkg.scripts &&
              ['preinstall', 'install', 'postinstall'].some((s) => s in (pkg.scripts ?? {}))
            )
              withScripts.add(pkg.name ?? name);
          } catch {
            // not a package directory
          }
        }
      }
    }
    // pnpm 10 blocks every other package's install scripts, and records each one it blocked.
    const modules = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules', '.modules.yaml'), 'utf8'),
    ) as { ignoredBuilds?: string[] };
    // ignoredBuiltDependencies: the ones we decided not to build (no "Ignored build scripts" box).
    const blocked = new Set([
      ...(modules.ignoredBuilds ?? []).map((b) => b.replace(/@[^@]+$/, '')),
      ...workspaceList('ignoredBuiltDependencies'),
    ]);
    expect(workspaceList('ignoredBuiltDependencies')).toEqual(['@scarf/scarf']);
    const unexpected = [...withScripts].filter((n) => !allowed.has(n) && !blocked.has(n));
    expect(unexpected).toEqual([]);
    // e.g. swagger-ui-dist's telemetry postinstall
    expect([...withScripts].some((n) => blocked.has(n))).toBe(true);
  });
});
