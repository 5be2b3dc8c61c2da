import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { securityEvent } from '../observability/security-events';
import { credentialsInText } from './credentials-in-text';
import { parseCookies } from './parse-cookies';

/** A credential seen on the plain-HTTP listener: it crossed the network in clear text. */
export interface ExposedCredential {
  /**
   * `session`: a session cookie; `bearer`: `Authorization: Bearer` (API key or JWT); `apiKey`:
   * `X-API-Key`.
   */
  readonly kind: 'session' | 'bearer' | 'apiKey';
  /** Where it was found, e.g. `cookie:gatehouse_session`, `header:authorization`, `url`, `body`. */
  readonly source: string;
  /** The secret itself, for the revoker to look up; never logged. */
  readonly value: string;
}

/**
 * Revokes an exposed credential and audits the revocation. Supplied by the
 * owners of sessions and API keys (AppDeps.exposedCredentialRevoker); a
 * value it does not recognise is ignored.
 */
export type ExposedCredentialRevoker = (
  credential: ExposedCredential,
  request: ExposureRequest,
) => Promise<void>;

/**
 * The request that exposed a credential; `cause` (default: sent over plain HTTP) goes into the
 * audit row.
 */
export interface ExposureRequest {
  readonly ip: string;
  readonly requestId: string;
  readonly cause?: string;
}

type ExposureContext = {
  readonly revoker: ExposedCredentialRevoker | undefined;
  readonly log: Logger;
  readonly ip: string;
  readonly requestId: string;
  readonly cause?: string;
};

const COOKIE_NAMES = ['gatehouse_session', '__Host-gatehouse_session'];
/** How much of a body a plain listener reads to look for credentials, and for how long at most. */
export const PLAIN_BODY_SCAN_BYTES = 16 * 1024;
export const PLAIN_BODY_SCAN_MS = 2_000;

/** At most this many candidates per request are handed to the revokers (each may cost a lookup). */
const MAX_CANDIDATES = 16;

/**
 * Every credential a request carries, wherever it sits: the session cookies,
 * `Authorization` (Bearer, and both halves of Basic — the client-credentials
 * grant's form), `X-API-Key`, and anything shaped like one of our
 * credentials in the URL (any parameter name, the path), in any other header
 * or in the body (a form's `client_secret`, a JSON member) as far as the
 * caller read it.
 */
export function findCredentials(req: IncomingMessage, body = ''): ExposedCredential[] {
  const found: ExposedCredential[] = [];
  const seen = new Set<string>();
  const add = (credential: ExposedCredential): void => {
    if (credential.value === '' || seen.has(credential.value) || found.length >= MAX_CANDIDATES)
      return;
    seen.add(credential.value);
    found.push(credential);
  };
  const cookies = parseCookies(req.headers.cookie);
  for (const name of COOKIE_NAMES) {
    const value = cookies[name];
    if (value) add({ kind: 'session', source: `cookie:${name}`, value });
  }
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer[ \t]+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
  if (bearer) add({ kind: 'bearer', source: 'header:authorization', value: bearer });
  for (const half of basicHalves(auth))
    add({ kind: 'bearer', source: 'header:authorization:basic', value: half });
  const key = req.headers['x-api-key'];
  const keyValue = Array.isArray(key) ? key[0] : key;
  if (keyValue) add({ kind: 'apiKey', source: 'header:x-api-key', value: keyValue.trim() });
  for (const credential of credentialsInText(req.url ?? '', 'url')) add(credential);
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? ''])
      for (const credential of credentialsInText(v, `header:${name}`)) add(credential);
  }
  if (body !== '') for (const credential of credentialsInText(body, 'body')) add(credential);
  return found;
}

/** Both halves of `Authorization: Basic` (RFC 7617; form-decoded as RFC 6749 §2.3.1 sends them). */
function basicHalves(header: string | undefined): string[] {
  const m = typeof header === 'string' ? /^Basic[ \t]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!m?.[1]) return [];
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const halves = colon < 0 ? [decoded] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return halves.flatMap((h) => {
    try {
      const unformed = decodeURIComponent(h.replace(/\+/g, ' '));
      return unformed === h ? [h] : [h, unformed];
    } catch {
      return [h];
    }
  });
}

/**
 * The hook for a credential that arrived over the plain-HTTP listener: it has
 * been exposed, so each one found is handed to the revoker (when one is
 * configured). Failures are logged, never thrown: the caller still refuses
 * the request. Returns how many credentials were found.
 */
export async function onCredentialOverPlainHttp(
  req: IncomingMessage,
  context: ExposureContext,
  body = '',
): Promise<number> {
  return revokeExposed(findCredentials(req, body), context);
}

/**
 * Hands each exposed credential to the revoker; logs (never throws) a failure. Returns how many
 * there were.
 */
export async function revokeExposed(
  found: readonly ExposedCredential[],
  context: ExposureContext,
): Promise<number> {
  for (const credential of found) {
    context.log.warn(
      { source: credential.source, kind: credential.kind, ip: context.ip },
      `credential ${context.cause ?? 'sent over plain HTTP'}; revoking it`,
    );
    securityEvent(context.log, {
      type: 'credential.exposed',
      requestId: context.requestId,
      ip: context.ip,
      details: { source: credential.source, kind: credential.kind },
    });
    if (!context.revoker) continue;
    try {
      await context.revoker(credential, {
        ip: context.ip,
        requestId: context.requestId,
        ...(context.cause !== undefined ? { cause: context.cause } : {}),
      });
    } catch (err) {
      context.log.error(
        {
          err: { message: err instanceof Error ? err.message : String(err) },
          source: credential.source,
        },
        'revoking an exposed credential failed',
      );
    }
  }
  return found.length;
}
