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

/**
 * Everything built once in the composition root (`create-app.ts`) and handed
 * to procedures through the context. Features add their services here.
 */
export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly database: DatabaseHandle;
  readonly db: Kysely<Database>;
  readonly version: string;
  /** Tried in order; the first that recognises a credential decides. */
  readonly authenticators: readonly Authenticator[];
  /** Per-IP (front door), per-principal and per-class (pipeline) request budgets. */
  readonly rateLimiter: RateLimiter;
  /** Revokes a session token or API key that arrived over the plain-HTTP listener; owners of sessions and API keys plug in here. */
  readonly exposedCredentialRevoker?: ExposedCredentialRevoker;
  /** Shared Redis connection when REDIS_URL is set. */
  readonly redis: Redis | undefined;
  /** Encrypts secrets at rest (AES-256-GCM under GATEHOUSE_ENCRYPTION_KEYS). */
  readonly keyRing: PayloadCipher;
  readonly audit: AuditSink;
  /** For refusals a caller can repeat at will: one audit row per kind and minute, with a count (audit/aggregated-audit.ts). */
  readonly auditRefusals: AggregatedAudit;
  readonly passwords: PasswordHasher;
  /** Sign-ins under way, against the hasher's capacity (refused on arrival when full). */
  readonly signInAdmission: SignInAdmission;
  readonly sessions: SessionService;
  /** Sign-in failures: per account (untrusted clients, every address), per IP (IPv6 /64), per device cookie (login-budget.ts). */
  readonly loginLimits: {
    readonly account: AttemptLimiter;
    readonly ip: AttemptLimiter;
    readonly device: AttemptLimiter;
  };
  /** Signs and checks the device cookie of browsers that signed in before. */
  readonly deviceCookies: DeviceCookies;
  readonly resetLimits: { readonly email: AttemptLimiter; readonly ip: AttemptLimiter };
  /** Mails per (kind, recipient) per hour, checked by every enqueue (mail/enqueue-mail.ts). */
  readonly mailCap: AttemptLimiter;
  readonly outbox: OutboxSender;
  readonly metrics: Metrics;
  /** Stops live JWTs of a revoked key without a database read per call (oauth/). */
  readonly tokenRevocations?: TokenRevocations;
}
