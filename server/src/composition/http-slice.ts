import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyRouter } from '@trpc/server';
import type { AppDeps } from '../app-deps';
import { createBootstrapLinkRoute } from '../admin/bootstrap-link-route';
import { createRequestHandler, type RequestHandler } from '../http/create-request-handler';
import { createServer } from '../http/create-server';
import { createRedirectServer } from '../http/redirect-server';
import { createTrpcEndpoint } from '../http/trpc-endpoint';
import { createMetricsRoute, metricsListener } from '../observability/metrics-route';
import { createJwksRoute, createTokenEndpoint } from '../oauth/token-endpoint';
import { createDevelopmentIndexRoute } from '../openapi/development-index-route';
import { createDocsRoutes } from '../openapi/docs-routes';
import { VERSION } from '../version';
import { drainServer } from './drain-server';
import type { OAuthParts } from './machine-clients-slice';
import type { Slice } from './slice';

export interface HttpServers {
  readonly server: Server;
  readonly handler: RequestHandler;
  /**
   * Opens the listeners: the API (PORT), then the loopback metrics listener
   * (METRICS_PORT) and the plain-HTTP redirect listener (HTTP_REDIRECT_PORT)
   * when configured. Resolves with the API's address.
   */
  listen(): Promise<AddressInfo>;
  metricsAddress(): AddressInfo | undefined;
  redirectAddress(): AddressInfo | undefined;
}

/**
 * The front door and its listeners. Close shuts the redirect listener, then
 * drains the API listener (in-flight requests finish, bounded by
 * SHUTDOWN_TIMEOUT_MS), then closes the metrics listener.
 */
export function httpSlice(deps: AppDeps, router: AnyRouter, oauth: OAuthParts): Slice<HttpServers> {
  const { config, metrics } = deps;
  const handler = createRequestHandler(deps, createTrpcEndpoint({ router, deps }), [
    createDocsRoutes({ router, version: VERSION, publicUrl: config.http.publicUrl }),
    createTokenEndpoint({ deps, audit: deps.audit, ...oauth }),
    createJwksRoute(oauth.keys),
    createBootstrapLinkRoute(),
    createMetricsRoute({
      metrics,
      token: config.metrics.token,
      separatePort: config.metrics.port !== undefined,
    }),
    ...(config.isDev ? [createDevelopmentIndexRoute()] : []),
  ]);
  const server = createServer(config, handler);
  // METRICS_PORT: a separate listener bound to loopback only.
  const metricsServer =
    config.metrics.port !== undefined ? http.createServer(metricsListener(metrics)) : undefined;
  // HTTP_REDIRECT_PORT: built once the API listens (it redirects to that port).
  let redirect: Server | undefined;

  const listen = async (): Promise<AddressInfo> => {
    await listenOn(server, config.http.port, config.http.host);
    const address = server.address() as AddressInfo;
    if (metricsServer) await listenOn(metricsServer, config.metrics.port, '127.0.0.1');
    if (config.http.redirectPort !== undefined) {
      redirect = createRedirectServer({
        config,
        log: deps.log,
        httpsPort: address.port,
        revoker: deps.exposedCredentialRevoker,
      });
      await listenOn(redirect, config.http.redirectPort, config.http.host);
    }
    return address;
  };
  return {
    deps: {
      server,
      handler,
      listen,
      metricsAddress: () => listening(metricsServer),
      redirectAddress: () => listening(redirect),
    },
    close: async () => {
      redirect?.close();
      redirect?.closeAllConnections();
      await drainServer(server, handler, config.http.shutdownTimeoutMs);
      metricsServer?.close();
    },
  };
}

function listenOn(server: Server, port: number | undefined, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function listening(server: Server | undefined): AddressInfo | undefined {
  return server?.listening ? (server.address() as AddressInfo) : undefined;
}
