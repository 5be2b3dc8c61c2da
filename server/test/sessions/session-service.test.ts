import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalRevocationBus,
  type RevocationBus,
  type RevocationMessage,
} from '../../src/sessions/revocation-bus';
import { createSessionService, type SessionService } from '../../src/sessions/session-service';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { DATABASE_KINDS } from '../../../test/support/test-env';

const HOUR = 3_600_000;

describe.each(DATABASE_KINDS)('session service (%s)', (kind) => {
  let t: TestDatabase;
  let userId: string;
  let clock: number;
  let service: SessionService;
  const now = () => new Date(clock);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const user = await t.handle.db
      .insertInto('users')
      .values({ email: 'sess@example.com', name: null, password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    userId = user.id;
    clock = Date.now();
    service = createSessionService({
      db: t.handle.db,
      idleMs: 10 * 24 * HOUR,
      absoluteMs: 30 * 24 * HOUR,
      bus: createLocalRevocationBus(),
      cacheTtlMs: 0,
      now,
    });
  });
  afterAll(async () => t?.destroy());

  it('stores only the id and SHA-256 of the secret', async () => {
    const { token, session } = await service.create(userId, { ip: '127.0.0.1', userAgent: 'test' });
    const row = await t.handle.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    const secret = token.split('.')[1] ?? '';
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(Buffer.from(row.secret_hash)).toHaveLength(32);
    expect((await service.validate(token))?.userId).toBe(userId);
  });

  it('records last use at most once an hour', async () => {
    const { token, session } = await service.create(userId, { ip: null, userAgent: null });
    const read = async () =>
      (
        await t.handle.db
          .selectFrom('sessions')
          .select('last_used_at')
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    const before = new Date(await read()).getTime();
    clock += 30 * 60_000;
    await service.validate(token);
    expect(new Date(await read()).getTime()).toBe(before);
    clock += 31 * 60_000;
    await service.validate(token);
    expect(new Date(await read()).getTime()).toBeGreaterThan(before);
  });

  it('expires after the idle timeout and deletes the row', async () => {
    const { token, session } = await service.create(userId, { ip: null, userAgent: null });
    clock += 10 * 24 * HOUR + 60_000;
    expect(await service.validate(token)).toBeUndefined();
    expect(
      await t.handle.db
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', session.id)
        .executeTakeFirst(),
    ).toBeUndefined();
  });

  it('expires at the absolute lifetime even when used every day', async () => {
    const { token } = await service.create(userId, { ip: null, userAgent: null });
    for (let day = 0; day < 29; day++) {
      clock += 24 * HOUR;
      expect(await service.validate(token)).toBeDefined();
    }
    clock += 2 * 24 * HOUR;
    expect(await service.validate(token)).toBeUndefined();
  });

  it('refuses a locked user’s session', async () => {
    const { token } = await service.create(userId, { ip: null, userAgent: null });
    await t.handle.db
      .updateTable('users')
      .set({ locked_at: new Date(clock) })
      .where('id', '=', userId)
      .execute();
    expect(await service.validate(token)).toBeUndefined();
    await t.handle.db
      .updateTable('users')
      .set({ locked_at: null })
      .where('id', '=', userId)
      .execute();
  });
});

describe('session cache and revocation fan-out', () => {
  let t: TestDatabase;
  let userId: string;
  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    userId = (
      await t.handle.db
        .insertInto('users')
        .values({ email: 'cache@example.com', name: null, password_hash: 'x' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => t?.destroy());

  /** Two "instances" sharing one database and one bus, like two processes sharing Redis. */
  function pairOnSharedBus(): [SessionService, SessionService] {
    const handlers: ((m: RevocationMessage) => void)[] = [];
    const bus: RevocationBus = {
      publish: async (m) => handlers.forEach((h) => h(m)),
      subscribe: (h) => void handlers.push(h),
      isConnected: () => true,
      close: async () => undefined,
    };
    const make = () =>
      createSessionService({
        db: t.handle.db,
        idleMs: HOUR,
        absoluteMs: 24 * HOUR,
        bus,
        cacheTtlMs: 60_000,
      });
    return [make(), make()];
  }

  it('a revocation on one instance stops the cached session on the other at once', async () => {
    const [a, b] = pairOnSharedBus();
    const { token, session } = await a.create(userId, { ip: null, userAgent: null });
    expect(await b.validate(token)).toBeDefined(); // now cached in b
    await a.revoke(session.id);
    expect(await b.validate(token)).toBeUndefined();
  });

  it('a cached entry still checks the secret in constant time', async () => {
    const [a] = pairOnSharedBus();
    const { token } = await a.create(userId, { ip: null, userAgent: null });
    expect(await a.validate(token)).toBeDefined();
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    expect(await a.validate(forged)).toBeUndefined();
  });

  it('does not serve from cache while the bus is disconnected', async () => {
    let connected = true;
    const bus: RevocationBus = {
      publish: async () => undefined,
      subscribe: () => undefined,
      isConnected: () => connected,
      close: async () => undefined,
    };
    const s = createSessionService({
      db: t.handle.db,
      idleMs: HOUR,
      absoluteMs: 24 * HOUR,
      bus,
      cacheTtlMs: 60_000,
    });
    const { token, session } = await s.create(userId, { ip: null, userAgent: null });
    expect(await s.validate(token)).toBeDefined();
    connected = false;
    // Deleted behind the cache's back (another instance, message lost): must not be served.
    await t.handle.db.deleteFrom('sessions').where('id', '=', session.id).execute();
    expect(await s.validate(token)).toBeUndefined();
  });
});
