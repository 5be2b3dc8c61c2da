import type { PlainRoute } from '../http/plain-route';

/** What opening the logged first-administrator link answers: how to use its token. */
export const BOOTSTRAP_LINK_ANSWER = {
  message:
    'This is the one-time link for the first administrator. Send its token with an email ' +
    'and a password to auth.bootstrapAdmin (a POST with a JSON body), for example from ' +
    '/docs; see docs/operations.md.',
  procedure: 'POST /trpc/auth.bootstrapAdmin',
  body: {
    token: '<what follows #token= in the logged link>',
    email: '<you@example.com>',
    password: '<a passphrase>',
  },
  docs: '/docs',
} as const;

/**
 * `GET /bootstrap-admin`: the path of the link the server logs while no
 * administrator exists (offer-bootstrap-link.ts). Answers how to use it
 * instead of a bare 404; never echoes the token, and asks that the page be
 * neither cached nor sent as a referrer.
 */
export function createBootstrapLinkRoute(): PlainRoute {
  const body = JSON.stringify(BOOTSTRAP_LINK_ANSWER, null, 2);
  return function bootstrapLinkRoute(req, res, _state, pathname) {
    if (pathname !== '/bootstrap-admin' || (req.method !== 'GET' && req.method !== 'HEAD'))
      return false;
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
