import {
  createTRPCClientProxy,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import type { AppRouter } from './app-router';
import { MAX_BATCH_ITEMS, MAX_URL_LENGTH } from './batch-limits';
import { createTransportFetch } from './create-transport-fetch';
import type { GatehouseClientOptions } from './gatehouse-client-options';
import { GatehouseUntypedClient } from './gatehouse-untyped-client';
import { DEFAULT_RETRY } from './retry-policy';

/** The typed client: `client.<router>.<procedure>.query(input)` or `.mutate(input)`. */
export type GatehouseClient = TRPCClient<AppRouter>;

/**
 * A typed Gatehouse client. Calls made in the same tick share one HTTP
 * request (at most {@link MAX_BATCH_ITEMS} calls, URLs at most
 * {@link MAX_URL_LENGTH} characters); failures reject with a GatehouseError.
 *
 * @example
 * const client = createGatehouseClient({ url: 'https://api.example.com', credentials: 'cookie' });
 * const { version } = await client.system.version.query();
 */
export function createGatehouseClient(options: GatehouseClientOptions): GatehouseClient {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const transportFetch = createTransportFetch({
    url: options.url,
    fetch: baseFetch,
    credentials: options.credentials,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: options.retry === undefined ? DEFAULT_RETRY : options.retry,
  });
  const headers = options.headers;
  const link = httpBatchLink<AppRouter>({
    url: new URL('trpc', options.url.endsWith('/') ? options.url : `${options.url}/`).href,
    maxItems: MAX_BATCH_ITEMS,
    maxURLLength: MAX_URL_LENGTH,
    fetch: transportFetch,
    ...(headers === undefined
      ? {}
      : { headers: typeof headers === 'function' ? () => headers() : headers }),
  });
  // A mutation given `{ context: { idempotencyKey } }` travels alone with an
  // Idempotency-Key header, and is retried with the same key.
  const idempotentLink = httpLink<AppRouter>({
    url: new URL('trpc', options.url.endsWith('/') ? options.url : `${options.url}/`).href,
    fetch: transportFetch,
    headers: async ({ op }) => ({
      ...(typeof headers === 'function' ? await headers() : (headers ?? {})),
      'idempotency-key': String((op.context as { idempotencyKey?: string }).idempotencyKey),
    }),
  });
  return createTRPCClientProxy<AppRouter>(
    new GatehouseUntypedClient({
      links: [
        splitLink({
          condition: (op) =>
            op.type === 'mutation' &&
            typeof (op.context as { idempotencyKey?: unknown }).idempotencyKey === 'string',
          true: idempotentLink,
          false: link,
        }),
      ],
    }),
  );
}
