import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import type { DatabaseHandle } from './db/create-database';
import type { Authenticator } from './pipeline/authenticator';
import type { ExposedCredentialRevoker } from './http/credential-over-plain-http';
import type { RateLimiter } from './ratelimit/rate-limiter';

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
}
