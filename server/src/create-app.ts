import type { AnyRouter } from '@trpc/server';
import type { Logger } from 'pino';
import type { AppDeps } from './app-deps';
import { appRouter } from './app-router';
import type { Config } from './config';
import { createDatabase, type DatabaseHandle } from './db/create-database';
import { migrateToLatest, migrationStatus } from './db/migrator';
import { createRequestHandler, type RequestHandler } from './http/create-request-handler';
import { createServer } from './http/create-server';
import { createTrpcEndpoint } from './http/trpc-endpoint';
import { assertProcedurePolicies, listProcedures } from './pipeline/assert-procedure-policies';
import { createRateLimiter } from './ratelimit/rate-limiter';
import { VERSION } from './version';
import { createDevelopmentIndexRoute } from './openapi/development-index-route';
import { createDocsRoutes } from './openapi/docs-routes';
import { createMetrics } from './observability/metrics';
import { createMetricsRoute, metricsListener } from './observability/metrics-route';
import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createAttemptLimiter, type AttemptLimiter } from './auth/attempt-limiter';
import { createDeviceCookies } from './auth/device-cookie';
import { preloadCommonPasswords } from './auth/common-passwords';
import { createPasswordHasher } from './auth/password-hasher';
import { basicAuthRefusal } from './pipeline/basic-auth-refusal';
import { createSignInAdmission } from './http/sign-in-admission';
import { createAuditWriter } from './audit/audit-writer';
import { createAggregatedAudit } from './audit/aggregated-audit';
import { createKeyRing } from './crypto/key-ring';
import { createLogTransport, createSmtpTransport, type MailTransport } from './mail/mail-transport';
import { createOutboxSender } from './mail/outbox-sender';
import { offerBootstrapLink } from './admin/offer-bootstrap-link';
import { createBootstrapLinkRoute } from './admin/bootstrap-link-route';
import { createRedis } from './redis/create-redis';
import { createRedisRevocationBus } from './sessions/redis-revocation-bus';
import { createLocalRevocationBus } from './sessions/revocation-bus';
import { createSessionAuthenticator } from './sessions/session-authenticator';
import { createSessionService } from './sessions/session-service';
import { createApiKeyAuthenticator } from './api-keys/api-key-authenticator';
import { createExposedApiKeyRevoker } from './api-keys/exposed-api-key-revoker';
import { publicBaseUrl } from './auth/base-url';
import { createJwtAuthenticator } from './oauth/jwt-authenticator';
import { loadSigningKeys } from './oauth/signing-keys';
import { createTokenRevocations } from './oauth/token-revocations';
import { createExposedAccessTokenRevoker } from './oauth/exposed-access-token-revoker';
import { createJwksRoute, createTokenEndpoint } from './oauth/token-endpoint';
import { combineRevokers, createExposedSessionRevoker } from './sessions/exposed-session-revoker';
import { sweepRetention } from './db/retention-sweep';
import { systemResolver, type HostResolver } from './webhooks/host-resolver';
import { createWebhookClient } from './webhooks/webhook-client';
import { withWebhookOutbox } from './webhooks/webhook-outbox-sink';
import { createWebhookWorker } from './webhooks/webhook-worker';

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
  readonly server: Server;
  readonly handler: RequestHandler;
  listen(): Promise<AddressInfo>;
  /** Where the loopback-only metrics listener (METRICS_PORT) listens, once listening. */
  metricsAddress(): AddressInfo | undefined;
  /**
   * Once listening: with no administrator in the database, issues the
   * one-time first-admin link (PUBLIC_URL, else this listener's address) and
   * logs it (admin/offer-bootstrap-link.ts). Returns the link, or undefined.
   */
  offerBootstrapLink(address: AddressInfo): Promise<string | undefined>;
  /** Stops accepting, lets in-flight requests finish (bounded), closes the database. */
  close(): Promise<void>;
}

