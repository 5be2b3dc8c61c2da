import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/create-app';
import { closeApp, testConfig } from '../../../test/support/test-app';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { protocolTestRouter } from './protocol-test-router';

type ProtocolRouter = typeof protocolTestRouter;

/** The reason and status a failed call carried to tRPC's client. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ reason: unknown; httpStatus: unknown; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TRPCClientError);
    const e = err as TRPCClientError<ProtocolRouter>;
    const data = e.data as { reason?: unknown; httpStatus?: unknown } | undefined;
    return { reason: data?.reason, httpStatus: data?.httpStatus, message: e.message };
  }
  throw new Error('the call succeeded');
}

/**
 * tRPC's own client links, unchanged, against Gatehouse's handler: what a
 * frontend team's SDK relies on.
 */
describe('tRPC client links against our handler', () => {
  let database: TestDatabase;
  let app: App;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    app = await createApp({
      config: testConfig(),
      log: pino({ level: 'silent' }),
      database: database.handle,
      router: protocolTestRouter,
    });
    const address = await app.listen();
    url = `http://127.0.0.1:${address.port}/trpc`;
  });
  afterAll(async () => {
    if (app) await closeApp(app);
    await database?.destroy();
  });

  const links: readonly [string, () => TRPCLink<ProtocolRouter>][] = [
    ['httpLink', () => httpLink({ url })],
    ['httpBatchLink', () => httpBatchLink({ url })],
    ['httpBatchStreamLink (answered by tRPC’s own handler)', () => httpBatchStreamLink({ url })],
  ];

  describe.each(links)('%s', (_name, link) => {
    const client = (): ReturnType<typeof createTRPCClient<ProtocolRouter>> =>
      createTRPCClient<ProtocolRouter>({ links: [link()] });

    it('runs queries and mutations', async () => {
      const c = client();
      expect(await c.t.echo.query({ text: 'hello' })).toEqual({ text: 'hello' });
      expect(await c.t.none.query()).toEqual({ got: false });
      expect(await c.t.add.mutate({ a: 2, b: 40 })).toEqual({ sum: 42 });
      expect((await c.system.version.query()).name).toBe('gatehouse');
    });

    it('runs several calls at once (one batched request for the batch links)', async () => {
      const c = client();
      const [a, b, v] = await Promise.all([
        c.t.echo.query({ text: 'a' }),
        c.t.echo.query({ text: 'b' }),
        c.system.version.query(),
      ]);
      expect([a, b, v.name]).toEqual([{ text: 'a' }, { text: 'b' }, 'gatehouse']);
    });

    it('carries errors with reason and status, also beside successes in a batch', async () => {
      const c = client();
      const [ok, limited, unauth] = await Promise.allSettled([
        c.t.echo.query({ text: 'ok' }),
        c.t.limited.query(),
        c.t.mine.query(),
      ]);
      expect(ok).toEqual({ status: 'fulfilled', value: { text: 'ok' } });
      expect(limited.status).toBe('rejected');
      expect(
        await refusal(Promise.reject((limited as PromiseRejectedResult).reason)),
      ).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429 });
      expect(await refusal(Promise.reject((unauth as PromiseRejectedResult).reason))).toMatchObject(
        { reason: 'UNAUTHENTICATED', httpStatus: 401 },
      );
      expect(await refusal(c.t.conflict.mutate())).toMatchObject({
        reason: 'CONFLICT',
        httpStatus: 409,
        message: 'Already there',
      });
      expect(await refusal(c.t.echo.query({ text: 'far too long a text' }))).toMatchObject({
        reason: 'VALIDATION_FAILED',
        httpStatus: 400,
      });
    });

    it('hides an internal error’s message', async () => {
      const failed = await refusal(client().t.plain.query());
      expect(failed).toEqual({
        reason: 'INTERNAL',
        httpStatus: 500,
        message: 'Internal server error',
      });
    });
  });
});
