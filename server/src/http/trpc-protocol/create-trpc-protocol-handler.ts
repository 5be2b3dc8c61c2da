import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callTRPCProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
  TRPCError,
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  type inferRouterContext,
  type TRPCProcedureType,
} from '@trpc/server';
import type { TRPCRequestInfo } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import {
  getProcedureAtPath,
  procedureType,
  routerConfig,
  routerProcedures,
  urlPathToProcedurePath,
} from '../../pipeline/trpc-internals';
import { ACCEPTED_METHODS } from './accepted-methods';
import { delegateToStockHandler, wantsStreaming } from './delegate-to-stock-handler';
import { isDataStream } from './is-data-stream';
import { requestAbortSignal } from './request-abort-signal';
import { sendTrpcResponse, type HeaderBag } from './send-trpc-response';
import { splitCallInputs } from './split-call-inputs';
import type { TrpcHttpCall, TrpcProtocolOptions } from './trpc-protocol-options';

export type TrpcProtocolHandler<TRouter extends AnyTRPCRouter> = (
  req: IncomingMessage,
  res: ServerResponse,
  call: TrpcHttpCall<TRouter>,
) => Promise<void>;

/** A call's procedure type, `unknown` when no procedure was found. */
function typeOf(proc: AnyTRPCProcedure | null | undefined): TRPCProcedureType | 'unknown' {
  return proc ? procedureType(proc) : 'unknown';
}

type Outcome = readonly [TRPCError, undefined] | readonly [undefined, unknown];

/**
 * Answers tRPC's HTTP protocol straight from `node:http`: single and
 * batched calls, GET queries and POST mutations, tRPC's envelopes, status
 * rules, `maxBatchSize`, `responseMeta` and `onError`, without building a
 * fetch `Request`, `Headers`, web streams or an `AbortController` per call
 * (the stock adapter's main cost). Procedures are called through tRPC
 * (`callTRPCProcedure`) and errors shaped by tRPC (`getErrorShape`, which
 * runs the router's error formatter), so the pipeline is tRPC's own.
 * Streamed responses (`httpBatchStreamLink`) and subscriptions go to tRPC's
 * own handler. A differential test holds this to the stock adapter's answers.
 *
 * @example
 * const handle = createTrpcProtocolHandler({ router, maxBatchSize: 10 });
 * await handle(req, res, {
 *   path: 'system.version',
 *   isBatch: false,
 *   input: undefined,
 *   createContext: () => createContext(req),
 * });
 */
