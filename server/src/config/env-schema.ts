import { availableParallelism } from 'node:os';
import { z } from 'zod';

const DEV_KEY_PREFIX = 'dev';

/**
 * Password hashes at once when ARGON2_CONCURRENCY is unset: one core fewer
 * than the machine has, at least 1 and at most 3. argon2id is CPU-bound, so
 * hashing on every core would leave the event loop (every other request)
 * waiting for a core during a sign-in flood; and libuv's pool has four
 * threads, which DNS lookups and file I/O share.
 */
export const DEFAULT_ARGON2_CONCURRENCY = Math.min(3, Math.max(1, availableParallelism() - 1));

/**
 * A whole number from `min` to `max`, with one message that names the range
 * (zod's own would say "expected number, received NaN" for `PORT=abc`).
 */
function wholeNumber(min: number, max?: number): z.ZodCoercedNumber<unknown> {
  const message =
    max === undefined
      ? `must be a whole number of at least ${min}`
      : `must be a whole number from ${min} to ${max}`;
  const schema = z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message });
  return max === undefined ? schema : schema.max(max, { error: message });
}

/** A TCP port. 0 (any free port) is accepted for tests but not advertised. */
const PORT_MESSAGE = 'must be a whole number from 1 to 65535';
const port = z.coerce
  .number({ error: PORT_MESSAGE })
  .int({ error: PORT_MESSAGE })
  .min(0, { error: PORT_MESSAGE })
  .max(65535, { error: PORT_MESSAGE });
const positiveInt = wholeNumber(1);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `kid:base64(32 bytes)` pairs, comma separated, newest first. */
const encryptionKeys = z.string().transform((raw, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const sep = part.indexOf(':');
    const id = part.slice(0, sep);
    const key = Buffer.from(part.slice(sep + 1), 'base64');
    if (sep < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      ctx.addIssue({
        code: 'custom',
        message: 'each key must be "<id>:<base64 key>" with an id of [A-Za-z0-9_-]{1,32}',
      });
      return z.NEVER;
    }
    if (key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: `key "${id}" must be 32 bytes, base64-encoded` });
      return z.NEVER;
    }
    if (keys.some((k) => k.id === id)) {
      ctx.addIssue({ code: 'custom', message: `key id "${id}" is listed twice` });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    return z.NEVER;
  }
  return keys;
});

/** `TRUST_PROXY`: a hop count, or a comma-separated list of IPs/CIDRs. */
const trustProxy = z.string().transform((raw, ctx) => {
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return { hops: Number(trimmed), cidrs: [] as string[] };
  const cidrs = trimmed
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const c of cidrs) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(c)) {
      ctx.addIssue({ code: 'custom', message: `"${c}" is neither a hop count nor an IP/CIDR` });
      return z.NEVER;
    }
  }
  return { hops: 0, cidrs };
});

/**
 * `WEBHOOK_ALLOW_HOSTS`: host names or IP literals, comma separated,
 * lower-cased, brackets stripped.
 */
const hostList = z.string().transform((raw, ctx) => {
  const hosts = raw
    .split(',')
    .map((p) =>
      p
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    )
    .filter(Boolean);
  for (const h of hosts) {
    if (!/^[a-z0-9.:-]{1,253}$/.test(h)) {
      ctx.addIssue({ code: 'custom', message: `"${h}" is not a host name or IP address` });
      return z.NEVER;
    }
  }
  return hosts;
});

const origins = z.string().transform((raw, ctx) => {
  const list = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const o of list) {
    if (o === '*') continue;
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin (scheme://host[:port])` });
      return z.NEVER;
    }
    if (url.origin !== o) {
      ctx.addIssue({
        code: 'custom',
        message: `"${o}" is not an exact origin; write "${url.origin}"`,
      });
      return z.NEVER;
    }
  }
  return list;
});

/**
 * Every environment variable Gatehouse reads, with its default. The shape of
 * this object is documented in `.env.example` and the README.
 */
