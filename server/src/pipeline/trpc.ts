import { isReason, type GatehouseErrorData, type Reason } from '@gatehouse/shared';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError } from './app-error';
import type { Context } from './context';
import type { Meta } from './meta';
import { defaultReason } from './reason-codes';

/** `error.data` of every error response: one type, shared with the client SDK. */
export type ErrorData = GatehouseErrorData;

/**
 * The only `initTRPC`. `isDev` is fixed to false: tRPC's default
 * (`NODE_ENV !== 'production'`) would send stacks; the formatter adds them
 * itself, in development only (from the validated config) and only to an
 * unexpected error: an expected refusal never carries a stack.
 */
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    isDev: false,
    isServer: true,
    errorFormatter({ shape, error, ctx, path }) {
      const isDev = ctx?.deps.config.isDev ?? false;
      // Input validation only: an output validation failure is an internal error.
      const zod =
        error.code === 'BAD_REQUEST' && error.cause instanceof ZodError ? error.cause : undefined;
      const issues =
        error instanceof AppError && error.issues
          ? [...error.issues]
          : zod?.issues.map((i) => {
              const custom =
                i.code === 'custom' &&
                isReason((i.params as { reason?: unknown } | undefined)?.reason);
              return {
                path: i.path.map(String).join('.'),
                code: i.code,
                ...(custom ? { reason: (i.params as { reason: Reason }).reason } : {}),
              };
            });
      const reason: Reason =
        error instanceof AppError
          ? error.reason
          : zod
            ? (issues?.find((i) => i.reason)?.reason ?? 'VALIDATION_FAILED')
            : defaultReason(error.code);
      // Unexpected: a fault, not a refusal (an AppError reason, a validation
      // failure, an unknown path, a malformed call). Only these may show
      // their message and stack, and in development only.
      const unexpected =
        error.code === 'INTERNAL_SERVER_ERROR' && !(error instanceof AppError) && !zod;
      const hideMessage = unexpected && !isDev;
      const message = zod
        ? 'Input validation failed'
        : hideMessage
          ? 'Internal server error'
          : error.message;
      const data: ErrorData = {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        ...(path !== undefined ? { path } : {}),
        reason,
        ...(ctx ? { requestId: ctx.requestId } : {}),
        ...(error instanceof AppError && error.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: error.retryAfterSeconds }
          : {}),
        ...(issues ? { issues } : {}),
        ...(isDev && unexpected && error.stack ? { stack: error.stack } : {}),
      };
      return { code: shape.code, message, data };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure;
export { TRPCError };
