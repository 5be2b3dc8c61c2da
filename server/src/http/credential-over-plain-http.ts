import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { securityEvent } from '../observability/security-events';
import { parseCookies } from './parse-cookies';

/** A credential seen on the plain-HTTP listener: it crossed the network in clear text. */
export interface ExposedCredential {
  /** `session`: a session cookie; `bearer`: `Authorization: Bearer` (API key or JWT); `apiKey`: `X-API-Key`. */
  readonly kind: 'session' | 'bearer' | 'apiKey';
  /** Where it was found, e.g. `cookie:gatehouse_session`, `header:authorization`. */
  readonly source: string;
  /** The secret itself, for the revoker to look up; never logged. */
  readonly value: string;
}

/**
 * Revokes an exposed credential and audits the revocation. Supplied by the
 * owners of sessions and API keys (AppDeps.exposedCredentialRevoker); a
 * value it does not recognise is ignored.
 */
export type ExposedCredentialRevoker = (credential: ExposedCredential, request: { readonly ip: string; readonly requestId: string }) => Promise<void>;

const COOKIE_NAMES = ['gatehouse_session', '__Host-gatehouse_session'];

/** Every credential a request carries: session cookies, `Authorization: Bearer`, `X-API-Key`. */
export function findCredentials(req: IncomingMessage): ExposedCredential[] {
  const found: ExposedCredential[] = [];
  const cookies = parseCookies(req.headers.cookie);
  for (const name of COOKIE_NAMES) {
    const value = cookies[name];
    if (value) found.push({ kind: 'session', source: `cookie:${name}`, value });
  }
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer[ \t]+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
  if (bearer) found.push({ kind: 'bearer', source: 'header:authorization', value: bearer });
  const key = req.headers['x-api-key'];
  const keyValue = Array.isArray(key) ? key[0] : key;
  if (keyValue) found.push({ kind: 'apiKey', source: 'header:x-api-key', value: keyValue.trim() });
  return found;
}

/**
 * The hook for a credential that arrived over the plain-HTTP listener: it has
 * been exposed, so each one found is handed to the revoker (when one is
 * configured). Failures are logged, never thrown: the caller still refuses
 * the request. Returns how many credentials were found.
 */
export async function onCredentialOverPlainHttp(
  req: IncomingMessage,
  context: { readonly revoker: ExposedCredentialRevoker | undefined; readonly log: Logger; readonly ip: string; readonly requestId: string },
): Promise<number> {
  const found = findCredentials(req);
  for (const credential of found) {
    context.log.warn({ source: credential.source, kind: credential.kind, ip: context.ip }, 'credential sent over plain HTTP; revoking it');
    securityEvent(context.log, { type: 'credential.exposed', requestId: context.requestId, ip: context.ip, details: { source: credential.source, kind: credential.kind } });
    if (!context.revoker) continue;
    try {
      await context.revoker(credential, { ip: context.ip, requestId: context.requestId });
    } catch (err) {
      context.log.error({ err: { message: err instanceof Error ? err.message : String(err) }, source: credential.source }, 'revoking an exposed credential failed');
    }
  }
  return found.length;
}
