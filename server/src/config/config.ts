import type { IdentityProviderConfig } from './identity-providers';

/** The validated, frozen configuration every part of the server receives. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  /** Development only: stacks and internal messages may reach the client. */
  readonly isDev: boolean;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string | undefined;
    /** Where links and callbacks point: PUBLIC_URL without a trailing slash, else our own. */
    readonly baseUrl: string;
    readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
    readonly redirectPort: number | undefined;
    readonly trustProxy: { readonly hops: number; readonly cidrs: readonly string[] } | undefined;
    readonly corsOrigins: readonly string[];
    readonly bodyLimitBytes: number;
    readonly maxBatchSize: number;
    readonly maxUrlLength: number;
    readonly maxJsonDepth: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly shutdownTimeoutMs: number;
    readonly maxConcurrentPerIp: number;
    /** Open TCP connections per client address (IPv6: per /64); a trusted proxy is not counted. */
    readonly maxConnectionsPerIp: number;
    /** A TLS handshake not finished by then is cut off. */
    readonly tlsHandshakeTimeoutMs: number;
  };
  readonly database: {
    /** Unset: the embedded PGlite database under `dataDir`. */
    readonly url: string | undefined;
    readonly poolSize: number;
    /** PostgreSQL: a query text run this many times becomes a prepared statement; 0: never. */
    readonly prepareThreshold: number;
    readonly dataDir: string;
  };
  readonly redisUrl: string | undefined;
  /** Sign-in through identity providers (IDENTITY_PROVIDERS); empty: none. */
  readonly identityProviders: readonly IdentityProviderConfig[];
  /**
   * Passkeys (WebAuthn): the relying party (`rpId`, a host name; `rpName`, shown by the
   * authenticator) and the exact origins whose pages may use them.
   */
  readonly webauthn: {
    readonly rpId: string;
    readonly rpName: string;
    readonly origins: readonly string[];
  };
  /** Prefix of every Redis key, so deployments (or test runs) sharing one Redis keep apart. */
  readonly redisKeyPrefix: string;
  /** Newest first; the first one encrypts, all of them decrypt. */
  readonly encryptionKeys: readonly { readonly id: string; readonly key: Buffer }[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly metrics: { readonly token: string | undefined; readonly port: number | undefined };
  /** `perRecipientPerHour`: mails of one kind to one address per hour (enqueue-mail.ts). */
  readonly mail: {
    readonly smtpUrl: string | undefined;
    readonly from: string;
    readonly perRecipientPerHour: number;
  };
  readonly auth: {
    readonly passwordMinLength: number;
    readonly sessionIdleMs: number;
    readonly sessionAbsoluteMs: number;
    readonly sessionCache: boolean;
    readonly stepUpWindowMs: number;
    /** How long a requested account deletion waits (signing in cancels it); 0: erased at once. */
    readonly deletionGraceMs: number;
    readonly argon2Concurrency: number;
    readonly loginMaxFailuresPerAccount: number;
    readonly loginMaxFailuresPerIp: number;
    readonly loginLockoutSeconds: number;
    /**
     * Lifetime of the device cookie a browser gets on a successful sign-in (its own failure
     * budget).
     */
    readonly loginDeviceCookieDays: number;
    readonly passwordResetPerEmailPerHour: number;
    readonly passwordResetPerIpPerHour: number;
  };
  readonly apiKeys: { readonly maxDays: number };
  /** Outgoing webhooks (webhooks/): who may be reached, how long to wait, how long to retry. */
  readonly webhooks: {
    /** Production: only https endpoints. */
    readonly requireHttps: boolean;
    /** The only hosts allowed to resolve to loopback, private, link-local or CGNAT addresses. */
    readonly allowHosts: readonly string[];
    readonly connectTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly totalTimeoutMs: number;
    /** First retry delay; doubled per attempt (capped at 12 h), with full jitter. */
    readonly retryBaseMs: number;
    /** A delivery still failing this long after its event is given up. */
    readonly retryForMs: number;
    readonly concurrencyPerEndpoint: number;
    readonly pollMs: number;
  };
  readonly jwt: { readonly ttlSeconds: number };
  readonly rateLimits: {
    readonly ipPerMinute: number;
    readonly principalPerMinute: number;
    readonly auth: number;
    readonly write: number;
    readonly read: number;
    readonly admin: number;
  };
}
