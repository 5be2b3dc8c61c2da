/**
 * Where the frontend goes after a provider's sign-in: a path on the frontend's own origin,
 * never another site (an open redirect would hand the signed-in browser to an attacker's
 * page). `/settings?tab=1` passes; `https://evil.example`, `//evil.example`, `/\evil.example`
 * and anything with a scheme, control characters or backslashes fall back to `/`.
 */
export function safeReturnTo(value: string | undefined): string {
  if (value === undefined) return '/';
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(value) || /[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  if (value.length > 512) return '/';
  try {
    const resolved = new URL(value, 'https://frontend.invalid');
    if (resolved.origin !== 'https://frontend.invalid') return '/';
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return '/';
  }
}
