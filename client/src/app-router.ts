import type { AppRouter as ServerAppRouter } from '@gatehouse/server';
import type {
  AnyTRPCMutationProcedure,
  AnyTRPCProcedure,
  AnyTRPCQueryProcedure,
  TRPCBuiltRouter,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
} from '@trpc/server';
import type { GatehouseErrorShape } from './gatehouse-error-shape';

/** A procedure as the client sees it: input and output, no server context or meta. */
type ClientProcedure<P extends AnyTRPCProcedure> = P extends AnyTRPCQueryProcedure
  ? TRPCQueryProcedure<{
      input: P['_def']['$types']['input'];
      output: P['_def']['$types']['output'];
      meta: object;
    }>
  : P extends AnyTRPCMutationProcedure
    ? TRPCMutationProcedure<{
        input: P['_def']['$types']['input'];
        output: P['_def']['$types']['output'];
        meta: object;
      }>
    : never;

type Level<R> = R extends AnyTRPCProcedure ? ClientProcedure<R> : R;

/**
 * Rebuilds the server's procedure record for the client, written out level
 * by level (the router is at most four deep) rather than as a recursive
 * alias, so that the declaration emitter prints the resulting object types
 * instead of a reference to the server's router. That keeps the server's
 * context (database, logger, Redis types) out of the published `.d.ts`.
 */
function clientRecordOf<R>(): {
  [A in keyof R]: R[A] extends AnyTRPCProcedure
    ? ClientProcedure<R[A]>
    : {
        [B in keyof R[A]]: R[A][B] extends AnyTRPCProcedure
          ? ClientProcedure<R[A][B]>
          : {
              [C in keyof R[A][B]]: R[A][B][C] extends AnyTRPCProcedure
                ? ClientProcedure<R[A][B][C]>
                : { [D in keyof R[A][B][C]]: Level<R[A][B][C][D]> };
            };
      };
} {
  return undefined as never;
}

// Only its inferred type is used; the call is pure and bundlers drop it.
const _clientRecord = /* @__PURE__ */ clientRecordOf<ServerAppRouter['_def']['record']>();

/**
 * The type of Gatehouse's router as a client needs it: every procedure's
 * input and output, the error shape, and nothing of the server's internals.
 * Use it with tRPC's helpers, e.g. `inferRouterOutputs<AppRouter>`.
 */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: GatehouseErrorShape; transformer: false },
  typeof _clientRecord
>;