export const EnvSchema = z.object({
  GATEHOUSE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z
    .url({ error: 'must be an absolute URL such as https://api.example.com' })
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: wholeNumber(1, 200).default(10),
  DATABASE_PREPARE_THRESHOLD: wholeNumber(0, 1000).default(5),
  GATEHOUSE_DATA_DIR: z.string().min(1).default('.gatehouse'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9:_-]')
    .default('gatehouse'),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  HTTP_REDIRECT_PORT: port.optional(),
  TRUST_PROXY: trustProxy.optional(),
  CORS_ORIGINS: origins.default([]),
  GATEHOUSE_ENCRYPTION_KEYS: encryptionKeys.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: wholeNumber(1, 50 * 1024 * 1024).default(1024 * 1024),
  MAX_BATCH_SIZE: wholeNumber(1, 100).default(10),
  MAX_URL_LENGTH: wholeNumber(1, 65536).default(8192),
  MAX_JSON_DEPTH: wholeNumber(1, 256).default(32),
  HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  METRICS_PORT: port.optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Gatehouse <no-reply@localhost>'),
  MAIL_PER_RECIPIENT_PER_HOUR: positiveInt.default(5),
  PASSWORD_MIN_LENGTH: wholeNumber(8, 256).default(15),
  SESSION_IDLE_TIMEOUT_HOURS: positiveInt.default(24 * 10),
  SESSION_ABSOLUTE_TIMEOUT_HOURS: positiveInt.default(24 * 30),
  SESSION_CACHE: flag.default(true),
  STEP_UP_WINDOW_MINUTES: positiveInt.default(10),
  ACCOUNT_DELETION_GRACE_DAYS: wholeNumber(0, 90).default(7),
  /** A JSON array of identity providers (config/identity-providers.ts). */
  IDENTITY_PROVIDERS: z.string().optional(),
  /** Passkeys: the relying party's id (a host name: the site, or a parent domain of it). */
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]{1,253}$/, 'must be a lowercase host name such as example.com')
    .optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).max(64).default('Gatehouse'),
  /** The exact origins whose pages may create and use passkeys. */
  WEBAUTHN_ORIGINS: origins.optional(),
  API_KEY_MAX_DAYS: positiveInt.default(365),
  JWT_TTL_SECONDS: wholeNumber(1, 900).default(900),
  RATE_LIMIT_IP_PER_MINUTE: positiveInt.default(600),
  RATE_LIMIT_PRINCIPAL_PER_MINUTE: positiveInt.default(1200),
  RATE_LIMIT_AUTH_PER_MINUTE: positiveInt.default(30),
  RATE_LIMIT_WRITE_PER_MINUTE: positiveInt.default(300),
  RATE_LIMIT_READ_PER_MINUTE: positiveInt.default(1200),
  RATE_LIMIT_ADMIN_PER_MINUTE: positiveInt.default(120),
  MAX_CONCURRENT_PER_IP: positiveInt.default(64),
  MAX_CONNECTIONS_PER_IP: positiveInt.default(128),
  TLS_HANDSHAKE_TIMEOUT_MS: positiveInt.default(10_000),
  ARGON2_CONCURRENCY: wholeNumber(1, 64).default(DEFAULT_ARGON2_CONCURRENCY),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(50),
  LOGIN_LOCKOUT_SECONDS: positiveInt.default(900),
  LOGIN_DEVICE_COOKIE_DAYS: positiveInt.max(400).default(180),
  PASSWORD_RESET_PER_EMAIL_PER_HOUR: positiveInt.default(3),
  PASSWORD_RESET_PER_IP_PER_HOUR: positiveInt.default(20),
  WEBHOOK_ALLOW_HOSTS: hostList.default([]),
  WEBHOOK_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  WEBHOOK_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(15_000),
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(30_000),
  WEBHOOK_RETRY_FOR_SECONDS: positiveInt.default(3 * 86_400),
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: wholeNumber(1, 64).default(4),
  WEBHOOK_POLL_MS: positiveInt.default(1_000),
});

export type RawEnv = z.infer<typeof EnvSchema>;

export { DEV_KEY_PREFIX };
