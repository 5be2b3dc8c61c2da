import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import type { DatabaseHandle } from './db/create-database';
import type { Authenticator } from './pipeline/authenticator';

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
}
