import type { IncomingMessage, ServerResponse } from 'node:http';
import { constantTimeEqual, sha256 } from '../crypto/random-token';
import type { PlainRoute } from '../http/plain-route';
import type { Metrics } from './metrics';

const LOOPBACK = new Set(['127.0.0.1', '::1']);

async function expose(res: ServerResponse, metrics: Metrics): Promise<void> {
  const body = await metrics.registry.metrics();
  res.statusCode = 200;
  res.setHeader('content-type', metrics.registry.contentType);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

/**
 * `GET /metrics` on the public listener. Never anonymous: with METRICS_TOKEN
 * it needs `Authorization: Bearer <token>` (compared in constant time); with
 * METRICS_PORT it is not served here at all (see the loopback listener);
 * with neither (development and test only — production refuses to start)
 * it answers loopback clients only.
 */
export function createMetricsRoute(options: {
  metrics: Metrics;
  token: string | undefined;
  separatePort: boolean;
}): PlainRoute {
  const expected = options.token ? sha256(options.token) : undefined;
  return function metricsRoute(req: IncomingMessage, res: ServerResponse, state, pathname) {
    if (pathname !== '/metrics' || req.method !== 'GET') return false;
    if (options.separatePort) return false;
    if (expected) {
      const auth = req.headers.authorization;
      const presented =
        typeof auth === 'string' ? /^Bearer[ \t]+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
      if (!presented || !constantTimeEqual(sha256(presented), expected)) {
        res.statusCode = 401;
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            error: {
              message: 'Metrics need the metrics token',
              reason: 'UNAUTHENTICATED',
              requestId: state.requestId,
            },
          }),
        );
        return true;
      }
    } else if (!LOOPBACK.has(state.ip)) {
      return false;
    }
    void expose(res, options.metrics);
    return true;
  };
}

/** The loopback-only metrics listener for METRICS_PORT. */
export function metricsListener(
  metrics: Metrics,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function serveMetrics(req, res) {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      void expose(res, metrics);
      return;
    }
    res.statusCode = 404;
    res.end();
  };
}
