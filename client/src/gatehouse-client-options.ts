import type { ClientCredentials } from './client-credentials-token-source';
import type { RetryPolicy } from './retry-policy';

/**
 * How the client proves who it is:
 * - `'cookie'`: the browser's session cookie (`credentials: 'include'`);
 * - `{ apiKey }`: an API key, sent as `Authorization: Bearer`;
 * - `{ clientCredentials }`: short-lived JWTs fetched from `/oauth/token`
 *   with an API key's id and secret, cached and refreshed before expiry.
 */
export type GatehouseCredentials =
  'cookie' | { readonly apiKey: string } | { readonly clientCredentials: ClientCredentials };

export type HeadersOption =
  Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

export interface GatehouseClientOptions {
  /** The server's base URL, e.g. `https://api.example.com` (the client adds `/trpc`). */
  readonly url: string;
  readonly credentials?: GatehouseCredentials;
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Extra headers for every request. */
  readonly headers?: HeadersOption;
  /** Limit for one call, retries included (default 30 000 ms; `Infinity` for none). */
  readonly timeoutMs?: number;
  /** Query retries on 429, 503 and network errors; `false` turns them off. */
  readonly retry?: RetryPolicy | false;
}
