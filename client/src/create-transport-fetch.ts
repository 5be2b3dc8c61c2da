import type { GatehouseCredentials } from './gatehouse-client-options';
import { sleep } from './abortable';
import {
  createClientCredentialsTokenSource,
  type TokenSource,
} from './client-credentials-token-source';
import { parseRetryAfter } from './parse-retry-after';
import { reasonForStatus } from './reason-for-status';
import { backoffDelay, type RetryPolicy } from './retry-policy';
import { TransportFailure } from './transport-failure';

export interface TransportFetchOptions {
  readonly url: string;
  readonly fetch: typeof globalThis.fetch;
  readonly credentials: GatehouseCredentials | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | false;
  readonly random?: () => number;
}

const RETRYABLE_STATUS = new Set([429, 503]);

/**
 * The `fetch` tRPC's link calls: adds credentials, bounds the whole call
 * (retries and body included) by the timeout, and retries GETs (queries) and
 * mutations sent with an Idempotency-Key (with the same key) on 429, 503 and
 * network errors; other mutations are never retried.
 * Failures below tRPC are thrown as {@link TransportFailure}s.
 */
export function createTransportFetch(options: TransportFetchOptions): typeof globalThis.fetch {
  const { fetch, credentials, timeoutMs, retry } = options;
  const tokens: TokenSource | undefined =
    typeof credentials === 'object' && 'clientCredentials' in credentials
      ? createClientCredentialsTokenSource({
          credentials: credentials.clientCredentials,
          url: options.url,
          fetch,
        })
      : undefined;
  const apiKey =
    typeof credentials === 'object' && 'apiKey' in credentials ? credentials.apiKey : undefined;

  return async function transportFetch(input, init = {}) {
    const controller = new AbortController();
    const callerSignal = init.signal ?? undefined;
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer =
      Number.isFinite(timeoutMs) && timeoutMs > 0
        ? setTimeout(
            () =>
              controller.abort(new TransportFailure('TIMEOUT', `No answer within ${timeoutMs} ms`)),
            timeoutMs,
          )
        : undefined;
    const signal = controller.signal;
    // Queries are safe to repeat; a mutation only when it carries an Idempotency-Key
    // (the server then replays the first answer instead of writing twice).
    const idempotent =
      (init.method ?? 'GET').toUpperCase() === 'GET' ||
      new Headers(init.headers).has('idempotency-key');
    const attempts = idempotent && retry ? Math.max(1, retry.attempts) : 1;
    let renewedToken = false;

    try {
      for (let attempt = 1; ; attempt++) {
        const headers = new Headers(init.headers);
        const token = tokens ? await tokens.token(signal) : apiKey;
        if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
        let res: Response;
        try {
          res = await fetch(input, {
            ...init,
            headers,
            signal,
            ...(credentials === 'cookie' ? { credentials: 'include' } : {}),
          });
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          if (attempt < attempts && retry) {
            await sleep(backoffDelay(attempt, retry, options.random), signal);
            continue;
          }
          throw new TransportFailure(
            'SERVICE_UNAVAILABLE',
            'Could not reach the Gatehouse server',
            { cause: err },
          );
        }
        // A refused token never reached a procedure: fetch a fresh one and send again, once.
        if (res.status === 401 && tokens && token !== undefined && !renewedToken) {
          renewedToken = true;
          tokens.invalidate(token);
          await res.body?.cancel();
          attempt--;
          continue;
        }
        if (attempt < attempts && retry && RETRYABLE_STATUS.has(res.status)) {
          const asked = parseRetryAfter(res.headers.get('retry-after'));
          // Waiting less than the server asked is pointless; longer than maxMs is too long.
          if (asked === undefined || asked <= retry.maxMs) {
            await res.body?.cancel();
            await sleep(asked ?? backoffDelay(attempt, retry, options.random), signal);
            continue;
          }
        }
        // Read the body under the same deadline, then hand tRPC a complete response.
        const body = await res.text();
        const type = res.headers.get('content-type') ?? '';
        if (!res.ok && !type.includes('json')) {
          const requestId = res.headers.get('x-request-id') ?? undefined;
          throw new TransportFailure(
            reasonForStatus(res.status),
            `HTTP ${res.status} ${res.statusText}`.trim(),
            {
              httpStatus: res.status,
              ...(requestId ? { requestId } : {}),
            },
          );
        }
        return new Response(body, {
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
        });
      }
    } catch (err) {
      // fetch may reject with a generic AbortError; report why we aborted.
      if (signal.aborted) throw signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  };
}
