import type { IncomingHttpHeaders } from 'node:http';

const BEARER = /^bearer(?:\s|$)/i;

/**
 * Whether the request presents a credential in a header a browser never adds
 * across sites by itself: `Authorization: Bearer …` (any value, junk
 * included) or an `X-API-Key` header (even empty). Such a request is
 * authenticated by that header or not at all: the session cookie beside it
 * is never consulted (create-context-factory.ts), which is what makes its
 * CSRF exemption (csrf.ts) safe. Both read this one predicate.
 */
export function carriesHeaderCredential(headers: IncomingHttpHeaders): boolean {
  return BEARER.test(headers.authorization ?? '') || headers['x-api-key'] !== undefined;
}
