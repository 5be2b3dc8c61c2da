import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../server/src/app-router';
import { createCookieJar, type CookieJar } from './cookie-jar';

export interface TestClient {
  readonly trpc: ReturnType<typeof createTRPCClient<AppRouter>>;
  readonly jar: CookieJar;
}

/**
 * tRPC's own client against a running server, with a cookie jar standing in
 * for the browser (it sends the server's own Origin, as a browser would on a
 * same-origin request).
 */
export function createTestClient(
  url: string,
  options?: { batch?: boolean; headers?: Record<string, string> },
): TestClient {
  const jar = createCookieJar({ origin: url });
  const link = (options?.batch ?? false) ? httpBatchLink : httpLink;
  const trpc = createTRPCClient<AppRouter>({
    links: [link({ url: `${url}/trpc`, fetch: jar.fetch, headers: () => options?.headers ?? {} })],
  });
  return { trpc, jar };
}

/** The reason and status of a failed call, for assertions. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ reason: string; httpStatus: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = (err as TRPCClientError<AppRouter>).data as
        { reason?: string; httpStatus?: number } | undefined;
      return {
        reason: data?.reason ?? 'UNKNOWN',
        httpStatus: data?.httpStatus ?? 0,
        message: err.message,
      };
    }
    throw err;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}