/** Thrown when an external database has migrations that were not applied. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: readonly string[]) {
    super(
      `the database has pending migrations: ${pending.join(', ')}; run \`npx -y pnpm@10 gatehouse migrate latest\` or start with --migrate`,
    );
    this.name = 'PendingMigrationsError';
  }
}

/** The composition root: builds every dependency once and wires the server. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config, log } = options;
  const router = options.router ?? appRouter;
  assertProcedurePolicies(router);

  const database = options.database ?? (await createDatabase(config.database, log));
  try {
    await prepareSchema(database, options.migrate === true || database.kind === 'pglite', log);
  } catch (err) {
    if (!options.database) await database.destroy();
    throw err;
  }

  const redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined;
  const keyRing = createKeyRing(config.encryptionKeys);
  const bus = redis
    ? createRedisRevocationBus(redis, log, config.redisKeyPrefix)
    : createLocalRevocationBus();
  // Cached sessions are safe only while revocations reach every instance at
  // once: pub/sub with Redis, or a single process on the embedded database.
  const cacheTtlMs = !config.auth.sessionCache
    ? 0
    : redis || database.kind === 'pglite'
      ? 10_000
      : 1_000;
  const sessions = createSessionService({
    db: database.db,
    idleMs: config.auth.sessionIdleMs,
    absoluteMs: config.auth.sessionAbsoluteMs,
    bus,
    cacheTtlMs,
  });
  preloadCommonPasswords();
  const passwords = await createPasswordHasher({ concurrency: config.auth.argon2Concurrency });
  const lockout = config.auth.loginLockoutSeconds;
  const attempts = (prefix: string, points: number, windowSeconds: number): AttemptLimiter =>
    createAttemptLimiter({
      prefix: `${config.redisKeyPrefix}:${prefix}`,
      points,
      windowSeconds,
      redis,
    });
  const transport =
    options.mailTransport ??
    (config.mail.smtpUrl
      ? createSmtpTransport(config.mail.smtpUrl, config.mail.from)
      : createLogTransport(log, { includeBody: config.env === 'development' }));
  // Audit events that are webhook events queue their deliveries in the same transaction.
  const audit = withWebhookOutbox(createAuditWriter());
  const metrics = createMetrics({
    procedures: listProcedures(router).map((p) => p.path),
    database,
  });
  // Refused uses of known key ids and replayed tokens: one audit row per key, reason and minute, with a count.
  const refusals = createAggregatedAudit({ audit, db: database.db, windowMs: 60_000 });
  const apiKeyAuthenticator = createApiKeyAuthenticator({ db: database.db, audit, log, refusals });
  const signingKeys = await loadSigningKeys({
    db: database.db,
    ring: keyRing,
    publishRetiredMs: (config.jwt.ttlSeconds + 60) * 1000,
  });
  const tokenSettings = {
    issuer: publicBaseUrl(config),
    audience: `${publicBaseUrl(config)}/trpc`,
    ttlSeconds: config.jwt.ttlSeconds,
  };
  // Tokens live ttl (+30 s skew): revocations and locks older than that no longer matter.
  const tokenRevocations = createTokenRevocations({
    db: database.db,
    windowMs: (config.jwt.ttlSeconds + 60) * 1000,
    bus,
  });
  await tokenRevocations.refresh();
  const outbox = createOutboxSender({ db: database.db, cipher: keyRing, transport, log });

  const deps: AppDeps = {
    config,
    log,
    database,
    db: database.db,
    version: VERSION,
    rateLimiter: createRateLimiter({
      limits: config.rateLimits,
      redisUrl: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      log,
    }),
    authenticators: [
      apiKeyAuthenticator,
      createJwtAuthenticator({
        keys: signingKeys,
        settings: tokenSettings,
        revocations: tokenRevocations,
        audit,
        db: database.db,
        refusals,
      }),
      createSessionAuthenticator(sessions),
      basicAuthRefusal,
    ],
    redis,
    keyRing,
    audit,
    auditRefusals: refusals,
    passwords,
    signInAdmission: createSignInAdmission(passwords),
    sessions,
    loginLimits: {
      account: attempts('login-account', config.auth.loginMaxFailuresPerAccount, lockout),
      ip: attempts('login-ip', config.auth.loginMaxFailuresPerIp, lockout),
      device: attempts('login-device', config.auth.loginMaxFailuresPerAccount, lockout),
    },
    deviceCookies: createDeviceCookies({
      keys: config.encryptionKeys,
      maxAgeSeconds: config.auth.loginDeviceCookieDays * 86_400,
    }),
    resetLimits: {
      email: attempts('reset-email', config.auth.passwordResetPerEmailPerHour, 3600),
      ip: attempts('reset-ip', config.auth.passwordResetPerIpPerHour, 3600),
    },
    // Under REDIS_KEY_PREFIX: deployments (and test runs) sharing one Redis keep their mail budgets apart.
    mailCap: createAttemptLimiter({
      prefix: `${config.redisKeyPrefix}:mail-recipient`,
      points: config.mail.perRecipientPerHour,
      windowSeconds: 3600,
      redis,
    }),
    outbox,
    metrics,
    tokenRevocations,
    exposedCredentialRevoker: combineRevokers([
      createExposedSessionRevoker({ sessions, audit, db: database.db }),
      createExposedApiKeyRevoker({ db: database.db, audit, tokenRevocations }),
      createExposedAccessTokenRevoker({
        db: database.db,
        audit,
        keys: signingKeys,
        settings: tokenSettings,
        tokenRevocations,
      }),
    ]),
  };
  outbox.start();
  const webhookSettings = config.webhooks;
  const webhooks = createWebhookWorker({
    db: database.db,
    cipher: keyRing,
    client: createWebhookClient({
      rules: { requireHttps: webhookSettings.requireHttps, allowHosts: webhookSettings.allowHosts },
      limits: {
        connectTimeoutMs: webhookSettings.connectTimeoutMs,
        headersTimeoutMs: webhookSettings.headersTimeoutMs,
        totalTimeoutMs: webhookSettings.totalTimeoutMs,
        maxResponseBytes: 4096,
      },
      resolve: options.webhookResolver ?? systemResolver,
    }),
    settings: webhookSettings,
    mail: deps,
    kickMail: () => outbox.kick(),
    log,
    onAttempt: (result) => metrics.webhookAttempt(result),
  });
  webhooks.start();
  const docs = createDocsRoutes({ router, version: VERSION, publicUrl: config.http.publicUrl });
  const oauth = createTokenEndpoint({
    deps,
    audit,
    apiKeys: apiKeyAuthenticator,
    keys: signingKeys,
    settings: tokenSettings,
  });
  const handler = createRequestHandler(deps, createTrpcEndpoint({ router, deps }), [
    docs,
    oauth,
    createJwksRoute(signingKeys),
    createBootstrapLinkRoute(),
    createMetricsRoute({
      metrics,
      token: config.metrics.token,
      separatePort: config.metrics.port !== undefined,
    }),
    ...(config.isDev ? [createDevelopmentIndexRoute()] : []),
  ]);
  const keyRefresh = setInterval(() => void signingKeys.refresh().catch(() => undefined), 60_000);
  keyRefresh.unref();
  // Another instance's revocation reaches this one's JWT check through the bus
  // at once, and from the database within 5 s (Redis down, a missed message).
  const revocationRefresh = setInterval(
    () => void tokenRevocations.refresh().catch(() => undefined),
    5_000,
  );
  revocationRefresh.unref();
  const refusalFlush = setInterval(
    () =>
      void refusals
        .flush()
        .catch((err: unknown) =>
          log.warn(
            { err: { message: (err as Error).message } },
            'writing aggregated refusals failed',
          ),
        ),
    60_000,
  );
  refusalFlush.unref();
  // Expired sessions and tokens, old sent mail and idempotent responses past
  // 24 hours: each instance sweeps them hourly (indexed, batched deletes).
  const retentionSweep = setInterval(() => void sweepRetention(database.db, log), 60 * 60_000);
  retentionSweep.unref();
  const server = createServer(config, handler);
  // METRICS_PORT: a separate listener bound to loopback only.
  const metricsServer =
    config.metrics.port !== undefined ? http.createServer(metricsListener(metrics)) : undefined;
  let closing: Promise<void> | undefined;

  return {
    deps,
    deliverWebhooks: () => webhooks.runOnce(),
    server,
    handler,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => {
          server.off('error', reject);
          if (!metricsServer) return resolve(server.address() as AddressInfo);
          metricsServer.once('error', reject);
          metricsServer.listen(config.metrics.port, '127.0.0.1', () =>
            resolve(server.address() as AddressInfo),
          );
        });
      }),
    offerBootstrapLink: (address) => {
      const host = address.address.includes(':') ? `[${address.address}]` : address.address;
      const base =
        config.http.publicUrl ?? `${config.http.tls ? 'https' : 'http'}://${host}:${address.port}`;
      return offerBootstrapLink(database.db, log, base);
    },
    metricsAddress: () =>
      metricsServer?.listening ? (metricsServer.address() as AddressInfo) : undefined,
    close: () => {
      closing ??= shutdown(server, handler, config.http.shutdownTimeoutMs, async () => {
        deps.rateLimiter.close();
        clearInterval(keyRefresh);
        clearInterval(revocationRefresh);
        clearInterval(refusalFlush);
        await refusals
          .flush({ all: true })
          .catch((err: unknown) =>
            log.warn(
              { err: { message: (err as Error).message } },
              'writing aggregated refusals failed',
            ),
          );
        clearInterval(retentionSweep);
        metricsServer?.close();
        await webhooks.stop();
        await outbox.stop();
        await bus.close();
        redis?.disconnect();
        if (!options.database) await database.destroy();
      });
      return closing;
    },
  };
}

async function prepareSchema(
  database: DatabaseHandle,
  migrate: boolean,
  log: Logger,
): Promise<void> {
  if (migrate) {
    const { error, results } = await migrateToLatest(database.db);
    for (const r of results ?? [])
      log.info({ migration: r.migrationName, status: r.status }, 'migration');
    if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
    return;
  }
  const { pending } = await migrationStatus(database.db);
  if (pending.length > 0) throw new PendingMigrationsError(pending);
}

async function shutdown(
  server: Server,
  handler: RequestHandler,
  timeoutMs: number,
  closeResources: () => Promise<void>,
): Promise<void> {
  handler.startDraining();
  // Stop listening without http.Server#close's sweep of idle keep-alive
  // sockets: a client may be writing its next request on one right now and
  // would get a reset. Every response from here on says Connection: close,
  // so each socket ends after its current (or next) answer.
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    net.Server.prototype.close.call(server, () => resolve());
  });
  const deadline = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), timeoutMs).unref(),
  );
  if ((await Promise.race([closed, deadline])) === 'timeout') server.closeAllConnections();
  await closed;
  await closeResources();
}
