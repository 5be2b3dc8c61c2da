import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENEROUS_LIMITS } from '../support/generous-limits';
import { closeApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createApp, type App } from '../../server/src/create-app';
import { createLogger } from '../../server/src/observability/create-logger';
import { signInUser, TEST_PASSWORD } from '../support/sign-in-user';
import { createTestClient, refusal } from '../support/trpc-test-client';

interface Line {
  event?: string;
  schema?: number;
  type?: string;
  requestId?: string;
  ip?: string;
  principal?: { kind: string; userId: string } | null;
  details?: Record<string, unknown>;
}

describe('security events in the log', () => {
  const lines: string[] = [];
  let database: TestDatabase;
  let app: App;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    app = await createApp({
      config: testConfig({
        LOG_LEVEL: 'info',
        ...GENEROUS_LIMITS,
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '2',
      }),
      log: createLogger({ level: 'info', destination }),
      database: database.handle,
    });
    url = `http://127.0.0.1:${(await app.listen()).port}`;
  });
  afterAll(async () => {
    if (app) await closeApp(app);
    await database?.destroy();
  });
  const events = (): Line[] =>
    lines.map((l) => JSON.parse(l) as Line).filter((l) => l.event === 'security');

  it('records security events with request id, principal and IP, never secrets', async () => {
    const user = await signInUser(url, 'events@example.com');
    const stranger = createTestClient(url);
    for (let i = 0; i < 3; i++)
      await refusal(
        stranger.trpc.auth.signIn.mutate({
          email: 'events-victim@example.com',
          password: `wrong-password-${i}-long`,
        }),
      );
    await fetch(`${url}/trpc/auth.me`, {
      headers: {
        cookie:
          'gatehouse_session=aaaaaaaaaaaaaaaaaaaaaaaa.forgedforgedforgedforgedforgedforgedforge',
      },
    });
    await fetch(`${url}/trpc/auth.signOut`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: user.jar.header(),
        origin: 'https://evil.example',
      },
      body: '{}',
    });
    await refusal(user.trpc.admin.users.list.query({}));
    await database.handle.db
      .updateTable('users')
      .set({ role: 'admin' })
      .where('id', '=', user.userId)
      .execute();
    const admin = createTestClient(url);
    await admin.trpc.auth.signIn.mutate({ email: 'events@example.com', password: TEST_PASSWORD });
    const target = await signInUser(url, 'events-target@example.com');
    await admin.trpc.admin.users.setRole.mutate({ id: target.userId, role: 'admin' });

    const byType = new Map(events().map((e) => [e.type, e]));
    for (const type of [
      'auth.sign_in_failed',
      'auth.locked_out',
      'auth.credential_invalid',
      'csrf.rejected',
      'authz.denied',
      'privilege.changed',
    ]) {
      const e = byType.get(type);
      expect(e, type).toBeDefined();
      expect(e?.schema).toBe(1);
      expect(e?.requestId).toMatch(/.+/);
      expect(e?.ip).toBe('127.0.0.1');
    }
    expect(byType.get('authz.denied')?.principal?.userId).toBe(user.userId);
    expect(byType.get('privilege.changed')?.details).toMatchObject({
      targetUserId: target.userId,
      role: 'admin',
    });
    const all = events()
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect(all).not.toContain('wrong-password');
    expect(all).not.toContain(TEST_PASSWORD);
    expect(all).not.toContain('forgedforged');
    expect(all).not.toContain((user.jar.get('gatehouse_session') ?? 'x').split('.')[1]);
  });
});
