import { parseCookies } from './parse-cookies';
import { generateToken, sha256 } from '../crypto/random-token';

/**
 * A flow bound to the browser that started it (an email sign-in, an identity provider's
 * redirect, a passkey's challenge) gives that browser a random 256-bit value in a short-lived
 * HttpOnly cookie (`__Host-gatehouse_<purpose>` over HTTPS); the flow's stored token keeps
 * only its SHA-256.
 * Only that browser can finish the flow without being asked.
 */
export interface BrowserBinding {
  /** The `Set-Cookie` to send, and the hash to store with the token. */
  readonly cookie: string;
  readonly hash: string;
}

export type BindingPurpose = 'email_sign_in' | 'idp' | 'passkey';

const nameOf = (purpose: BindingPurpose, secure: boolean): string =>
  `${secure ? '__Host-' : ''}gatehouse_${purpose}`;

export function bindBrowser(
  purpose: BindingPurpose,
  secure: boolean,
  maxAgeSeconds: number,
): BrowserBinding {
  const value = generateToken(32);
  return {
    cookie: serialize(nameOf(purpose, secure), value, secure, maxAgeSeconds),
    hash: hashOf(value),
  };
}

/** The hash of this request's binding cookie for `purpose`, if it carries one. */
export function boundBrowserHash(
  purpose: BindingPurpose,
  cookieHeader: string | undefined,
  secure: boolean,
): string | null {
  const value = parseCookies(cookieHeader)[nameOf(purpose, secure)];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? hashOf(value) : null;
}

/** `Set-Cookie` that ends the binding (after the flow used it). */
export function clearBinding(purpose: BindingPurpose, secure: boolean): string {
  return serialize(nameOf(purpose, secure), '', secure, 0);
}

function hashOf(value: string): string {
  return sha256(value).toString('hex');
}

function serialize(name: string, value: string, secure: boolean, maxAgeSeconds: number): string {
  const parts = [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
