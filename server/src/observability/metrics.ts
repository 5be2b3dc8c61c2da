import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/create-database';

/** Every metric the server exports (the Grafana dashboard in docs/ queries these names). */
export interface Metrics {
  readonly registry: Registry;
  /** One HTTP request finished; `procedures` empty for non-tRPC paths. */
  observeRequest(
    route: string,
    procedures: readonly string[],
    status: number,
    seconds: number,
  ): void;
  authOutcome(outcome: string): void;
  authzDenied(permission: string): void;
  rateLimited(rateClass: string): void;
  /** One webhook delivery attempt ended: succeeded, retrying, refused (SSRF rules) or given_up. */
  webhookAttempt(outcome: string): void;
}

export const METRIC_NAMES = [
  'gatehouse_http_requests_total',
  'gatehouse_http_request_duration_seconds',
  'gatehouse_auth_outcomes_total',
  'gatehouse_authz_denials_total',
  'gatehouse_rate_limit_rejections_total',
  'gatehouse_db_pool_connections',
  'gatehouse_webhook_deliveries_total',
  'gatehouse_webhook_queue_depth',
  'gatehouse_webhook_oldest_pending_seconds',
  'nodejs_eventloop_lag_seconds',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
] as const;

/**
 * Prometheus metrics with bounded label values: procedure paths come from
 * the router (anything else is `unknown`), routes from a fixed list, never
 * user ids or raw URLs.
 */
export function createMetrics(options: {
  procedures: readonly string[];
  database: DatabaseHandle;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const known = new Set(options.procedures);
  const requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests (one per tRPC call in a batch) by procedure or route and status',
    labelNames: ['procedure', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Request latency by procedure or route and status',
    labelNames: ['procedure', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const auth = new Counter({
    name: 'gatehouse_auth_outcomes_total',
    help:
      'Authentication outcomes per request: ' +
      'session, apiKey, jwt, anonymous, or the refusal reason',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const denials = new Counter({
    name: 'gatehouse_authz_denials_total',
    help: 'Authorization denials by permission',
    labelNames: ['permission'],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'gatehouse_rate_limit_rejections_total',
    help:
      'Rate-limit rejections by class ' +
      '(ip, read, write, auth, admin, concurrency, password_hashing)',
    labelNames: ['class'],
    registers: [registry],
  });
  new Gauge({
    name: 'gatehouse_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = options.database.poolStats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  const webhookAttempts = new Counter({
    name: 'gatehouse_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (succeeded, retrying, refused, given_up)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const o of ['succeeded', 'retrying', 'refused', 'given_up'])
    webhookAttempts.inc({ outcome: o }, 0);
  // Both read at scrape time, from one indexed query (the partial index on pending rows).
  const pending = async (): Promise<{ depth: number; oldest: number }> => {
    const { rows } = await sql<{ depth: string | number; oldest: string | number | null }>`
      select count(*) as depth, extract(epoch from now() - min(created_at)) as oldest
      from webhook_deliveries where status = 'pending'`.execute(options.database.db);
    return { depth: Number(rows[0]?.depth ?? 0), oldest: Number(rows[0]?.oldest ?? 0) };
  };
  new Gauge({
    name: 'gatehouse_webhook_queue_depth',
    help: 'Webhook deliveries not yet delivered nor given up',
    registers: [registry],
    async collect() {
      this.set((await pending().catch(() => ({ depth: 0 }))).depth);
    },
  });
  new Gauge({
    name: 'gatehouse_webhook_oldest_pending_seconds',
    help: 'Age of the oldest webhook delivery not yet delivered nor given up (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await pending().catch(() => ({ oldest: 0 }))).oldest);
    },
  });
  // Export every class from the start (a counter with no samples is invisible to dashboards).
  for (const c of ['ip', 'concurrency', 'read', 'write', 'auth', 'admin'])
    limited.inc({ class: c }, 0);
  const label = (p: string): string => (known.has(p) ? p : 'unknown');

  return {
    registry,
    observeRequest(route, procedures, status, seconds) {
      const code = String(status);
      if (procedures.length === 0) {
        requests.inc({ procedure: route, status: code });
        duration.observe({ procedure: route, status: code }, seconds);
        return;
      }
      for (const p of procedures) {
        requests.inc({ procedure: label(p), status: code });
        duration.observe({ procedure: label(p), status: code }, seconds);
      }
    },
    authOutcome: (outcome) => auth.inc({ outcome }),
    authzDenied: (permission) => denials.inc({ permission }),
    rateLimited: (rateClass) => limited.inc({ class: rateClass }),
    webhookAttempt: (outcome) => webhookAttempts.inc({ outcome }),
  };
}
