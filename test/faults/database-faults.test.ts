// Faults 1 and 2: PostgreSQL restarted under write load; idle connections killed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI } from '../support/test-env';
import { load, type Outcome, sleep, startTenant, type Tenant, until } from './fault-fixture';
import { postgresBinDir, startThrowawayCluster, type Cluster } from './throwaway-cluster';

describe.runIf(postgresBinDir() !== undefined || IN_CI)(
  'database faults (own PostgreSQL cluster)',
  () => {
    let cluster: Cluster;
    let tenant: Tenant;
    beforeAll(async () => {
      cluster = await startThrowawayCluster();
      tenant = await startTenant({ DATABASE_URL: cluster.url, DATABASE_POOL_SIZE: '4' });
    });
    afterAll(async () => {
      await tenant?.server.stop();
      await cluster?.destroy();
    });

    const create = async (name: string): Promise<Outcome> => {
      const res = await fetch(`${tenant.server.url}/trpc/projects.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
        body: JSON.stringify({ orgId: tenant.orgId, name }),
      });
      const body = (await res.json()) as { error?: { data: { reason: string } } };
      return {
        status: res.status,
        name,
        ...(body.error ? { reason: body.error.data.reason } : {}),
      };
    };
    const ready = async (): Promise<number> => (await fetch(`${tenant.server.url}/readyz`)).status;

    it('1. PostgreSQL restart under write load: 503, back, no acked write lost', async () => {
      const stop = new AbortController();
      const readiness: number[] = [];
      let acknowledgedCount = 0;
      let failedCount = 0;
      const running = load(4, stop.signal, async (i) => {
        const outcome = await create(`load-${i}`);
        if (outcome.status === 200) acknowledgedCount++;
        else failedCount++;
        return outcome;
      });
      const probing = (async () => {
        while (!stop.signal.aborted) {
          readiness.push(await ready().catch(() => 0));
          await sleep(100);
        }
      })();
      // Each phase ends when its effect has been seen, however long that takes here.
      await until(() => acknowledgedCount >= 10, '10 writes acknowledged before the outage');
      await cluster.stop();
      await until(
        () => failedCount > 0 && readiness.includes(503),
        'the outage seen by a write and by /readyz',
      );
      await cluster.start();
      // Recovery needs no restart of the server: the pool reconnects by itself.
      let recovered = false;
      await until(
        async () => (recovered = (await create(`probe-${Date.now()}`)).status === 200),
        'a write to succeed after PostgreSQL is back',
      );
      const acknowledgedAtRecovery = acknowledgedCount;
      const readinessAtRecovery = readiness.length;
      await until(
        () =>
          acknowledgedCount >= acknowledgedAtRecovery + 10 &&
          readiness.slice(readinessAtRecovery).includes(200),
        'the load and /readyz to be served again',
      );
      stop.abort();
      const outcomes = await running;
      await probing;

      expect(tenant.server.process.exitCode, tenant.server.output.slice(-20).join('\n')).toBeNull();
      expect(recovered).toBe(true);
      const failures = outcomes.filter((o) => o.status !== 200);
      expect(failures.length).toBeGreaterThan(0); // the outage was seen
      for (const f of failures)
        expect(f, JSON.stringify(f)).toMatchObject({ status: 503, reason: 'SERVICE_UNAVAILABLE' });
      expect(readiness).toContain(503);
      expect(readiness.slice(readinessAtRecovery)).toContain(200);

      const acknowledged = outcomes.filter((o) => o.status === 200).map((o) => o.name ?? '');
      expect(acknowledged.length).toBeGreaterThan(10);
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(
          'select name from projects where name = any($1)',
          [acknowledged],
        );
        expect(new Set(rows.map((r) => r.name)).size).toBe(acknowledged.length);
      } finally {
        await client.end();
      }
    });

    it('2. idle connections killed by pg_terminate_backend: no crash', async () => {
      for (let i = 0; i < 8; i++) expect((await create(`warm-${i}`)).status).toBe(200);
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const { rowCount } = await client.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'postgres' " +
            "and pid <> pg_backend_pid() and backend_type = 'client backend'",
        );
        expect(rowCount).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
      await sleep(300);
      expect((await create('after-terminate')).status).toBe(200);
      expect(tenant.server.process.exitCode).toBeNull();
      expect(await ready()).toBe(200);
    });
  },
);
