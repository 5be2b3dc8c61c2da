/**
 * The one module that reaches into tRPC's internals: the
 * `@trpc/server/unstable-core-do-not-import` entry point and the router's
 * `_def`. tRPC may change either in any release (Gatehouse also patches
 * 11.25.2, see patches/README.md), so every use is here, in one place to
 * re-check on an upgrade; ESLint refuses those imports anywhere else.
 */
import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCProcedureType } from '@trpc/server';
import {
  defaultTransformer,
  getProcedureAtPath,
  isAsyncIterable,
  isObject,
  isPromise,
  urlPathToProcedurePath,
} from '@trpc/server/unstable-core-do-not-import';

/** What a middleware's `next()` resolves to (tRPC exports it only from its internals). */
export type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';

export {
  defaultTransformer,
  getProcedureAtPath,
  isAsyncIterable,
  isObject,
  isPromise,
  urlPathToProcedurePath,
};

/** A router's runtime configuration (transformer, error formatter, path separator...). */
export type RouterConfig<TRouter extends AnyTRPCRouter> = TRouter['_def']['_config'];

/** The router's runtime configuration. */
export function routerConfig<TRouter extends AnyTRPCRouter>(
  router: TRouter,
): RouterConfig<TRouter> {
  return router._def._config;
}

/** The router's procedures by dotted path (lazy sub-routers not yet loaded are absent). */
export function routerProcedures(
  router: AnyTRPCRouter,
): Readonly<Record<string, AnyTRPCProcedure | undefined>> {
  return router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
}

/** Whether a procedure is a query, a mutation or a subscription. */
export function procedureType(procedure: AnyTRPCProcedure): TRPCProcedureType {
  return procedure._def.type;
}

/** What a procedure was built with: its meta and its input and output parsers, as declared. */
export interface ProcedureDefinition {
  readonly type: TRPCProcedureType;
  readonly meta: unknown;
  /** One parser per `.input()` call, in order (tRPC merges their object results). */
  readonly inputs: readonly unknown[];
  /** The `.output()` parser, if any. */
  readonly output: unknown;
}

/** A procedure's declared type, meta and parsers. */
export function procedureDefinition(procedure: AnyTRPCProcedure): ProcedureDefinition {
  const def = procedure._def as AnyTRPCProcedure['_def'] & {
    readonly inputs?: readonly unknown[];
    readonly output?: unknown;
  };
  return { type: def.type, meta: def.meta, inputs: def.inputs ?? [], output: def.output };
}
