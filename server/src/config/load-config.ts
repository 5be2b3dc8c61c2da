import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config } from './config';
import { DEV_KEY_PREFIX, EnvSchema, type RawEnv } from './env-schema';
import { readIdentityProviders } from './identity-providers';

export type LoadConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly problems: readonly string[] };

const HOUR = 3_600_000;

/** A fixed key for development and tests only; production refuses it. */
function developmentKey(): { id: string; key: Buffer } {
  return {
    id: `${DEV_KEY_PREFIX}`,
    key: createHash('sha256').update('gatehouse development key').digest(),
  };
}

/**
 * Parses the environment into a frozen {@link Config}. Never throws: every
 * problem is collected so that one message can name them all.
 *
 * @example
 * const result = loadConfig({ PORT: '8080' });
 * if (!result.ok) console.error(result.problems.join('\n'));
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): LoadConfigResult {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;

  const parsed = EnvSchema.safeParse(cleaned);
  if (parsed.success) {
    const problems = crossChecks(parsed.data).map((p) => p.text);
    const idps = readIdentityProviders(parsed.data.IDENTITY_PROVIDERS, cleaned, {
      production: parsed.data.GATEHOUSE_ENV === 'production',
      publicBaseUrl: publicBaseOf(parsed.data),
    });
    problems.push(...idps.problems);
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      config: deepFreeze({ ...toConfig(parsed.data), identityProviders: idps.providers }),
    };
  }
  // Name every problem at once: the production checks run too, on the
  // variables that did parse (the bad ones fall back to their defaults for
  // this pass only, and checks about them are skipped).
  const problems = parsed.error.issues.map((issue) => describeIssue(issue, cleaned));
  const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const rest = Object.fromEntries(Object.entries(cleaned).filter(([k]) => !bad.has(k)));
  const fallback = EnvSchema.safeParse(rest);
  if (fallback.success) {
    for (const check of crossChecks(fallback.data))
      if (!check.about.some((k) => bad.has(k))) problems.push(check.text);
  }
  return { ok: false, problems };
}

function describeIssue(issue: z.core.$ZodIssue, env: Readonly<Record<string, string>>): string {
  const name = issue.path.join('.') || '(environment)';
  // zod 4 does not report the input: "required" only when the variable is absent.
  if (issue.code === 'invalid_type' && env[String(issue.path[0])] === undefined)
    return `${name} is required`;
  // Never echo the offending value: it may be a secret.
  const message =
    issue.code === 'invalid_value'
      ? `must be one of ${issue.values.map(String).join(', ')}`
      : issue.message;
  return message.startsWith('must ') ? `${name} ${message}` : `${name}: ${message}`;
}

interface CrossCheck {
  /** The variables the problem is about; skipped when one of them did not parse. */
  readonly about: readonly (keyof RawEnv)[];
  readonly text: string;
}

