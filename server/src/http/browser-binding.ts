import { parseCookies } from '../http/parse-cookies';
import { generateToken, sha256 } from '../crypto/random-token';

const SECURE_NAME = '__Host-gatehouse_email_sign_in';
const PLAIN_NAME = 'gatehouse_email_sign_in';

/**
 * The browser that asked for a sign-in mail holds a random 256-bit value in a short-lived
 * HttpOnly cookie (`__Host-` over HTTPS); the mailed link and code are bound to its SHA-256.
 * The link signs in only that browser without asking; the code works only there.
 */
export interface BrowserBinding {
  /** The `Set-Cookie` to send, and the hash to store with the token. */
  readonly cookie: string;
  readonly hash: string;
}

export function bindBrowser(secure: boolean, maxAgeSeconds: number): BrowserBinding {
  const value = generateToken(32);
  return { cookie: serialize(value, secure, maxAgeSeconds), hash: hashOf(value) };
}

/** The hash of this request's binding cookie, if it carries one. */
export function boundBrowserHash(cookieHeader: string | undefined, secure: boolean): string | null {
  const value = parseCookies(cookieHeader)[secure ? SECURE_NAME : PLAIN_NAME];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? hashOf(value) : null;
}

/** `Set-Cookie` that ends the binding (after a sign-in that used it). */
export function clearBinding(secure: boolean): string {
  return serialize('', secure, 0);
}

function hashOf(value: string): string {
  return sha256(value).toString('hex');
}

function serialize(value: string, secure: boolean, maxAgeSeconds: number): string {
  const parts = [
    `${secure ? SECURE_NAME : PLAIN_NAME}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
