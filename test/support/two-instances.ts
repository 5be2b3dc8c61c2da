import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { UNLIMITED } from '../faults/fault-fixture';
import { TEST_PASSWORD } from './sign-in-user';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture';
import { spawnServer, type SpawnedServer } from './spawn-server';
import { createPostgresDatabase, dropPostgresDatabase } from './test-database';
import { REDIS_URL } from './test-env';

/**
 * Two server processes on one fresh PostgreSQL database and one Redis, as two instances of a
 * deployment are (the caller runs only where both are set: `describe.runIf`), with a
 * connection of the test's own and a loopback SMTP listener both servers mail to.
 */
export interface TwoInstances {
  readonly a: SpawnedServer;
  readonly b: SpawnedServer;
  readonly db: pg.Client;
  readonly smtp: SmtpCapture;
}

/** Starts the pair in `beforeAll` (A migrates), stops it and drops the database in `afterAll`. */
export function useTwoInstances(prefix: string): TwoInstances {
  const dbName = `gatehouse_${prefix}_${randomUUID().replaceAll('-', '')}`;
  let pair: TwoInstances | undefined;
  beforeAll(async () => {
    const url = await createPostgresDatabase(dbName);
    const smtp = await startSmtpCapture();
    const env = {
      ...UNLIMITED,
      DATABASE_URL: url,
      REDIS_URL: REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `gatehouse-test-${randomUUID()}`,
      SMTP_URL: smtp.url,
    };
    const a = await spawnServer(env, { args: ['--migrate'] });
    const b = await spawnServer(env);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    pair = { a, b, db, smtp };
  });
  afterAll(async () => {
    const p = pair;
    pair = undefined;
    await p?.db.end();
    await Promise.all([p?.a.stop(), p?.b.stop()]);
    await p?.smtp.close();
    await dropPostgresDatabase(dbName);
  });
  const started = (): TwoInstances => {
    if (!pair) throw new Error('useTwoInstances: read before its beforeAll ran');
    return pair;
  };
  return {
    get a() {
      return started().a;
    },
    get b() {
      return started().b;
    },
    get db() {
      return started().db;
    },
    get smtp() {
      return started().smtp;
    },
  };
}

/** A verified user signed in on A (made a global admin in the database first when asked). */
export async function signedInOnA(
  pair: TwoInstances,
  email: string,
  options?: { admin?: boolean },
): Promise<{ cookie: string; id: string; email: string }> {
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${pair.a.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: pair.a.url },
      body: JSON.stringify(body),
    });
  expect((await post('auth.signUp', { email, password: TEST_PASSWORD })).status).toBe(200);
  const token = await pair.smtp.tokenFor(email);
  expect((await post('auth.verifyEmail', { token })).status).toBe(200);
  if (options?.admin)
    await pair.db.query("update users set role = 'admin' where email = $1", [email]);
  const res = await post('auth.signIn', { email, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const me = await fetch(`${pair.a.url}/trpc/auth.me`, { headers: { cookie } });
  const id = ((await me.json()) as { result: { data: { user: { id: string } } } }).result.data.user
    .id;
  return { cookie, id, email };
}
