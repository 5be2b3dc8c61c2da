import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/db/database';
import { createTestClient, type TestClient } from './trpc-test-client';

export const TEST_PASSWORD = 'a long enough test passphrase';

/**
 * Signs a user up and in over HTTP (the real procedures, real cookie), and
 * optionally makes them a global admin directly in the database.
 */
export async function signInUser(url: string, email: string, options?: { db?: Kysely<Database>; admin?: boolean; password?: string }): Promise<TestClient & { userId: string }> {
  const client = createTestClient(url);
  const password = options?.password ?? TEST_PASSWORD;
  await client.trpc.auth.signUp.mutate({ email, password });
  if (options?.admin) {
    if (!options.db) throw new Error('admin: pass the database');
    await options.db.updateTable('users').set({ role: 'admin' }).where('email', '=', email).execute();
  }
  const result = await client.trpc.auth.signIn.mutate({ email, password });
  if (result.status !== 'signed_in') throw new Error(`${email}: expected a session, got ${result.status}`);
  return { ...client, userId: result.user.id };
}
