import { TRPCUntypedClient, type TRPCRequestOptions } from '@trpc/client';
import type { AppRouter } from './app-router';
import { toGatehouseError } from './to-gatehouse-error';

/**
 * tRPC's untyped client, with every rejection turned into a GatehouseError.
 * tRPC's typed proxy sits on top unchanged, so calls read as
 * `client.system.version.query()`.
 */
export class GatehouseUntypedClient extends TRPCUntypedClient<AppRouter> {
  override query(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    return super.query(path, input, opts).catch((err: unknown) => rethrow(err, opts));
  }

  override mutation(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    return super.mutation(path, input, opts).catch((err: unknown) => rethrow(err, opts));
  }
}

function rethrow(err: unknown, opts: TRPCRequestOptions | undefined): never {
  // The caller's own abort is not a server error: reject as fetch would.
  if (opts?.signal?.aborted) throw opts.signal.reason;
  throw toGatehouseError(err);
}
