import type { Meta } from '../pipeline/meta';
import type { JsonSchema } from './json-schema-collector';

/** How a caller proves who it is (see sessions/, api-keys/, oauth/). */
export const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-gatehouse_session',
    description:
      'The session cookie set by auth.signIn over HTTPS. Cookie-authenticated mutations must ' +
      'also send an allowed Origin header (CSRF).',
  },
  sessionCookiePlainHttp: {
    type: 'apiKey',
    in: 'cookie',
    name: 'gatehouse_session',
    description: 'The same session cookie over plain HTTP (development only).',
  },
  bearerApiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'Gatehouse API key',
    description: 'An API key (apiKeys.create) as a bearer token. Never in the query string.',
  },
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A short-lived access token (RFC 9068) from POST /oauth/token with the client ' +
      'credentials grant.',
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key in the X-API-Key header.',
  },
};

const SESSION_ONLY = [{ sessionCookie: [] }, { sessionCookiePlainHttp: [] }];
const ANY_CREDENTIAL = [
  ...SESSION_ONLY,
  { bearerApiKey: [] },
  { bearerJwt: [] },
  { apiKeyHeader: [] },
];

/**
 * A procedure's security requirement, from its meta: none for public ones;
 * step-up ones need a recent interactive proof, which only a session has
 * (pipeline/procedure.ts); the rest take any credential.
 */
export function securityFor(meta: Meta | undefined): JsonSchema[] {
  if (meta?.public === true) return [];
  return meta?.stepUp === true ? SESSION_ONLY : ANY_CREDENTIAL;
}
