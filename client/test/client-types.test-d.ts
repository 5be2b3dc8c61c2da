import type { AppRouter as ServerAppRouter } from '@gatehouse/server';
import type { inferRouterError } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createGatehouseClient,
  isGatehouseError,
  type GatehouseError,
  type GatehouseErrorShape,
  type Reason,
  type RouterInputs,
  type RouterOutputs,
} from '../src/index';

const client = createGatehouseClient({ url: 'http://localhost:3000' });

describe('client types', () => {
  it('infers outputs', () => {
    expectTypeOf(client.system.version.query).returns.resolves.toEqualTypeOf<{
      name: 'gatehouse';
      version: string;
      node: string;
    }>();
    expectTypeOf<RouterOutputs['system']['version']>().toEqualTypeOf<{
      name: 'gatehouse';
      version: string;
      node: string;
    }>();
  });

  it('infers inputs and refuses wrong ones', () => {
    expectTypeOf(client.auth.signUp.mutate)
      .parameter(0)
      .toEqualTypeOf<{ email: string; password: string; name?: string | undefined }>();
    expectTypeOf<RouterInputs['auth']['signIn']>().toEqualTypeOf<{
      email: string;
      password: string;
    }>();
    // @ts-expect-error email must be a string
    void client.auth.signIn.mutate({ email: 42, password: 'x' });
    // @ts-expect-error inputs are strict objects: no unknown keys
    void client.auth.signIn.mutate({ email: 'a@example.com', password: 'x', admin: true });
    // @ts-expect-error queries have no mutate, mutations no query
    void client.system.version.mutate();
    // @ts-expect-error no such procedure
    void client.system.nope.query();
  });

  it('types error reasons as the closed Reason union', () => {
    expectTypeOf<GatehouseError['reason']>().toEqualTypeOf<Reason>();
    expectTypeOf<'RATE_LIMITED'>().toMatchTypeOf<GatehouseError['reason']>();
    expectTypeOf<'NOT_A_REASON'>().not.toMatchTypeOf<GatehouseError['reason']>();
    expectTypeOf<GatehouseError['httpStatus']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<GatehouseError['requestId']>().toEqualTypeOf<string | undefined>();
    const err: unknown = new Error('x');
    if (isGatehouseError(err, 'RATE_LIMITED', 'TOO_MANY_ATTEMPTS')) {
      expectTypeOf(err.reason).toEqualTypeOf<'RATE_LIMITED' | 'TOO_MANY_ATTEMPTS'>();
    }
    // @ts-expect-error only known reasons can be asked for
    isGatehouseError(err, 'NOPE');
  });

  it("keeps the client's error shape in step with the server's formatter", () => {
    expectTypeOf<inferRouterError<ServerAppRouter>>().toMatchTypeOf<GatehouseErrorShape>();
  });

  it('takes exactly one kind of credentials', () => {
    createGatehouseClient({
      url: 'u',
      credentials: { clientCredentials: { clientId: 'id', clientSecret: 's' } },
    });
    // @ts-expect-error unknown credential kind
    createGatehouseClient({ url: 'u', credentials: 'basic' });
  });
});
