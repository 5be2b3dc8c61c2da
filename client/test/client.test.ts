import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/use-test-app';
import { DATABASE_KINDS } from '../../test/support/test-env';
import {
  createGatehouseClient,
  GatehouseError,
  isGatehouseError,
  MAX_BATCH_ITEMS,
  REASONS,
  SignUpInput,
} from '../src/index';

async function gatehouseRejection(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (err) {
    if (isGatehouseError(err)) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe.each(DATABASE_KINDS)('client SDK against the real server (%s)', (kind) => {
  const t = useTestApp({ kind });

  /** A client whose fetch records every URL it sends. */
  function recordingClient(): { client: ReturnType<typeof createGatehouseClient>; urls: string[] } {
    const urls: string[] = [];
    const client = createGatehouseClient({
      url: t.url,
      fetch: (input, init) => {
        urls.push(input instanceof Request ? input.url : input.toString());
        return fetch(input, init);
      },
    });
    return { client, urls };
  }

  it('calls system.version', async () => {
    const client = createGatehouseClient({ url: t.url });
    expect(await client.system.version.query()).toEqual({
      name: 'gatehouse',
      version: expect.any(String),
      node: process.versions.node,
    });
  });

  it('batches calls of one tick into one request, at most MAX_BATCH_ITEMS calls each', async () => {
    const { client, urls } = recordingClient();
    const three = await Promise.all([1, 2, 3].map(() => client.system.version.query()));
    expect(three).toHaveLength(3);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain('/trpc/system.version,system.version,system.version?batch=1');

    urls.length = 0;
    // One more than the server's batch limit: split in two, and the server accepts both.
    await Promise.all(
      Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => client.system.version.query()),
    );
    expect(urls).toHaveLength(2);
  });

  it('splits a batch whose URL is too long; a query that cannot fit: URL_TOO_LONG', async () => {
    const { client, urls } = recordingClient();
    const pad = { pad: 'x'.repeat(1200) } as never;
    const both = await Promise.allSettled([
      client.system.version.query(pad),
      client.system.version.query(pad),
    ]);
    expect(urls).toHaveLength(2);
    // The server refuses the unknown key: a strict input schema.
    expect(
      both.map((r) =>
        r.status === 'rejected' && isGatehouseError(r.reason) ? r.reason.reason : r.status,
      ),
    ).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);

    urls.length = 0;
    const err = await gatehouseRejection(
      client.system.version.query({ pad: 'x'.repeat(3000) } as never),
    );
    expect(err.reason).toBe('URL_TOO_LONG');
    expect(urls).toHaveLength(0);
  });

  it('turns a refusal into a GatehouseError with reason, status, code, request id', async () => {
    const client = createGatehouseClient({ url: t.url, headers: { 'x-request-id': 'sdk-test-1' } });
    const err = await gatehouseRejection(client.auth.me.query());
    expect(err).toBeInstanceOf(GatehouseError);
    expect(err).toMatchObject({
      reason: 'UNAUTHENTICATED',
      httpStatus: 401,
      code: 'UNAUTHORIZED',
      requestId: 'sdk-test-1',
    });
    expect(REASONS).toContain(err.reason);
  });

  it('refuses on the client the same too-short password the server refuses', async () => {
    const input = { email: 'form@example.com', password: 'short' };
    const local = SignUpInput.safeParse(input);
    expect(local.success).toBe(false);
    expect(
      local.error?.issues.map((i) =>
        i.code === 'custom' ? (i.params as { reason?: string } | undefined)?.reason : i.code,
      ),
    ).toEqual(['PASSWORD_TOO_SHORT']);

    const client = createGatehouseClient({ url: t.url });
    const err = await gatehouseRejection(client.auth.signUp.mutate(input));
    expect(err).toMatchObject({ reason: 'PASSWORD_TOO_SHORT', httpStatus: 400 });
    expect(err.issues).toEqual([
      { path: 'password', code: 'custom', reason: 'PASSWORD_TOO_SHORT' },
    ]);
  });
});
