import { abortable } from './abortable';
import { reasonForStatus } from './reason-for-status';
import { TransportFailure } from './transport-failure';

export interface ClientCredentials {
  /** The API key's public id. */
  readonly clientId: string;
  /** The API key's secret. */
  readonly clientSecret: string;
  /** Defaults to `<origin of url>/oauth/token`. */
  readonly tokenUrl?: string;
  /** Space-separated scopes to ask for; defaults to all of the key's scopes. */
  readonly scope?: string;
}

/** Where bearer tokens come from. */
export interface TokenSource {
  /** A token valid for a while yet; fetched at most once at a time. */
  token(signal: AbortSignal): Promise<string>;
  /** Forget `token` (the server refused it), so the next call fetches a new one. */
  invalidate(token: string): void;
}

export interface ClientCredentialsTokenSourceOptions {
  readonly credentials: ClientCredentials;
  /** The Gatehouse URL; the token endpoint defaults to its origin. */
  readonly url: string;
  readonly fetch: typeof globalThis.fetch;
  /** Refresh this long before expiry (at most half the token's lifetime). Default 60 s. */
  readonly refreshMarginMs?: number;
  readonly now?: () => number;
}

interface CachedToken {
  readonly value: string;
  readonly refreshAt: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): asks the token endpoint for
 * an access token with HTTP Basic client authentication, caches it, and
 * fetches a new one shortly before it expires. Concurrent callers share one
 * request.
 */
export function createClientCredentialsTokenSource(
  options: ClientCredentialsTokenSourceOptions,
): TokenSource {
  const { credentials, fetch } = options;
  const now = options.now ?? Date.now;
  const marginMs = options.refreshMarginMs ?? 60_000;
  const tokenUrl = credentials.tokenUrl ?? new URL('/oauth/token', options.url).href;
  // RFC 6749 §2.3.1: form-encode id and secret before Basic encoding.
  const basic = btoa(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`);
  let cached: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;

  async function request(): Promise<CachedToken> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scope !== undefined) body.set('scope', credentials.scope);
    let res: Response;
    try {
      res = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: body.toString(),
      });
    } catch (err) {
      throw new TransportFailure('SERVICE_UNAVAILABLE', 'Could not reach the token endpoint', {
        cause: err,
      });
    }
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const requestId = res.headers.get('x-request-id') ?? undefined;
    if (!res.ok) {
      const error = typeof json?.error === 'string' ? json.error : undefined;
      const reason =
        error === 'invalid_client'
          ? 'API_KEY_INVALID'
          : error === 'invalid_scope'
            ? 'SCOPE_EXCEEDS_GRANT'
            : reasonForStatus(res.status);
      throw new TransportFailure(
        reason,
        `The token endpoint refused: ${error ?? `HTTP ${res.status}`}`,
        { httpStatus: res.status, ...(requestId ? { requestId } : {}) },
      );
    }
    const token = json?.access_token;
    const type = json?.token_type;
    const expiresIn = json?.expires_in;
    if (
      typeof token !== 'string' ||
      typeof type !== 'string' ||
      type.toLowerCase() !== 'bearer' ||
      typeof expiresIn !== 'number' ||
      expiresIn <= 0
    ) {
      throw new TransportFailure(
        'TOKEN_INVALID',
        'The token endpoint answered without a usable bearer token',
        { httpStatus: res.status },
      );
    }
    const lifetimeMs = expiresIn * 1000;
    return { value: token, refreshAt: now() + lifetimeMs - Math.min(marginMs, lifetimeMs / 2) };
  }

  return {
    async token(signal) {
      if (cached && now() < cached.refreshAt) return cached.value;
      pending ??= request().then(
        (fresh) => {
          cached = fresh;
          pending = undefined;
          return fresh;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      // One caller giving up does not cancel the shared request.
      return (await abortable(pending, signal)).value;
    },
    invalidate(token) {
      if (cached?.value === token) cached = undefined;
    },
  };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
