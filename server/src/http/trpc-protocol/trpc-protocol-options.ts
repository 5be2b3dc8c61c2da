import type { IncomingMessage } from 'node:http';
import type { AnyTRPCRouter, inferRouterContext } from '@trpc/server';
import type { HTTPErrorHandler, ResponseMetaFn, TRPCRequestInfo } from '@trpc/server/http';

/** What {@link createTrpcProtocolHandler} is built from, once per server. */
export interface TrpcProtocolOptions<TRouter extends AnyTRPCRouter> {
  readonly router: TRouter;
  /** Most calls one batched request may hold; more is a `BAD_REQUEST`, as in tRPC. */
  readonly maxBatchSize?: number;
}

/**
 * One HTTP request in tRPC's protocol, after the front door has read it:
 * the path is URL-decoded, and the input is already parsed JSON, so nothing
 * is decoded or parsed twice. The hooks travel with the request because
 * they close over what the front door knows about it (request id, log).
 */
export interface TrpcHttpCall<TRouter extends AnyTRPCRouter> {
  /** The procedure path after the mount point: `a.b`, or `a.b,c.d` in a batch. */
  readonly path: string;
  /** `?batch=1`. */
  readonly isBatch: boolean;
  /** Parsed `?input=` (GET) or JSON body (POST); `undefined` when absent or empty. */
  readonly input: unknown;
  /** This request's context; called once, however many calls the request batches. */
  readonly createContext: (opts: { info: TRPCRequestInfo }) => Promise<inferRouterContext<TRouter>>;
  /** tRPC's own `responseMeta`: extra headers, or a status override. */
  readonly responseMeta?: ResponseMetaFn<TRouter>;
  /** tRPC's own `onError`: called once per failed call. */
  readonly onError?: HTTPErrorHandler<TRouter, IncomingMessage>;
}
