/**
 * Renders docs/grafana-dashboard.png: the panels of docs/grafana-dashboard.json
 * drawn from metrics scraped off a real server under a little traffic, in
 * headless Chromium. Grafana itself is not installable here, so this draws
 * each panel's metric grouped by its `by (...)` label as bars.
 *
 *   pnpm exec tsx scripts/render-dashboard-preview.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { spawnServer } from '../test/support/spawn-server';

const ROOT = join(import.meta.dirname, '..');
const TOKEN = 'preview-metrics-token-with-32-characters!';

interface Panel {
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: { expr: string }[];
}

async function main(): Promise<void> {
  const server = await spawnServer({
    GATEHOUSE_DATA_DIR: 'memory://',
    METRICS_TOKEN: TOKEN,
    RATE_LIMIT_AUTH_PER_MINUTE: '20',
  });
  try {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    for (let i = 0; i < 6; i++)
      await post('auth.signUp', {
        email: `preview${i}@example.com`,
        password: 'a long enough passphrase',
      });
    const signIn = await post('auth.signIn', {
      email: 'preview0@example.com',
      password: 'a long enough passphrase',
    });
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    for (let i = 0; i < 30; i++) await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
    for (let i = 0; i < 40; i++) await fetch(`${server.url}/trpc/system.version`);
    for (let i = 0; i < 8; i++)
      await post('auth.signIn', { email: 'preview1@example.com', password: `wrong password ${i}` });
    for (let i = 0; i < 5; i++)
      await fetch(`${server.url}/trpc/admin.users.list?input=%7B%7D`, { headers: { cookie } });
    for (let i = 0; i < 5; i++)
      await fetch(`${server.url}/trpc/auth.me`, {
        headers: { cookie: 'gatehouse_session=forged' },
      });
    const org = (await (
      await post('orgs.create', { name: 'Preview' }, { cookie, origin: server.url })
    ).json()) as { result: { data: { id: string } } };
    for (let i = 0; i < 12; i++)
      await post(
        'projects.create',
        { orgId: org.result.data.id, name: `p${i}` },
        { cookie, origin: server.url },
      );
    const text = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();

    const samples = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)$/.exec(l);
        const labels: Record<string, string> = {};
        for (const x of (m?.[3] ?? '').matchAll(/(\w+)="([^"]*)"/g))
          labels[x[1] as string] = x[2] as string;
        return { name: m?.[1] ?? '', labels, value: Number(m?.[4]) };
      });
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, 'docs', 'grafana-dashboard.json'), 'utf8'),
    ) as { panels: Panel[] };
    const panels = dashboard.panels.map((p) => {
      const expr = p.targets[0]?.expr ?? '';
      const metric =
        /(gatehouse_\w+|nodejs_\w+|process_\w+)/.exec(expr)?.[1]?.replace(/_bucket$/, '_count') ??
        '';
      const by = /by \((\w+)\)/.exec(expr)?.[1];
      const series = new Map<string, number>();
      for (const s of samples.filter((x) => x.name === metric)) {
        const key = by ? (s.labels[by] ?? '') : metric;
        series.set(key, (series.get(key) ?? 0) + s.value);
      }
      return {
        title: p.title,
        gridPos: p.gridPos,
        metric,
        series: [...series].sort((a, b) => b[1] - a[1]).slice(0, 8),
      };
    });
    type DrawnPanel = (typeof panels)[number];
    const rowHtml = ([k, v]: DrawnPanel['series'][number], max: number): string =>
      `<div class="row"><div class="l">${k || '(all)'}</div>` +
      `<div class="b" style="width:${Math.max(2, (v / max) * 45)}%"></div>` +
      `<div class="v">${Number.isInteger(v) ? v : v.toPrecision(3)}</div></div>`;
    const panelHtml = (p: DrawnPanel): string => {
      const max = Math.max(1, ...p.series.map(([, v]) => v));
      const rows = p.series.map((s) => rowHtml(s, max)).join('');
      const { x, y, w, h } = p.gridPos;
      const place =
        `left:${(x / 24) * 100}%;top:${y * 34}px;` +
        `width:${(w / 24) * 100}%;height:${h * 34 - 6}px`;
      return (
        `<div class="panel" style="${place}"><div class="t">${p.title}</div>` +
        `<div class="m">${p.metric}</div>${rows}</div>`
      );
    };
    const when = new Date().toISOString().slice(0, 16);
    const heading = `<h1>Gatehouse — ${when}Z, scraped from a running server</h1>`;
    const grid = `<div class="grid">${panels.map(panelHtml).join('')}</div>`;
    const html = `<!doctype html><html><head><style>
      body{margin:0;background:#111217;font:12px Inter,Helvetica,Arial,sans-serif;color:#ccccdc}
      h1{font-size:16px;font-weight:500;margin:12px 16px}
      .grid{position:relative;margin:0 8px;height:${32 * 34}px}
      .panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;
        box-sizing:border-box;padding:8px 10px;overflow:hidden}
      .t{font-weight:500;color:#fff;margin-bottom:6px}
      .m{color:#8e8e9a;font-size:10px;margin-bottom:6px}
      .row{display:flex;align-items:center;margin:3px 0}
      .l{width:38%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
      .b{height:12px;background:#73bf69;margin-right:6px}
      .v{color:#fff}
    </style></head><body>${heading}${grid}</body></html>`;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1180 } });
      await page.setContent(html);
      await page.screenshot({ path: join(ROOT, 'docs', 'grafana-dashboard.png') });
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
}

await main();