export function createTrpcProtocolHandler<TRouter extends AnyTRPCRouter>(
  options: TrpcProtocolOptions<TRouter>,
): TrpcProtocolHandler<TRouter> {
  const { router, maxBatchSize } = options;
  const config = routerConfig(router);
  const procedures = routerProcedures(router);
  type Ctx = inferRouterContext<TRouter>;

  return async function handleTrpcRequest(req, res, call) {
    const { responseMeta, onError } = call;
    const method = req.method ?? 'GET';
    if (method === 'HEAD') {
      res.statusCode = 204;
      res.end();
      return;
    }
    const headers: HeaderBag = { vary: 'trpc-accept, accept', 'content-type': 'application/json' };
    let ctx: Ctx | undefined;
    let info: TRPCRequestInfo | undefined;
    try {
      const path = urlPathToProcedurePath(call.path, config.pathSeparator);
      const paths = call.isBatch ? path.split(',') : [path];
      if (call.isBatch && typeof maxBatchSize === 'number' && paths.length > maxBatchSize) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'Batch call exceeds maximum size' });
      }
      const found: (AnyTRPCProcedure | null)[] = new Array<AnyTRPCProcedure | null>(paths.length);
      const types = new Set<TRPCProcedureType>();
      for (let i = 0; i < paths.length; i++) {
        const p = paths[i] as string;
        // Plain lookup first; tRPC's own lookup only for lazy routers or misses.
        const proc = procedures[p] ?? (await getProcedureAtPath(router, p));
        found[i] = proc;
        if (proc) types.add(procedureType(proc));
      }
      if (types.size > 1)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `Cannot mix procedure types in call: ${[...types].join(', ')}`,
        });
      const type: TRPCProcedureType | 'unknown' = types.values().next().value ?? 'unknown';
      if (type === 'subscription' || wantsStreaming(req)) {
        await delegateToStockHandler(req, res, call, router, maxBatchSize);
        return;
      }

      const split = splitCallInputs(call.input, call.isBatch, paths.length, config.transformer);
      const read: boolean[] = new Array<boolean>(paths.length).fill(false);
      const signal = requestAbortSignal(res);
      const requestInfo: TRPCRequestInfo = {
        accept: null,
        type,
        isBatchCall: call.isBatch,
        calls: paths.map((p, index) => ({
          path: p,
          batchIndex: index,
          procedure: found[index] ?? null,
          getRawInput: () => {
            if (!split.ok) return Promise.reject(split.error);
            read[index] = true;
            return Promise.resolve(split.inputs[index]);
          },
          result: () => (split.ok && read[index] ? split.inputs[index] : undefined),
        })),
        connectionParams: null,
        signal,
        url: null,
      };
      info = requestInfo;

      let ctxError: TRPCError | undefined;
      try {
        ctx = await call.createContext({ info: requestInfo });
      } catch (cause) {
        ctxError = getTRPCErrorFromUnknown(cause);
      }

      const runCall = async (index: number): Promise<Outcome> => {
        const c = requestInfo.calls[index] as TRPCRequestInfo['calls'][number];
        const proc = c.procedure;
        try {
          if (!proc)
            throw new TRPCError({
              code: 'NOT_FOUND',
              message: `No procedure found on path "${c.path}"`,
            });
          const procType = procedureType(proc);
          if (!ACCEPTED_METHODS[procType].includes(method)) {
            headers.allow = ACCEPTED_METHODS[procType].join(', ');
            throw new TRPCError({
              code: 'METHOD_NOT_SUPPORTED',
              message: `Unsupported ${method}-request to ${procType} procedure at path "${c.path}"`,
            });
          }
          if (ctxError) throw ctxError;
          const data: unknown = await callTRPCProcedure({
            router,
            path: c.path,
            getRawInput: c.getRawInput,
            ctx,
            type: procType,
            signal,
            batchIndex: index,
          });
          return [undefined, data];
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          onError?.({
            error,
            path: c.path,
            input: c.result(),
            ctx,
            type: typeOf(proc),
            req,
          });
          return [error, undefined];
        }
      };

      const errorShape = (
        error: TRPCError,
        index: number,
        shapeType: TRPCProcedureType | 'unknown',
      ): TRPCResponse => {
        const c = requestInfo.calls[index] as TRPCRequestInfo['calls'][number];
        return {
          error: getErrorShape({
            config,
            ctx,
            error,
            input: c.result(),
            path: c.path,
            type: shapeType,
          }),
        };
      };

      if (!call.isBatch) {
        const [error, data] = await runCall(0);
        if (!error && isDataStream(data)) {
          throw new TRPCError({
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message:
              'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
          });
        }
        const json: TRPCResponse = error ? errorShape(error, 0, type) : { result: { data } };
        // A single call is answered with its envelope, not a list of one.
        sendTrpcResponse({ res, router, json, errors: [error], headers, responseMeta, ctx, info });
        return;
      }

      const outcomes = await Promise.all(paths.map((_, index) => runCall(index)));
      const errors: (TRPCError | undefined)[] = [];
      const json: TRPCResponse[] = outcomes.map(([error, data], index) => {
        const e =
          error ??
          (isDataStream(data)
            ? new TRPCError({
                code: 'UNSUPPORTED_MEDIA_TYPE',
                message:
                  'Cannot use stream-like response in non-streaming request - use ' +
                  'httpBatchStreamLink',
              })
            : undefined);
        errors.push(e);
        return e ? errorShape(e, index, typeOf(found[index])) : { result: { data } };
      });
      sendTrpcResponse({ res, router, json, errors, headers, responseMeta, ctx, info });
    } catch (cause) {
      // The request failed as a whole: one error envelope, no call path.
      const error = getTRPCErrorFromUnknown(cause);
      const type = info?.type ?? 'unknown';
      onError?.({ error, path: undefined, input: undefined, ctx, type, req });
      const json: TRPCResponse = {
        error: getErrorShape({ config, ctx, error, input: undefined, path: undefined, type }),
      };
      sendTrpcResponse({ res, router, json, errors: [error], headers, responseMeta, ctx, info });
    }
  };
}
