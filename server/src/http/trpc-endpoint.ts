import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyRouter } from '@trpc/server';
import type { Reason } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { ErrorData } from '../pipeline/trpc';
import { createContextFactory } from './create-context-factory';
import { exceedsJsonDepth } from './json-depth';
import { readBody } from './read-body';
import { refuseSignIn } from './refuse-sign-in';
import type { RequestState } from './request-state';
import { sendJson } from './send-json';
import { trpcErrorBody } from './trpc-error-body';
import { createTrpcRequestHooks } from './trpc-request-hooks';
import { createTrpcProtocolHandler } from './trpc-protocol/create-trpc-protocol-handler';

const SIGN_IN = 'auth.signIn';

export interface TrpcEndpointOptions {
  readonly router: AnyRouter;
  readonly deps: AppDeps;
}

export type TrpcEndpoint = (
  req: IncomingMessage,
  res: ServerResponse,
  state: RequestState,
  path: string,
  search: string,
) => Promise<void>;

/**
 * `/trpc/<path>`: the checks tRPC does not make safely by default (media
 * type, body size, JSON depth, batch size counted in calls, a place for each
 * sign-in in the password hasher's capacity), then our own
 * `node:http` handler for tRPC's protocol (no fetch `Request` per call),
 * handed the input this endpoint already parsed.
 */
export function createTrpcEndpoint(options: TrpcEndpointOptions): TrpcEndpoint {
  const { router, deps } = options;
  const { bodyLimitBytes, maxBatchSize, maxJsonDepth } = deps.config.http;
  const createContext = createContextFactory(deps);

  const refuse = (
    res: ServerResponse,
    state: RequestState,
    reason: Reason,
    message: string,
    headers?: Record<string, string>,
  ): void => {
    state.reason = reason;
    const { status, body } = trpcErrorBody(reason, message, state.requestId);
    sendJson(res, status, body, headers);
  };

  const handle = createTrpcProtocolHandler({ router, maxBatchSize });

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
      return refuse(
        res,
        state,
        'BATCH_TOO_LARGE',
        `A batch may hold at most ${maxBatchSize} calls`,
      );
    }
    const method = req.method ?? 'GET';
    let input: unknown;
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        req.resume();
        return refuse(
          res,
          state,
          'UNSUPPORTED_MEDIA_TYPE',
          'Mutations accept application/json only',
          { connection: 'close' },
        );
      }
      const read = await readBody(req, bodyLimitBytes);
      if (!read.ok) {
        if (read.tooLarge)
          return refuse(
            res,
            state,
            'PAYLOAD_TOO_LARGE',
            `The body exceeds ${bodyLimitBytes} bytes`,
            { connection: 'close' },
          );
        return;
      }
      // A sign-in holds a password-hashing place from here (its body is in) until it is answered.
      if (
        calls.includes(SIGN_IN) &&
        !deps.signInAdmission.admit(
          res,
          deps.deviceCookies.read(req.headers.cookie, state.secure)?.deviceId,
        )
      )
        return refuseSignIn(deps.metrics, res, state);
      if (read.body.length > 0) {
        const parsed = parseJson(read.body, maxJsonDepth);
        if (!parsed.ok)
          return refuse(
            res,
            state,
            parsed.reason,
            parsed.reason === 'MALFORMED_JSON'
              ? 'The body is not valid JSON'
              : `JSON nests deeper than ${maxJsonDepth} levels`,
          );
        input = parsed.value;
      }
    } else if (method === 'GET') {
      // As tRPC: an empty `?input=` is no input.
      const text = params.get('input');
      if (text) {
        const parsed = parseJson(text, maxJsonDepth);
        if (!parsed.ok)
          return refuse(
            res,
            state,
            parsed.reason,
            parsed.reason === 'MALFORMED_JSON'
              ? 'The input parameter is not valid JSON'
              : `JSON nests deeper than ${maxJsonDepth} levels`,
          );
        input = parsed.value;
      }
    } else {
      return refuse(
        res,
        state,
        'METHOD_NOT_SUPPORTED',
        'Use GET for queries and POST for mutations',
        { allow: 'GET, POST' },
      );
    }
    await handle(req, res, {
      path: procPath,
      isBatch,
      input,
      createContext: () => createContext(req, res, state),
      ...createTrpcRequestHooks(state),
    });
  };
}

type ParsedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: Reason };

function parseJson(text: string, maxDepth: number): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'MALFORMED_JSON' };
  }
  return exceedsJsonDepth(value, maxDepth)
    ? { ok: false, reason: 'JSON_TOO_DEEP' }
    : { ok: true, value };
}

export type { ErrorData };