function crossChecks(e: RawEnv): CrossCheck[] {
  const problems: CrossCheck[] = [];
  const add = (about: readonly (keyof RawEnv)[], text: string): void => {
    problems.push({ about, text });
  };
  if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
    add(['TLS_CERT_FILE', 'TLS_KEY_FILE'], 'TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  }
  if (e.HTTP_REDIRECT_PORT !== undefined && e.TLS_CERT_FILE === undefined) {
    add(
      ['HTTP_REDIRECT_PORT', 'TLS_CERT_FILE'],
      'HTTP_REDIRECT_PORT: only meaningful with TLS_CERT_FILE/TLS_KEY_FILE',
    );
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    add(['METRICS_PORT', 'PORT'], 'METRICS_PORT: must differ from PORT');
  }
  if (e.GATEHOUSE_ENV === 'production') {
    if (e.TLS_CERT_FILE === undefined && e.TRUST_PROXY === undefined) {
      add(
        ['TLS_CERT_FILE', 'TLS_KEY_FILE', 'TRUST_PROXY'],
        'production: no TLS (TLS_CERT_FILE/TLS_KEY_FILE) and no TRUST_PROXY; ' +
          'refusing to serve credentials over plain HTTP',
      );
    }
    if (e.CORS_ORIGINS.includes('*'))
      add(['CORS_ORIGINS'], 'production: CORS_ORIGINS must list exact origins, not "*"');
    if (e.GATEHOUSE_ENCRYPTION_KEYS === undefined) {
      add(['GATEHOUSE_ENCRYPTION_KEYS'], 'production: GATEHOUSE_ENCRYPTION_KEYS is required');
    } else if (
      e.GATEHOUSE_ENCRYPTION_KEYS.some(
        (k) => k.id.startsWith(DEV_KEY_PREFIX) || k.key.equals(developmentKey().key),
      )
    ) {
      add(
        ['GATEHOUSE_ENCRYPTION_KEYS'],
        'production: GATEHOUSE_ENCRYPTION_KEYS holds a development key',
      );
    }
    if (e.DATABASE_URL === undefined)
      add(
        ['DATABASE_URL'],
        'production: DATABASE_URL is required (the embedded database is for development)',
      );
    if (e.LOG_LEVEL === 'debug' || e.LOG_LEVEL === 'trace') {
      add(
        ['LOG_LEVEL'],
        `production: LOG_LEVEL=${e.LOG_LEVEL} may log request details; use info or above`,
      );
    }
    if (e.METRICS_TOKEN === undefined && e.METRICS_PORT === undefined) {
      add(
        ['METRICS_TOKEN', 'METRICS_PORT'],
        'production: /metrics needs a guard: set METRICS_TOKEN or METRICS_PORT (loopback)',
      );
    }
  }
  // CORS_ORIGINS=* is tolerated outside production, but never combined with credentials (see
  // http/cors).
  return problems;
}

/** Where links and callbacks point: PUBLIC_URL, or this server's own address. */
function publicBaseOf(e: RawEnv): string {
  if (e.PUBLIC_URL) return e.PUBLIC_URL.replace(/\/+$/, '');
  return `${e.TLS_CERT_FILE ? 'https' : 'http'}://${e.HOST}:${e.PORT}`;
}

/**
 * Passkeys' relying party: WEBAUTHN_RP_ID, else PUBLIC_URL's host, else `localhost`; the
 * origins: WEBAUTHN_ORIGINS, else PUBLIC_URL's origin, else this server's own.
 */
function webauthnOf(e: RawEnv): Config['webauthn'] {
  const publicUrl = e.PUBLIC_URL ? new URL(e.PUBLIC_URL) : undefined;
  const origins = e.WEBAUTHN_ORIGINS?.filter((o) => o !== '*') ?? [];
  return {
    rpId: e.WEBAUTHN_RP_ID ?? publicUrl?.hostname ?? 'localhost',
    rpName: e.WEBAUTHN_RP_NAME,
    origins: origins.length > 0 ? origins : [new URL(publicBaseOf(e)).origin],
  };
}

function toConfig(e: RawEnv): Omit<Config, 'identityProviders'> {
  return {
    env: e.GATEHOUSE_ENV,
    isDev: e.GATEHOUSE_ENV === 'development',
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL,
      baseUrl: publicBaseOf(e),
      tls:
        e.TLS_CERT_FILE && e.TLS_KEY_FILE
          ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
          : undefined,
      redirectPort: e.HTTP_REDIRECT_PORT,
      trustProxy: e.TRUST_PROXY,
      corsOrigins: e.CORS_ORIGINS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      maxBatchSize: e.MAX_BATCH_SIZE,
      maxUrlLength: e.MAX_URL_LENGTH,
      maxJsonDepth: e.MAX_JSON_DEPTH,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      maxConcurrentPerIp: e.MAX_CONCURRENT_PER_IP,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      tlsHandshakeTimeoutMs: e.TLS_HANDSHAKE_TIMEOUT_MS,
    },
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      prepareThreshold: e.DATABASE_PREPARE_THRESHOLD,
      dataDir: e.GATEHOUSE_DATA_DIR,
    },
    redisUrl: e.REDIS_URL,
    webauthn: webauthnOf(e),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    encryptionKeys: e.GATEHOUSE_ENCRYPTION_KEYS ?? [developmentKey()],
    logLevel: e.LOG_LEVEL,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      perRecipientPerHour: e.MAIL_PER_RECIPIENT_PER_HOUR,
    },
    auth: {
      passwordMinLength: e.PASSWORD_MIN_LENGTH,
      sessionIdleMs: e.SESSION_IDLE_TIMEOUT_HOURS * HOUR,
      sessionAbsoluteMs: e.SESSION_ABSOLUTE_TIMEOUT_HOURS * HOUR,
      sessionCache: e.SESSION_CACHE,
      stepUpWindowMs: e.STEP_UP_WINDOW_MINUTES * 60_000,
      deletionGraceMs: e.ACCOUNT_DELETION_GRACE_DAYS * 24 * HOUR,
      argon2Concurrency: e.ARGON2_CONCURRENCY,
      loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginMaxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      loginLockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
      loginDeviceCookieDays: e.LOGIN_DEVICE_COOKIE_DAYS,
      passwordResetPerEmailPerHour: e.PASSWORD_RESET_PER_EMAIL_PER_HOUR,
      passwordResetPerIpPerHour: e.PASSWORD_RESET_PER_IP_PER_HOUR,
    },
    apiKeys: { maxDays: e.API_KEY_MAX_DAYS },
    webhooks: {
      requireHttps: e.GATEHOUSE_ENV === 'production',
      allowHosts: e.WEBHOOK_ALLOW_HOSTS,
      connectTimeoutMs: e.WEBHOOK_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: e.WEBHOOK_HEADERS_TIMEOUT_MS,
      totalTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryForMs: e.WEBHOOK_RETRY_FOR_SECONDS * 1000,
      concurrencyPerEndpoint: e.WEBHOOK_CONCURRENCY_PER_ENDPOINT,
      pollMs: e.WEBHOOK_POLL_MS,
    },
    jwt: { ttlSeconds: e.JWT_TTL_SECONDS },
    rateLimits: {
      ipPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
      principalPerMinute: e.RATE_LIMIT_PRINCIPAL_PER_MINUTE,
      auth: e.RATE_LIMIT_AUTH_PER_MINUTE,
      write: e.RATE_LIMIT_WRITE_PER_MINUTE,
      read: e.RATE_LIMIT_READ_PER_MINUTE,
      admin: e.RATE_LIMIT_ADMIN_PER_MINUTE,
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
