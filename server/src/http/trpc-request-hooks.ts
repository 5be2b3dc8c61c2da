import type { IncomingMessage } from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import type { HTTPErrorHandler, ResponseMetaFn } from '@trpc/server/http';
import { AppError } from '../pipeline/app-error';
import type { RequestState } from './request-state';

export interface TrpcRequestHooks {
  readonly responseMeta: ResponseMetaFn<AnyTRPCRouter>;
  readonly onError: HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>;
}

/**
 * tRPC's `responseMeta` and `onError` for one request: the first failure's
 * reason goes to the access log, an AppError's `retryAfterSeconds` becomes
 * `Retry-After`, and internal errors are logged with their cause.
 */
export function createTrpcRequestHooks(state: RequestState): TrpcRequestHooks {
  return {
    responseMeta({ errors }) {
      const first = errors[0];
      if (!first) return {};
      state.reason = first instanceof AppError ? first.reason : first.code;
      const retry = errors.find(
        (e): e is AppError => e instanceof AppError && e.retryAfterSeconds !== undefined,
      );
      return retry ? { headers: { 'retry-after': String(retry.retryAfterSeconds) } } : {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        state.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      }
    },
  };
}
