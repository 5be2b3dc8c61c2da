export const SECURE_COOKIE = '__Host-gatehouse_session';
export const PLAIN_COOKIE = 'gatehouse_session';

/** The cookie name for this transport: the `__Host-` prefix only over HTTPS. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE : PLAIN_COOKIE;
}

/**
 * The token from the cookie that matches the transport. A plain-HTTP cookie
 * is ignored on HTTPS (it could have been planted by a network attacker).
 */
export function readSessionCookie(
  cookies: Readonly<Record<string, string>>,
  secure: boolean,
): string | undefined {
  return cookies[sessionCookieName(secure)];
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS. */
export function serializeSessionCookie(
  token: string,
  options: { secure: boolean; maxAgeSeconds: number },
): string {
  const parts = [
    `${sessionCookieName(options.secure)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** `Set-Cookie` that deletes the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return serializeSessionCookie('', { secure, maxAgeSeconds: 0 });
}
