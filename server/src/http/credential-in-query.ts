import type { ExposedCredential } from './credential-over-plain-http';
import { credentialsInText } from './credentials-in-text';

/** Parameter names that say "credential", compared lower-case without `-`, `_` and `.`. */
const CREDENTIAL_PARAMS = new Set([
  'apikey',
  'key',
  'xapikey',
  'token',
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'jwt',
  'auth',
  'authorization',
  'bearer',
  'clientsecret',
  'secret',
  'session',
  'sessiontoken',
  'password',
]);

/** At most this many are handed to the revokers per request (each may cost a lookup). */
const MAX_FOUND = 8;

export interface CredentialInQuery {
  /**
   * Whether the query string must be refused (a credential-named parameter, or a credential-shaped
   * value).
   */
  readonly refused: boolean;
  /** The credentials of ours found in it, for revocation (the URL has been exposed). */
  readonly found: readonly ExposedCredential[];
}

/**
 * What the query string carries of credentials. URLs end up in proxy logs,
 * browser history and Referer headers, so a request is refused before
 * anything else runs when a parameter is named like a credential (whatever
 * it holds), or when any name or value holds something shaped like one of
 * ours (an API key with a valid checksum, a JWT, a session token), e.g.
 * `?q=gth_live_…` or inside tRPC's `input` JSON.
 */
export function credentialInQuery(search: string): CredentialInQuery {
  if (search === '') return { refused: false, found: [] };
  const found = credentialsInText(search, 'query').slice(0, MAX_FOUND);
  let named = false;
  for (const name of new URLSearchParams(search).keys())
    if (CREDENTIAL_PARAMS.has(name.toLowerCase().replace(/[-_.]/g, ''))) named = true;
  return { refused: named || found.length > 0, found };
}
