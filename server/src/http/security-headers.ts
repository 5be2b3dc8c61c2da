import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

export type HeaderMiddleware = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Helmet tuned for a JSON API: nothing may be rendered, framed or sniffed.
 * HSTS is set separately, only on responses to requests that arrived over
 * HTTPS (see `hsts.ts`).
 */
export function createSecurityHeaders(): HeaderMiddleware {
  const apply = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] },
    },
    crossOriginEmbedderPolicy: { policy: 'require-corp' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    xDnsPrefetchControl: { allow: false },
    xDownloadOptions: true,
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xPoweredBy: false,
    xXssProtection: true,
    originAgentCluster: true,
  });
  return function securityHeaders(req, res) {
    apply(req, res, () => undefined);
  };
}

export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';
