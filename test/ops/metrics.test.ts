import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../server/src/observability/metrics';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';

const TOKEN = 'metrics-token-of-at-least-thirty-two-characters';

/** Parses the Prometheus text exposition format into samples. */
export function parseExposition(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`not exposition format: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[4]) });
  }
  return samples;
}

describe('GET /metrics with METRICS_TOKEN', () => {
  const t = useTestApp({ env: { METRICS_TOKEN: TOKEN } });

  it('refuses without the token or with a wrong one', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status,
    ).toBe(401);
  });

  it('is scraped with the token: every documented metric, bounded labels, no ids', async () => {
    const user = await signInUser(t.url, 'metrics@example.com');
    await user.trpc.auth.me.query();
    await fetch(`${t.url}/trpc/no.such.procedure`);
    await fetch(`${t.url}/some/random/path/${user.userId}`);
    await user.trpc.admin.users.list.query({}).catch(() => undefined);
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const samples = parseExposition(text);
    const names = new Set(samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of METRIC_NAMES) expect(names.has(name), name).toBe(true);
    const procedures = new Set(
      samples
        .filter((s) => s.name === 'gatehouse_http_requests_total')
        .map((s) => s.labels.procedure),
    );
    expect(procedures.has('auth.me')).toBe(true);
    expect(procedures.has('unknown')).toBe(true);
    expect(procedures.has('other')).toBe(true);
    expect(text).not.toContain(user.userId);
    expect(text).not.toContain('no.such.procedure');
    expect(
      samples.find(
        (s) => s.name === 'gatehouse_auth_outcomes_total' && s.labels.outcome === 'session',
      )?.value,
    ).toBeGreaterThan(0);
    expect(
      samples.find(
        (s) => s.name === 'gatehouse_authz_denials_total' && s.labels.permission === 'user:read',
      )?.value,
    ).toBeGreaterThan(0);
  });
});

describe('METRICS_PORT', () => {
  const t = useTestApp({ env: { METRICS_PORT: '0' } });

  it('serves metrics on a loopback-only listener and not on the public one', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    const address = t.app.metricsAddress();
    expect(address?.address).toBe('127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${address?.port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('gatehouse_http_requests_total');
  });
});
