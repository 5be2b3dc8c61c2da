import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { TrpcHttpCall } from './trpc-protocol-options';

/** Whether the client asked for a streamed (JSON lines) response, as `httpBatchStreamLink` does. */
export function wantsStreaming(req: IncomingMessage): boolean {
  const trpcAccept = req.headers['trpc-accept'];
  if (trpcAccept !== undefined) return trpcAccept === 'application/jsonl';
  const accept = req.headers.accept;
  return accept !== undefined && accept.split(',').some((t) => t.trim() === 'application/jsonl');
}

/**
 * Streamed batches and subscriptions are rare and long-lived: tRPC's own
 * node handler answers them, with the same router, context and hooks. The
 * body was already read by the front door, so it is handed over as text.
 */
export async function delegateToStockHandler<TRouter extends AnyTRPCRouter>(
  req: IncomingMessage,
  res: ServerResponse,
  call: TrpcHttpCall<TRouter>,
  router: TRouter,
  maxBatchSize: number | undefined,
): Promise<void> {
  if (req.method !== 'GET')
    (req as IncomingMessage & { body?: unknown }).body =
      call.input === undefined ? '' : JSON.stringify(call.input);
  await nodeHTTPRequestHandler({
    router,
    req,
    res,
    // tRPC decodes the path again; escaping `%` makes that decoding a no-op.
    path: call.path.replaceAll('%', '%25'),
    ...(maxBatchSize !== undefined ? { maxBatchSize } : {}),
    allowBatching: true,
    allowMethodOverride: false,
    createContext: ({ info }) => call.createContext({ info }),
    ...(call.responseMeta ? { responseMeta: call.responseMeta } : {}),
    ...(call.onError ? { onError: call.onError } : {}),
  });
}
