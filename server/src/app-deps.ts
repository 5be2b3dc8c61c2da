import type { MembershipCache } from './orgs/membership-cache';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import type { DatabaseHandle } from './db/create-database';
import type { Redis } from 'ioredis';
import type { AttemptLimiter } from './auth/attempt-limiter';
import type { DeviceCookies } from './auth/device-cookie';
import type { PasswordHasher } from './auth/password-hasher';
import type { PayloadCipher } from './mail/mail-message';
import type { OutboxSender } from './mail/outbox-sender';
import type { AuditSink } from './pipeline/audit-sink';
import type { Authenticator } from './pipeline/authenticator';
import type { ExposedCredentialRevoker } from './http/credential-over-plain-http';
import type { RateLimiter } from './ratelimit/rate-limiter';
import type { SessionService } from './sessions/session-service';
import type { Metrics } from './observability/metrics';
import type { SignInAdmission } from './http/sign-in-admission';
import type { TokenRevocations } from './oauth/token-revocations';
import type { AggregatedAudit } from './audit/aggregated-audit';
import type { AccountJobs } from './account/account-jobs';
import type { ProviderClient } from './identity-providers/provider-clients';

/** The process: configuration, logging, metrics, encryption at rest. */
export interface CoreDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly version: string;
  readonly metrics: Metrics;
  /** Encrypts secrets at rest (AES-256-GCM under GATEHOUSE_ENCRYPTION_KEYS). */
  readonly keyRing: PayloadCipher;
}

/** The database (composition/database-slice.ts). */
export interface DatabaseDeps {
  readonly database: DatabaseHandle;
  readonly db: Kysely<Database>;
}

/** Redis, when REDIS_URL is set (composition/bus-slice.ts). */
export interface RedisDeps {
  /** Shared Redis connection when REDIS_URL is set. */
  readonly redis: Redis | undefined;
}

/** The audit trail (composition/audit-slice.ts). */
export interface AuditDeps {
  readonly audit: AuditSink;
  /**
   * For refusals a caller can repeat at will: one audit row per kind and
   * minute, with a count (audit/aggregated-audit.ts).
   */
  readonly auditRefusals: AggregatedAudit;
}

/** Outgoing mail (composition/mail-slice.ts). */
export interface MailDeps {
  readonly outbox: OutboxSender;
  /** Mails per (kind, recipient) per hour, checked by every enqueue (mail/enqueue-mail.ts). */
  readonly mailCap: AttemptLimiter;
}

/** Signed-in browsers (composition/sessions-slice.ts). */
export interface SessionDeps {
  readonly sessions: SessionService;
}

/** Sign-in, passwords and their budgets (composition/auth-slice.ts). */
export interface AuthDeps {
  readonly passwords: PasswordHasher;
  /** Sign-ins under way, against the hasher's capacity (refused on arrival when full). */
  readonly signInAdmission: SignInAdmission;
  /**
   * Sign-in failures: per account (untrusted clients, every address), per IP
   * (IPv6 /64), per device cookie (login-budget.ts).
   */
  readonly loginLimits: {
    readonly account: AttemptLimiter;
    readonly ip: AttemptLimiter;
    readonly device: AttemptLimiter;
  };
  /** Signs and checks the device cookie of browsers that signed in before. */
  readonly deviceCookies: DeviceCookies;
  readonly resetLimits: { readonly email: AttemptLimiter; readonly ip: AttemptLimiter };
  /** The configured identity providers (IDENTITY_PROVIDERS), by id. */
  readonly identityProviders: ReadonlyMap<string, ProviderClient>;
}

/** Who is calling: sessions, API keys, JWTs (composition/machine-clients-slice.ts). */
export interface CredentialDeps {
  /** Tried in order; the first that recognises a credential decides. */
  readonly authenticators: readonly Authenticator[];
  /** Stops live JWTs of a revoked key without a database read per call (oauth/). */
  readonly tokenRevocations: TokenRevocations;
  /**
   * Tells every instance (this one first) that these keys changed (a rotation, a revocation):
   * their cached copies are dropped (api-keys/api-key-cache.ts).
   */
  readonly apiKeysChanged: (ids: readonly string[]) => Promise<void>;
  /**
   * Revokes a session token, API key or access token that was exposed (sent
   * over plain HTTP, or in a URL).
   */
  readonly exposedCredentialRevoker: ExposedCredentialRevoker;
}

/** Who belongs to which org, cached per caller (composition/memberships-slice.ts). */
export interface MembershipDeps {
  readonly membershipCache: MembershipCache;
  /**
   * Tells every instance (this one first) that memberships changed: these users', or every
   * member's of these orgs. Called after the change's transaction committed.
   */
  readonly membershipsChanged: (change: {
    readonly userIds?: readonly string[];
    readonly orgIds?: readonly string[];
  }) => Promise<void>;
}

/** Account work off the request path: exports and due erasures (composition/account-slice.ts). */
export interface AccountDeps {
  readonly accountJobs: AccountJobs;
}

/** Request budgets (composition/rate-limit-slice.ts). */
export interface RateLimitDeps {
  /** Per-IP (front door), per-principal and per-class (pipeline) request budgets. */
  readonly rateLimiter: RateLimiter;
}

/**
 * Everything built once in the composition root (`create-app.ts`, one slice
 * per group under composition/) and handed to procedures through the context.
 * Features add their services to the group they belong to.
 */
export interface AppDeps
  extends
    CoreDeps,
    DatabaseDeps,
    RedisDeps,
    AuditDeps,
    MailDeps,
    SessionDeps,
    AuthDeps,
    CredentialDeps,
    MembershipDeps,
    RateLimitDeps,
    AccountDeps {}
