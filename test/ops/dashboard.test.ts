import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-server';
import { useTestApp } from '../support/use-test-app';

const TOKEN = 'dashboard-check-token-of-32-or-more-chars';

describe('docs/grafana-dashboard.json', () => {
  const t = useTestApp({ env: { METRICS_TOKEN: TOKEN } });

  it('queries only metrics the server actually exports', async () => {
    await fetch(`${t.url}/trpc/system.version`);
    const exposition = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    const exported = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const dashboard = JSON.parse(
      readFileSync(join(REPO_ROOT, 'docs', 'grafana-dashboard.json'), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[] };
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const m of target.expr.matchAll(/\b((?:gatehouse|nodejs|process)_[a-z_]+)/g))
          queried.add((m[1] ?? '').replace(/_(bucket|sum|count)$/, ''));
      }
    }
    expect(queried.size).toBeGreaterThanOrEqual(8);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });
});
