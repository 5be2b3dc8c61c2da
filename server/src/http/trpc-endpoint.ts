import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { AnyRouter } from '@trpc/server';
import type { Reason } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import { AppError } from '../pipeline/app-error';
import type { ErrorData } from '../pipeline/trpc';
import { createContextFactory } from './create-context-factory';
import { exceedsJsonDepth } from './json-depth';
import { readBody } from './read-body';
import type { RequestState } from './request-state';
import { sendJson } from './send-json';
import { trpcErrorBody } from './trpc-error-body';

export interface TrpcEndpointOptions {
  readonly router: AnyRouter;
  readonly deps: AppDeps;
}

export type TrpcEndpoint = (req: IncomingMessage, res: ServerResponse, state: RequestState, path: string, search: string) => Promise<void>;

/**
 * `/trpc/<path>`: the checks tRPC does not make safely by default (media
 * type, body size, JSON depth, batch size counted in calls) and then tRPC's
 * own node handler.
 */
export function createTrpcEndpoint(options: TrpcEndpointOptions): TrpcEndpoint {
  const { router, deps } = options;
  const { bodyLimitBytes, maxBatchSize, maxJsonDepth } = deps.config.http;
  const createContext = createContextFactory(deps);

  const refuse = (res: ServerResponse, state: RequestState, reason: Reason, message: string, headers?: Record<string, string>): void => {
    state.reason = reason;
    const { status, body } = trpcErrorBody(reason, message, state.requestId);
    sendJson(res, status, body, headers);
  };

  return async function trpcEndpoint(req, res, state, path, search) {
    const params = new URLSearchParams(search);
    const isBatch = params.get('batch') === '1';
    let procPath: string;
    try {
      procPath = decodeURIComponent(path);
    } catch {
      return refuse(res, state, 'BAD_REQUEST', 'Malformed procedure path');
    }
    // Count calls, not requests: `a,,,,b` is five calls.
    const calls = isBatch ? procPath.split(',') : [procPath];
    state.procedures = calls.slice(0, maxBatchSize);
    if (calls.length > maxBatchSize) {
      return refuse(res, state, 'BATCH_TOO_LARGE', `A batch may hold at most ${maxBatchSize} calls`);
    }
    const method = req.method ?? 'GET';
    let body: string | undefined;
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        req.resume();
        return refuse(res, state, 'UNSUPPORTED_MEDIA_TYPE', 'Mutations accept application/json only', { connection: 'close' });
      }
      const read = await readBody(req, bodyLimitBytes);
      if (!read.ok) {
        if (read.tooLarge) return refuse(res, state, 'PAYLOAD_TOO_LARGE', `The body exceeds ${bodyLimitBytes} bytes`, { connection: 'close' });
        return;
      }
      body = read.body;
      if (body.length > 0) {
        const problem = checkJson(body, maxJsonDepth);
        if (problem) return refuse(res, state, problem, problem === 'MALFORMED_JSON' ? 'The body is not valid JSON' : `JSON nests deeper than ${maxJsonDepth} levels`);
      }
    } else if (method === 'GET') {
      const input = params.get('input');
      if (input !== null) {
        const problem = checkJson(input, maxJsonDepth);
        if (problem) return refuse(res, state, problem, problem === 'MALFORMED_JSON' ? 'The input parameter is not valid JSON' : `JSON nests deeper than ${maxJsonDepth} levels`);
      }
    } else {
      return refuse(res, state, 'METHOD_NOT_SUPPORTED', 'Use GET for queries and POST for mutations', { allow: 'GET, POST' });
    }
    if (body !== undefined) (req as IncomingMessage & { body?: unknown }).body = body;

    await nodeHTTPRequestHandler({
      router,
      req,
      res,
      path: procPath,
      maxBodySize: bodyLimitBytes,
      maxBatchSize,
      allowBatching: true,
      allowMethodOverride: false,
      createContext: () => createContext(req, res, state),
      responseMeta({ errors }) {
        const first = errors[0];
        if (!first) return {};
        state.reason = first instanceof AppError ? first.reason : first.code;
        const retry = errors.find((e): e is AppError => e instanceof AppError && e.retryAfterSeconds !== undefined);
        return retry ? { headers: { 'retry-after': String(retry.retryAfterSeconds) } } : {};
      },
      onError({ error, path: errPath }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          state.log.error({ err: error.cause ?? error, path: errPath }, 'procedure failed');
        }
      },
    });
  };
}

function checkJson(text: string, maxDepth: number): Reason | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'MALFORMED_JSON';
  }
  return exceedsJsonDepth(parsed, maxDepth) ? 'JSON_TOO_DEEP' : undefined;
}

export type { ErrorData };
