import type { Authenticator } from './authenticator';

const BASIC = /^basic\s/i;

/**
 * The last authenticator: HTTP Basic is never a credential on `/trpc` (only
 * at `/oauth/token`). When nothing before it recognised a credential and the
 * request carries `Authorization: Basic`, the caller is told to use a bearer
 * key instead of being treated as silently anonymous. Beside a session cookie
 * it is never reached: a browser behind a Basic-auth proxy sends both, and the
 * cookie (CSRF-checked, since Basic is ambient) authenticates.
 */
export const basicAuthRefusal: Authenticator = (req) =>
  Promise.resolve(
    BASIC.test(req.headers.authorization ?? '')
      ? { error: 'BASIC_AUTH_UNSUPPORTED' as const }
      : undefined,
  );
