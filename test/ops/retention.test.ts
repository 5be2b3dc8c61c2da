import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sweepRetention } from '../../server/src/db/retention-sweep';
import { purgeExpiredSessions } from '../../server/src/sessions/purge-expired-sessions';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';

describe.each(DATABASE_KINDS)('retention sweep (%s)', (kind) => {
  const t = useTestApp({ kind });

  const db = () => t.database.handle.db;
  const session = async (userId: string, id: string, expiresIn: string) =>
    db()
      .insertInto('sessions')
      .values({
        id,
        secret_hash: randomBytes(32),
        user_id: userId,
        expires_at: sql<Date>`now() + ${expiresIn}::interval`,
      })
      .execute();
  const token = async (expiresIn: string) => {
    const hash = randomBytes(32);
    await db()
      .insertInto('one_time_tokens')
      .values({
        token_hash: hash,
        purpose: 'password_reset',
        expires_at: sql<Date>`now() + ${expiresIn}::interval`,
      })
      .execute();
    return hash.toString('hex');
  };
  // Unsent rows are parked a year ahead, so the app's outbox sender leaves them alone.
  const mail = async (sentAgo: string | null, createdAgo = '0 seconds') => {
    const { id } = await db()
      .insertInto('mail_outbox')
      .values({
        kind: 'password_reset',
        to_address: 'someone@example.com',
        payload: 'sealed',
        next_attempt_at: sql<Date>`now() + interval '1 year'`,
        sent_at: sentAgo === null ? null : sql<Date>`now() - ${sentAgo}::interval`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`update mail_outbox set created_at = now() - ${createdAgo}::interval where id =
      ${id}`.execute(db());
    return id;
  };

  it('deletes expired sessions and tokens, old mail and responses; keeps the rest', async () => {
    const user = await signInUser(t.url, `retention-${kind}@example.com`);
    await session(user.userId, 'retention-expired', '-1 minute');
    await session(user.userId, 'retention-live', '1 hour');
    const [oldToken, recentlyExpired, liveToken] = [
      await token('-2 days'),
      await token('-1 hour'),
      await token('1 hour'),
    ];
    const [oldMail, recentMail, unsentOld] = [
      await mail('8 days'),
      await mail('1 day'),
      await mail(null, '30 days'),
    ];
    await db()
      .insertInto('idempotency_keys')
      .values([
        {
          principal: `user:${user.userId}`,
          key: 'retention-old',
          procedure: 'projects.create',
          request_hash: Buffer.alloc(32),
          state: 'done',
          response: 'null',
        },
        {
          principal: `user:${user.userId}`,
          key: 'retention-fresh',
          procedure: 'projects.create',
          request_hash: Buffer.alloc(32),
          state: 'done',
          response: 'null',
        },
      ])
      .execute();
    await sql`update idempotency_keys set created_at = now() - interval '25 hours' where key =
      'retention-old'`.execute(db());

    const deleted = await sweepRetention(db(), pino({ level: 'silent' }));
    expect(deleted.sessions).toBeGreaterThanOrEqual(1);
    expect(deleted.one_time_tokens).toBeGreaterThanOrEqual(1);
    expect(deleted.mail_outbox).toBeGreaterThanOrEqual(1);
    expect(deleted.idempotency_keys).toBeGreaterThanOrEqual(1);

    const sessions = (
      await db()
        .selectFrom('sessions')
        .select('id')
        .where('id', 'in', ['retention-expired', 'retention-live'])
        .execute()
    ).map((r) => r.id);
    expect(sessions).toEqual(['retention-live']);
    const tokens = (await db().selectFrom('one_time_tokens').select('token_hash').execute()).map(
      (r) => Buffer.from(r.token_hash).toString('hex'),
    );
    expect(tokens).not.toContain(oldToken);
    expect(tokens).toEqual(expect.arrayContaining([recentlyExpired, liveToken]));
    const mails = (
      await db()
        .selectFrom('mail_outbox')
        .select('id')
        .where('id', 'in', [oldMail, recentMail, unsentOld])
        .execute()
    ).map((r) => r.id);
    expect(mails.sort()).toEqual([recentMail, unsentOld].sort());
    const keys = (
      await db()
        .selectFrom('idempotency_keys')
        .select('key')
        .where('key', 'in', ['retention-old', 'retention-fresh'])
        .execute()
    ).map((r) => r.key);
    expect(keys).toEqual(['retention-fresh']);
    // The signed-in user's own session was never touched.
    expect((await user.jar.fetch(`${t.url}/trpc/auth.me`)).status).toBe(200);
  });

  it('deletes in batches until none is left', async () => {
    const user = await signInUser(t.url, `retention-batches-${kind}@example.com`);
    for (let i = 0; i < 5; i++) await session(user.userId, `retention-batch-${i}`, '-1 hour');
    expect(await purgeExpiredSessions(db(), 2)).toBe(5);
    expect(
      await db()
        .selectFrom('sessions')
        .select('id')
        .where('id', 'like', 'retention-batch-%')
        .execute(),
    ).toEqual([]);
  });
});
