import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { generateToken, sha256 } from '../crypto/random-token';
import type { Database } from '../db/database';
import {
  adminExists,
  deleteBootstrapToken,
  replaceBootstrapToken,
} from './bootstrap-token-queries';

/** How long a first-administrator link works. */
export const BOOTSTRAP_TTL_MS = 3_600_000;

/**
 * At start-up: when no account is an administrator, mints a one-time token
 * (valid 1 hour, usable once, only its SHA-256 stored; replacing the one an
 * earlier start issued) and logs the link that carries it. The token exists
 * nowhere else. With an admin, removes any leftover token and logs nothing.
 * Returns the link, or undefined.
 *
 * @example
 * await offerBootstrapLink(db, log, 'https://api.example.com')
 * // log: { bootstrapUrl: 'https://api.example.com/bootstrap-admin#token=…' }
 * //      no administrator yet: …
 */
export async function offerBootstrapLink(
  db: Kysely<Database>,
  log: Logger,
  baseUrl: string,
): Promise<string | undefined> {
  const token = generateToken(32);
  const issued = await db.transaction().execute(async (trx) => {
    if (await adminExists(trx)) {
      await deleteBootstrapToken(trx);
      return false;
    }
    await replaceBootstrapToken(trx, sha256(token), new Date(Date.now() + BOOTSTRAP_TTL_MS));
    return true;
  });
  if (!issued) return undefined;
  // In the fragment: a browser never sends it, so it reaches no access log, proxy or Referer
  // (and the front door refuses credentials in a query string).
  const bootstrapUrl = `${baseUrl.replace(/\/+$/, '')}/bootstrap-admin#token=${token}`;
  log.warn(
    { bootstrapUrl },
    'no administrator yet: create the first one within 1 hour with this one-time link ' +
      '(auth.bootstrapAdmin with its token, an email and a password; see docs/operations.md). ' +
      'A restart issues a new link and voids this one',
  );
  return bootstrapUrl;
}
