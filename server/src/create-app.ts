import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AnyRouter } from '@trpc/server';
import type { Logger } from 'pino';
import type { AppDeps } from './app-deps';
import { appRouter } from './app-router';
import type { Config } from './config';
import type { DatabaseHandle } from './db/create-database';
import type { RequestHandler } from './http/create-request-handler';
import type { MailTransport } from './mail/mail-transport';
import { offerBootstrapLink } from './admin/offer-bootstrap-link';
import { createKeyRing } from './crypto/key-ring';
import { createMetrics } from './observability/metrics';
import { assertProcedurePolicies, listProcedures } from './pipeline/assert-procedure-policies';
import { VERSION } from './version';
import { accountSlice } from './composition/account-slice';
import { auditSlice } from './composition/audit-slice';
import { authSlice } from './composition/auth-slice';
import { busSlice } from './composition/bus-slice';
import { databaseSlice } from './composition/database-slice';
import { httpSlice } from './composition/http-slice';
import { membershipsSlice } from './composition/memberships-slice';
import { machineClientsSlice } from './composition/machine-clients-slice';
import { mailSlice } from './composition/mail-slice';
import { rateLimitSlice } from './composition/rate-limit-slice';
import { retentionSlice } from './composition/retention-slice';
import { sessionsSlice } from './composition/sessions-slice';
import { webhooksSlice } from './composition/webhooks-slice';
import type { HostResolver } from './webhooks/host-resolver';
import { createSliceStack, type SliceStack } from './composition/slice';

export { PendingMigrationsError } from './composition/database-slice';

export interface CreateAppOptions {
  readonly config: Config;
  readonly log: Logger;
  /** Apply pending migrations to an external database (the embedded one always migrates). */
  readonly migrate?: boolean;
  /** Use this database instead of opening one from the config (tests). */
  readonly database?: DatabaseHandle;
  /** Serve this router instead of the app's (tests of the pipeline itself). */
  readonly router?: AnyRouter;
  /** Deliver mail here instead of the configured transport (tests). */
  readonly mailTransport?: MailTransport;
  /** Resolve webhook hosts with this instead of the system resolver (tests: a stub). */
  readonly webhookResolver?: HostResolver;
}

export interface App {
  readonly deps: AppDeps;
  /** Delivers due webhooks now (tests and the bench; it also polls every WEBHOOK_POLL_MS). */
  deliverWebhooks(): Promise<number>;
  /** Builds pending exports and erases due accounts now (tests; it also runs every minute). */
  runAccountJobs(): Promise<{ exports: number; erased: number }>;
  readonly server: Server;
  readonly handler: RequestHandler;
  /** Opens the API listener, and the metrics and plain-HTTP redirect listeners when configured. */
  listen(): Promise<AddressInfo>;
  /** Where the loopback-only metrics listener (METRICS_PORT) listens, once listening. */
  metricsAddress(): AddressInfo | undefined;
  /** Where the plain-HTTP redirect listener (HTTP_REDIRECT_PORT) listens, once listening. */
  redirectAddress(): AddressInfo | undefined;
  /**
   * Once listening: with no administrator in the database, issues the
   * one-time first-admin link (PUBLIC_URL, else this listener's address) and
   * logs it (admin/offer-bootstrap-link.ts). Returns the link, or undefined.
   */
  offerBootstrapLink(address: AddressInfo): Promise<string | undefined>;
  /**
   * Closes every slice in reverse order of building: the listeners first
   * (in-flight requests finish, bounded), the database last.
   */
  close(): Promise<void>;
}

/**
 * The composition root: builds every dependency once, slice by slice
 * (composition/), and wires the server. A slice that fails to build closes
 * the ones before it.
 */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { log } = options;
  const router = options.router ?? appRouter;
  assertProcedurePolicies(router);
  const stack = createSliceStack();
  try {
    const app = await compose(options, router, stack);
    let closing: Promise<void> | undefined;
    return { ...app, close: () => (closing ??= stack.close()) };
  } catch (err) {
    await stack
      .close()
      .catch((closeErr: unknown) =>
        log.warn({ err: closeErr }, 'closing after a failed start-up failed'),
      );
    throw err;
  }
}

/** Builds the slices in order onto `slices`, and the app from them. */
async function compose(
  { config, log, migrate, database: given, mailTransport, webhookResolver }: CreateAppOptions,
  served: AnyRouter,
  slices: SliceStack,
): Promise<Omit<App, 'close'>> {
  const database = slices.add(
    await databaseSlice({ config, log, migrate: migrate === true, database: given }),
  );
  const { redis, bus } = slices.add(busSlice(config, log));
  const keyRing = createKeyRing(config.encryptionKeys);
  const metrics = createMetrics({
    procedures: listProcedures(served).map((p) => p.path),
    database: database.database,
  });
  const audit = slices.add(auditSlice(database.db, log));
  const mail = slices.add(
    mailSlice({ config, log, db: database.db, redis, keyRing, transport: mailTransport }),
  );
  const { webhooks } = slices.add(
    webhooksSlice({
      config,
      log,
      db: database.db,
      keyRing,
      mail,
      metrics,
      resolve: webhookResolver,
    }),
  );
  const sessions = slices.add(sessionsSlice(config, database, { redis }, bus));
  const auth = slices.add(await authSlice(config, { redis }));
  const { credentials, oauth } = slices.add(
    await machineClientsSlice({
      config,
      log,
      keyRing,
      bus,
      hasRedis: redis !== undefined,
      database,
      audit,
      sessions,
    }),
  );
  const memberships = slices.add(
    membershipsSlice(config, database.database.kind, redis !== undefined, bus),
  );
  const rateLimits = slices.add(rateLimitSlice(config, log));
  slices.add(retentionSlice(database.db, log));
  const core: Omit<AppDeps, 'accountJobs'> = {
    config,
    log,
    version: VERSION,
    metrics,
    keyRing,
    ...database,
    redis,
    ...audit,
    ...mail,
    ...sessions,
    ...auth,
    ...credentials,
    ...memberships,
    ...rateLimits,
  };
  const deps: AppDeps = { ...core, accountJobs: slices.add(accountSlice(core)) };
  const servers = slices.add(httpSlice(deps, served, oauth));
  return {
    deps,
    deliverWebhooks: () => webhooks.runOnce(),
    runAccountJobs: () => deps.accountJobs.runOnce(),
    ...servers,
    offerBootstrapLink: (address) => {
      const host = address.address.includes(':') ? `[${address.address}]` : address.address;
      const scheme = config.http.tls ? 'https' : 'http';
      const base = config.http.publicUrl ?? `${scheme}://${host}:${address.port}`;
      return offerBootstrapLink(database.db, log, base);
    },
  };
}
