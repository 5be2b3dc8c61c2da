const CREDENTIAL_PARAMS = new Set(['api_key', 'apikey', 'key', 'token', 'access_token', 'x-api-key']);

/**
 * Whether the query string carries something named like a credential. URLs
 * end up in proxy logs, browser history and Referer headers, so such a
 * request is refused before anything else runs, whatever it holds.
 */
export function hasCredentialInQuery(search: string): boolean {
  if (search === '') return false;
  for (const name of new URLSearchParams(search).keys()) if (CREDENTIAL_PARAMS.has(name.toLowerCase())) return true;
  return false;
}
