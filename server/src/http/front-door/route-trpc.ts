import { sendJson } from '../send-json';
import type { TrpcEndpoint } from '../trpc-endpoint';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

/** `/trpc/*` to the tRPC endpoint (never cached); an error it did not answer is 500 INTERNAL. */
export function routeTrpc(trpc: TrpcEndpoint): FrontDoorStep {
  return (req, res, { pathname, search, state }) => {
    if (!pathname.startsWith('/trpc/')) return 'continue';
    res.setHeader('cache-control', 'no-store');
    trpc(req, res, state, pathname.slice(6), search).catch((err: unknown) => {
      state.log.error({ err }, 'unhandled error in the tRPC endpoint');
      const { status, body } = trpcErrorBody('INTERNAL', 'Internal server error', state.requestId);
      sendJson(res, status, body);
    });
    return 'handled';
  };
}
