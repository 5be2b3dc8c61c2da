import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { basicAuthRefusal } from '../../src/pipeline/basic-auth-refusal';
import { createApiKeyAuthenticator } from '../../src/api-keys/api-key-authenticator';
import { mintApiKey } from '../../src/api-keys/api-key-token';
import type { AppDeps } from '../../src/app-deps';
import { appRouter } from '../../src/app-router';
import { createRequestHandler } from '../../src/http/create-request-handler';
import { createTrpcEndpoint } from '../../src/http/trpc-endpoint';
import { signInUser } from '../../../test/support/sign-in-user';
import { useTestApp } from '../../../test/support/use-test-app';
import { DATABASE_KINDS } from '../../../test/support/test-env';

/**
 * The refusals that must cost no database work: a credential in the query
 * string, a key with a bad shape or checksum, HTTP Basic. The same front door
 * and tRPC endpoint as the app, over HTTP, but every way to the database
 * throws and is counted.
 */
describe.each(DATABASE_KINDS)('refused before any database read (%s)', (kind) => {
  let server: http.Server;
  let url: string;
  let realKey: { key: string; id: string };
  const touched: string[] = [];
  const exploding = new Proxy(
    {},
    {
      get(_target, property) {
        touched.push(String(property));
        throw new Error(`the database was used (${String(property)})`);
      },
    },
  ) as never;

  const t = useTestApp({ kind });
  beforeAll(async () => {
    const user = await signInUser(t.url, `no-db-${kind}@example.com`);
    const created = await user.trpc.apiKeys.create.mutate({
      name: 'leaked',
      scopes: ['self:read'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    realKey = { key: created.key, id: created.apiKey.id };
    const real = t.app.deps;
    const isolated: AppDeps = {
      ...real,
      db: exploding,
      database: exploding,
      authenticators: [
        createApiKeyAuthenticator({
          db: exploding,
          audit: { append: () => Promise.reject(new Error('audit used')) },
          log: real.log,
        }),
        basicAuthRefusal,
      ],
      exposedCredentialRevoker: () => Promise.resolve(),
    };
    server = http.createServer(
      createRequestHandler(isolated, createTrpcEndpoint({ router: appRouter, deps: isolated })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(() => {
    touched.length = 0;
  });

  const body = async (res: Response) =>
    (await res.json()) as {
      error: { message: string; data: { reason: string; httpStatus: number } };
    };

  it('a key in the query string: 400 API_KEY_IN_QUERY, any credential name, any path', async () => {
    for (const param of ['api_key', 'apikey', 'key', 'token', 'API_KEY', 'access_token']) {
      for (const path of ['/trpc/auth.me', '/oauth/token', '/healthz', '/nowhere']) {
        const res = await fetch(`${url}${path}?${param}=${realKey.key}`, {
          headers: { authorization: `Bearer ${realKey.key}` },
        });
        expect(res.status).toBe(400);
        const { error } = await body(res);
        expect(error.data.reason).toBe('API_KEY_IN_QUERY');
        expect(error.message).toMatch(/URLs end up in logs/);
      }
    }
    expect(touched).toEqual([]);
    // And the real database did not change: no use recorded, no audit event for the key.
    const row = await t.database.handle.db
      .selectFrom('api_keys')
      .select(['last_used_at', 'revoked_at'])
      .where('id', '=', realKey.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ last_used_at: null, revoked_at: null });
    const events = await t.database.handle.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_id', '=', realKey.id)
      .execute();
    expect(events).toEqual([]);
  });

  it('a key with a wrong checksum or shape: 401 API_KEY_INVALID, either header', async () => {
    const { key } = mintApiKey();
    const badSum = `${key.slice(0, -1)}${key.at(-1) === 'a' ? 'b' : 'a'}`;
    const real = realKey.key;
    const flipped = `${real.slice(0, 30)}${real[30] === 'a' ? 'b' : 'a'}${real.slice(31)}`;
    for (const presented of [badSum, flipped, 'gth_live_short', `${key}x`]) {
      for (const headers of [
        { authorization: `Bearer ${presented}` },
        { 'x-api-key': presented },
      ] as Record<string, string>[]) {
        const res = await fetch(`${url}/trpc/auth.me`, { headers });
        expect(res.status).toBe(401);
        expect((await body(res)).error.data.reason).toBe('API_KEY_INVALID');
      }
    }
    expect(touched).toEqual([]);
  });

  it('Authorization: Basic on /trpc: 401 BASIC_AUTH_UNSUPPORTED pointing to Bearer', async () => {
    const res = await fetch(`${url}/trpc/auth.me`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${realKey.id}:${realKey.key}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(401);
    const { error } = await body(res);
    expect(error.data.reason).toBe('BASIC_AUTH_UNSUPPORTED');
    expect(error.message).toMatch(/Bearer/);
    expect(touched).toEqual([]);
  });

  it('the isolated server reads the database for a well-formed key (counter works)', async () => {
    const res = await fetch(`${url}/trpc/auth.me`, { headers: { 'x-api-key': realKey.key } });
    expect(res.status).toBe(500);
    expect(touched.length).toBeGreaterThan(0);
  });
});
