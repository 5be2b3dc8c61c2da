import { afterEach, describe, expect, it } from 'vitest';
import { createGatehouseClient, GatehouseError, isGatehouseError } from '../src/index';
import {
  answerBatch,
  answerError,
  startFakeServer,
  type FakeHandler,
  type FakeServer,
} from './fake-server';

const VERSION = { name: 'gatehouse', version: '1.2.3', node: '20' };
const FAST_RETRY = { attempts: 3, baseMs: 1, maxMs: 2000 };

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: FakeHandler): Promise<FakeServer> {
  server = await startFakeServer(handler);
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function gatehouseRejection(promise: Promise<unknown>): Promise<GatehouseError> {
  const err = await rejection(promise);
  if (!isGatehouseError(err)) throw new Error(`expected a GatehouseError, got ${String(err)}`);
  return err;
}

describe('retries', () => {
  it('retries a query after 503 with Retry-After (seconds), then succeeds', async () => {
    const s = await serve((req, res, i) =>
      i === 0
        ? answerError(res, 503, 'SERVICE_UNAVAILABLE', { 'retry-after': '0' })
        : answerBatch(res, req, VERSION),
    );
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    expect(await client.system.version.query()).toEqual(VERSION);
    expect(s.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('retries a query after 429 with Retry-After as an HTTP date', async () => {
    const past = new Date(Date.now() - 5000).toUTCString();
    const s = await serve((req, res, i) =>
      i === 0
        ? answerError(res, 429, 'RATE_LIMITED', { 'retry-after': past })
        : answerBatch(res, req, VERSION),
    );
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    expect(await client.system.version.query()).toEqual(VERSION);
    expect(s.requests).toHaveLength(2);
  });

  it('retries a query after a dropped connection', async () => {
    const s = await serve((req, res, i) =>
      i === 0 ? res.socket?.destroy() : answerBatch(res, req, VERSION),
    );
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    expect(await client.system.version.query()).toEqual(VERSION);
    expect(s.requests).toHaveLength(2);
  });

  it('never retries a mutation', async () => {
    const s = await serve((_req, res) =>
      answerError(res, 503, 'SERVICE_UNAVAILABLE', { 'retry-after': '0' }),
    );
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    const err = await gatehouseRejection(client.auth.signOut.mutate());
    expect(err.reason).toBe('SERVICE_UNAVAILABLE');
    expect(err.httpStatus).toBe(503);
    expect(s.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('stops after the attempt cap', async () => {
    const s = await serve((_req, res) => answerError(res, 503, 'SERVICE_UNAVAILABLE'));
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    expect((await gatehouseRejection(client.system.version.query())).reason).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(s.requests).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than maxMs: the 429 reaches the caller', async () => {
    const s = await serve((_req, res) =>
      answerError(res, 429, 'RATE_LIMITED', { 'retry-after': '3600' }),
    );
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    const err = await gatehouseRejection(client.system.version.query());
    expect(err).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429, requestId: 'fake-req' });
    expect(s.requests).toHaveLength(1);
  });

  it('does not retry other failures (500), nor anything with retry: false', async () => {
    const s = await serve((_req, res, i) =>
      i === 0
        ? answerError(res, 500, 'INTERNAL')
        : answerError(res, 503, 'SERVICE_UNAVAILABLE', { 'retry-after': '0' }),
    );
    const client = createGatehouseClient({ url: s.url, retry: FAST_RETRY });
    expect((await gatehouseRejection(client.system.version.query())).reason).toBe('INTERNAL');
    const noRetry = createGatehouseClient({ url: s.url, retry: false });
    expect((await gatehouseRejection(noRetry.system.version.query())).reason).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(s.requests).toHaveLength(2);
  });
});

describe('failures below tRPC', () => {
  it('reports an unreachable server as SERVICE_UNAVAILABLE with no status', async () => {
    const s = await serve(() => undefined);
    const url = s.url;
    await s.close();
    server = undefined;
    const client = createGatehouseClient({ url, retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
    const err = await gatehouseRejection(client.system.version.query());
    expect(err.reason).toBe('SERVICE_UNAVAILABLE');
    expect(err.httpStatus).toBeUndefined();
  });

  it("reports a proxy's non-JSON 502 page with its status", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'proxy-1' });
      res.end('<html>Bad Gateway</html>');
    });
    const client = createGatehouseClient({ url: s.url, retry: false });
    expect(await gatehouseRejection(client.system.version.query())).toMatchObject({
      reason: 'SERVICE_UNAVAILABLE',
      httpStatus: 502,
      requestId: 'proxy-1',
    });
  });

  it('times out a call that gets no answer (TIMEOUT)', async () => {
    const s = await serve(() => undefined); // never answers
    const client = createGatehouseClient({ url: s.url, timeoutMs: 200 });
    const err = await gatehouseRejection(client.system.version.query());
    expect(err.reason).toBe('TIMEOUT');
    expect(s.requests).toHaveLength(1);
  });

  it("rejects with the caller's own abort reason, not a GatehouseError", async () => {
    const s = await serve(() => undefined);
    const client = createGatehouseClient({ url: s.url });
    const controller = new AbortController();
    const call = client.system.version.query(undefined, { signal: controller.signal });
    const reason = new Error('user navigated away');
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(call)).toBe(reason);
  });
});

describe('credentials', () => {
  it('sends an API key as a Bearer header, with the caller headers', async () => {
    const s = await serve((req, res) => answerBatch(res, req, VERSION));
    const client = createGatehouseClient({
      url: s.url,
      credentials: { apiKey: 'gh_test_key' },
      headers: () => ({ 'x-request-id': 'mine-1' }),
    });
    await client.system.version.query();
    expect(s.requests[0]?.headers.authorization).toBe('Bearer gh_test_key');
    expect(s.requests[0]?.headers['x-request-id']).toBe('mine-1');
  });

  it('cookie mode asks fetch to include browser credentials, adds no Authorization', async () => {
    const s = await serve((req, res) => answerBatch(res, req, VERSION));
    const seen: RequestInit[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(init ?? {});
      return fetch(input, init);
    };
    const client = createGatehouseClient({ url: s.url, credentials: 'cookie', fetch: spy });
    await client.system.version.query();
    expect(seen[0]?.credentials).toBe('include');
    expect(s.requests[0]?.headers.authorization).toBeUndefined();
  });

  describe('OAuth2 client credentials', () => {
    const clientId = 'key id';
    const clientSecret = 's3cr:et';

    function tokenServer(options: { refuseFirstToken?: boolean } = {}): Promise<FakeServer> {
      let issued = 0;
      let refused = false;
      return serve((req, res) => {
        if (req.url === '/oauth/token') {
          const ok =
            req.method === 'POST' &&
            req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
            req.headers.authorization ===
              `Basic ${Buffer.from('key+id:s3cr%3Aet').toString('base64')}` &&
            new URLSearchParams(req.body).get('grant_type') === 'client_credentials';
          if (!ok) {
            res.writeHead(401, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: 'invalid_client' }));
            return;
          }
          issued++;
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(
            JSON.stringify({
              access_token: `jwt-${issued}`,
              token_type: 'Bearer',
              expires_in: 900,
            }),
          );
          return;
        }
        if (options.refuseFirstToken && !refused && req.headers.authorization === 'Bearer jwt-1') {
          refused = true;
          answerError(res, 401, 'TOKEN_EXPIRED');
          return;
        }
        answerBatch(res, req, VERSION);
      });
    }

    it('fetches one token (RFC 6749 §4.4, Basic auth), shared and cached', async () => {
      const s = await tokenServer();
      const client = createGatehouseClient({
        url: s.url,
        credentials: { clientCredentials: { clientId, clientSecret } },
      });
      // A query batch and a mutation batch leave at once; both wait for the same token request.
      await Promise.all([client.system.version.query(), client.auth.signOut.mutate()]);
      await client.system.version.query();
      const tokenCalls = s.requests.filter((r) => r.url === '/oauth/token');
      expect(tokenCalls).toHaveLength(1);
      const calls = s.requests.filter((r) => r.url.startsWith('/trpc/'));
      expect(calls).toHaveLength(3);
      expect(calls.every((r) => r.headers.authorization === 'Bearer jwt-1')).toBe(true);
    });

    it('fetches a new token and retries once when the server refuses the token', async () => {
      const s = await tokenServer({ refuseFirstToken: true });
      const client = createGatehouseClient({
        url: s.url,
        credentials: { clientCredentials: { clientId, clientSecret } },
      });
      expect(await client.auth.signOut.mutate()).toEqual(VERSION);
      const auth = s.requests.map(
        (r) => `${r.url.split('?')[0]} ${r.headers.authorization?.slice(0, 12) ?? ''}`,
      );
      expect(auth).toEqual([
        '/oauth/token Basic a2V5K2',
        '/trpc/auth.signOut Bearer jwt-1',
        '/oauth/token Basic a2V5K2',
        '/trpc/auth.signOut Bearer jwt-2',
      ]);
    });

    it('reports a refused client as API_KEY_INVALID without calling the procedure', async () => {
      const s = await tokenServer();
      const client = createGatehouseClient({
        url: s.url,
        credentials: { clientCredentials: { clientId, clientSecret: 'wrong' } },
      });
      expect(await gatehouseRejection(client.system.version.query())).toMatchObject({
        reason: 'API_KEY_INVALID',
        httpStatus: 401,
      });
      expect(s.requests.filter((r) => r.url.startsWith('/trpc/'))).toHaveLength(0);
    });
  });
});
