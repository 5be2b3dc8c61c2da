import type { ServerResponse } from 'node:http';
import {
  transformTRPCResponse,
  type AnyTRPCRouter,
  type inferRouterContext,
  type TRPCError,
  type TRPCProcedureType,
} from '@trpc/server';
import { getHTTPStatusCode, type ResponseMetaFn, type TRPCRequestInfo } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import { defaultTransformer, procedureType, routerConfig } from '../../pipeline/trpc-internals';

/** Response headers gathered while answering (lower-case names); `set-cookie` may hold several. */
export type HeaderBag = Record<string, string | string[]>;

export interface SendTrpcResponseOptions<TRouter extends AnyTRPCRouter> {
  readonly res: ServerResponse;
  readonly router: TRouter;
  /** One envelope (a single call, or a request that failed as a whole) or one per batched call. */
  readonly json: TRPCResponse | TRPCResponse[];
  /** The error behind each envelope, by position (`undefined` for a success). */
  readonly errors: readonly (TRPCError | undefined)[];
  readonly headers: HeaderBag;
  readonly responseMeta: ResponseMetaFn<TRouter> | undefined;
  readonly ctx: inferRouterContext<TRouter> | undefined;
  readonly info: TRPCRequestInfo | undefined;
}

/** The type of the first call that names a procedure, as tRPC reports it to `responseMeta`. */
function typeOfFirstProcedure(info: TRPCRequestInfo | undefined): TRPCProcedureType | 'unknown' {
  const procedure = info?.calls.find((c) => c.procedure)?.procedure;
  return procedure ? procedureType(procedure) : 'unknown';
}

/**
 * Writes a tRPC JSON response with tRPC's own status rule
 * (`getHTTPStatusCode`: the shared status of all results, 207 when they
 * differ), after `responseMeta` had its say, in one `end()` with a length.
 */
export function sendTrpcResponse<TRouter extends AnyTRPCRouter>(
  options: SendTrpcResponseOptions<TRouter>,
): void {
  const { res, router, json, errors, headers, responseMeta, ctx, info } = options;
  let status = getHTTPStatusCode(json, errors);
  if (responseMeta) {
    const definedErrors = errors.filter((e): e is TRPCError => e !== undefined);
    const meta = responseMeta({
      ctx,
      info,
      paths: info?.calls.map((c) => c.path),
      data: Array.isArray(json) ? json : [json],
      errors: definedErrors,
      eagerGeneration: false,
      type: typeOfFirstProcedure(info),
    });
    if (meta.headers) mergeHeaders(headers, meta.headers);
    if (meta.status) status = meta.status;
  }
  const config = routerConfig(router);
  // With no transformer (ours: plain JSON on the wire) tRPC's transform only
  // copies the envelopes; skipping it sends the same bytes.
  const payload = JSON.stringify(
    config.transformer === defaultTransformer ? json : transformTRPCResponse(config, json),
  );
  if (res.headersSent) {
    res.end();
    return;
  }
  // As tRPC's node adapter: a status a procedure already chose stands.
  if (res.statusCode === 200) res.statusCode = status;
  for (const name in headers) {
    const value = headers[name] as string | string[];
    if (name === 'set-cookie') appendCookies(res, value);
    else if (name === 'vary') appendVary(res, value);
    else res.setHeader(name, value);
  }
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

function mergeHeaders(
  into: HeaderBag,
  from: Headers | Record<string, string | string[] | undefined>,
): void {
  if (from instanceof Headers) {
    for (const [k, v] of from.entries()) into[k] = v;
    for (const c of from.getSetCookie()) appendTo(into, 'set-cookie', c);
    return;
  }
  for (const [key, value] of Object.entries(from)) {
    const k = key.toLowerCase();
    if (Array.isArray(value)) for (const v of value) appendTo(into, k, v);
    else if (typeof value === 'string') into[k] = value;
  }
}

function appendTo(into: HeaderBag, name: string, value: string): void {
  const existing = into[name];
  into[name] =
    existing === undefined
      ? [value]
      : Array.isArray(existing)
        ? [...existing, value]
        : [existing, value];
}

function appendCookies(res: ServerResponse, value: string | string[]): void {
  const existing = res.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : typeof existing === 'string' ? [existing] : [];
  res.setHeader('set-cookie', [...list, ...(Array.isArray(value) ? value : [value])]);
}

/** Keeps a `Vary` set earlier (CORS's `Origin`); tRPC's adapter would overwrite it. */
function appendVary(res: ServerResponse, value: string | string[]): void {
  const existing = res.getHeader('vary');
  if (existing === undefined) {
    res.setHeader('vary', value);
    return;
  }
  const before = Array.isArray(existing) ? existing.join(', ') : String(existing);
  res.setHeader('vary', `${before}, ${Array.isArray(value) ? value.join(', ') : value}`);
}
