import type { IncomingMessage } from 'node:http';
import { carriesHeaderCredential } from './header-credential';
import { parseCookies } from './parse-cookies';

const SESSION_COOKIES = ['gatehouse_session', '__Host-gatehouse_session'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfGuardOptions {
  /** `CORS_ORIGINS`; `*` never counts as listed. */
  readonly allowlist: readonly string[];
  /** `PUBLIC_URL`: when set, the server's own origin; otherwise Host and scheme decide. */
  readonly publicUrl: string | undefined;
}

/** Why a request was refused, or undefined when it may pass. */
export type CsrfGuard = (req: IncomingMessage, secure: boolean) => 'CSRF_REJECTED' | undefined;

/**
 * CSRF for cookie-authenticated calls, before tRPC runs. A request carrying
 * the session cookie and neither `Authorization: Bearer` nor `X-API-Key`
 * (those are not ambient: a browser never adds them across sites without a
 * preflight) that is not GET/HEAD/OPTIONS must carry an `Origin` that is listed or is
 * the server's own. `Origin: null` and a missing `Origin` are refused (when
 * in doubt, refuse), and `Sec-Fetch-Site: cross-site|same-site` is refused
 * unless the origin is listed: a sibling subdomain is not us. Other
 * `Authorization` schemes exempt nothing: a browser attaches Basic, Digest
 * and Negotiate credentials by itself, to cross-site form posts too (a
 * Gatehouse behind a Basic-auth proxy or on an intranet with Windows
 * sign-in), and such a request is authenticated by its cookie.
 */
export function createCsrfGuard(options: CsrfGuardOptions): CsrfGuard {
  const listed = new Set(options.allowlist.filter((o) => o !== '*'));
  const fixedOwn = options.publicUrl ? new URL(options.publicUrl).origin : undefined;

  return function csrfGuard(req, secure) {
    if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined;
    if (!hasSessionCookie(req)) return undefined;
    // Exempt only because such a request is never authenticated by its cookie
    // (see header-credential.ts): a junk Bearer beside the cookie is refused
    // with the credential's reason, not served as the cookie's owner.
    if (carriesHeaderCredential(req.headers)) return undefined;

    const origin = req.headers.origin;
    if (typeof origin !== 'string' || origin === '' || origin === 'null') return 'CSRF_REJECTED';
    if (listed.has(origin)) return undefined;
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return 'CSRF_REJECTED';
    const own = fixedOwn ?? ownOrigin(req, secure);
    return own !== undefined && origin === own ? undefined : 'CSRF_REJECTED';
  };
}

function hasSessionCookie(req: IncomingMessage): boolean {
  const header = req.headers.cookie;
  if (!header) return false;
  const cookies = parseCookies(header);
  return SESSION_COOKIES.some((name) => (cookies[name] ?? '') !== '');
}

function ownOrigin(req: IncomingMessage, secure: boolean): string | undefined {
  const host = req.headers.host;
  if (!host) return undefined;
  try {
    return new URL(`${secure ? 'https' : 'http'}://${host}`).origin;
  } catch {
    return undefined;
  }
}
