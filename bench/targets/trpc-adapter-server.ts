import http, { type IncomingMessage } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../../server/src/app-router';
import { loadConfig, readEnvironment } from '../../server/src/config';
import { createApp } from '../../server/src/create-app';
import { createContextFactory } from '../../server/src/http/create-context-factory';
import { resolveRequestId } from '../../server/src/http/request-id';
import type { RequestState } from '../../server/src/http/request-state';
import { createTrpcEndpoint } from '../../server/src/http/trpc-endpoint';
import { createTrpcRequestHooks } from '../../server/src/http/trpc-request-hooks';
import { createLogger } from '../../server/src/observability/create-logger';

/**
 * Reference: the app router with the server's real dependencies and
 * createContext, behind a tRPC adapter alone (no front door: no security
 * headers, CORS, rate limits or access log), so the two adapters compare
 * like for like. `BENCH_ADAPTER=stock` is tRPC's standalone handler;
 * `ours` is Gatehouse's trpc-endpoint (pre-checks + our protocol handler).
 */
const adapter = process.env.BENCH_ADAPTER === 'stock' ? 'stock' : 'ours';
const loaded = loadConfig(readEnvironment());
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const { config } = loaded;
const log = createLogger({ level: config.logLevel });
const app = await createApp({ config, log });
const createContext = createContextFactory(app.deps);

const stateFor = (req: IncomingMessage): RequestState => {
  const requestId = resolveRequestId(req.headers['x-request-id']);
  return {
    requestId,
    ip: req.socket.remoteAddress ?? '',
    secure: false,
    startedAt: 0,
    log: log.child({ requestId }),
    procedures: [],
    reason: undefined,
  };
};

let handle: (req: IncomingMessage, res: http.ServerResponse) => void;
if (adapter === 'stock') {
  const states = new WeakMap<IncomingMessage, RequestState>();
  const state = (req: IncomingMessage): RequestState => {
    let s = states.get(req);
    if (!s) states.set(req, (s = stateFor(req)));
    return s;
  };
  const hooks = createTrpcRequestHooks(stateFor({ headers: {}, socket: {} } as IncomingMessage));
  handle = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: config.http.bodyLimitBytes,
    maxBatchSize: config.http.maxBatchSize,
    createContext: ({ req, res }) => createContext(req, res, state(req)),
    responseMeta: hooks.responseMeta,
    onError: hooks.onError,
  });
} else {
  const endpoint = createTrpcEndpoint({ router: appRouter, deps: app.deps });
  handle = (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    void endpoint(
      req,
      res,
      stateFor(req),
      pathname.slice('/trpc/'.length),
      q === -1 ? '' : url.slice(q + 1),
    );
  };
}

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  handle(req, res);
});
server.listen(config.http.port, config.http.host);
process.on('SIGTERM', () => {
  server.close();
  void app.close().then(() => process.exit(0));
});
