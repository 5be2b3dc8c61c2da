import type { TRPCProcedureType } from '@trpc/server';

/** The HTTP methods tRPC accepts per procedure type (method override off). */
export const ACCEPTED_METHODS: Readonly<Record<TRPCProcedureType, readonly string[]>> =
  Object.freeze({
    query: ['GET'],
    mutation: ['POST'],
    subscription: ['GET'],
  });
