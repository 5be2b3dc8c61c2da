import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/db/database';
import { mailCaptureOf, tokenFromMail, type MailCapture } from './mail-capture';
import { createTestClient, type TestClient } from './trpc-test-client';
import { EFFECT_WAIT_MS } from './deadlines';

export const TEST_PASSWORD = 'a long enough test passphrase';

const VERIFY_SUBJECT = /Confirm your email/;
const SIGN_UP_SUBJECT = /Confirm your email|Someone tried to sign up/;

/**
 * Follows the verification link mailed by the sign-up that was just made:
 * the mail that sign-up sent is the first to `email` after `seen` messages
 * (a verification for a new account, a notice for an existing one, which
 * needs nothing).
 */
export async function verifyEmailFromMail(
  client: TestClient,
  mail: MailCapture,
  email: string,
  seen: number,
): Promise<void> {
  const deadline = Date.now() + EFFECT_WAIT_MS;
  for (;;) {
    const sent = mail.messages
      .slice(seen)
      .find((m) => m.to.toLowerCase() === email.toLowerCase() && SIGN_UP_SUBJECT.test(m.subject));
    if (sent) {
      if (VERIFY_SUBJECT.test(sent.subject))
        await client.trpc.auth.verifyEmail.mutate({ token: tokenFromMail(sent) });
      return;
    }
    if (Date.now() > deadline) throw new Error(`no sign-up mail to ${email}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Signs a user up and in over HTTP (the real procedures, real cookie), and
 * optionally makes them a global admin directly in the database. The email
 * is verified through the real mailed link (creating keys, orgs and
 * invitations needs it) unless `verified: false`.
 */
export async function signInUser(
  url: string,
  email: string,
  options?: { db?: Kysely<Database>; admin?: boolean; password?: string; verified?: boolean },
): Promise<TestClient & { userId: string }> {
  const client = createTestClient(url);
  const password = options?.password ?? TEST_PASSWORD;
  const mail = options?.verified === false ? undefined : mailCaptureOf(url);
  const seen = mail?.messages.length ?? 0;
  await client.trpc.auth.signUp.mutate({ email, password });
  if (mail) await verifyEmailFromMail(client, mail, email, seen);
  if (options?.admin) {
    if (!options.db) throw new Error('admin: pass the database');
    await options.db
      .updateTable('users')
      .set({ role: 'admin' })
      .where('email', '=', email)
      .execute();
  }
  const result = await client.trpc.auth.signIn.mutate({ email, password });
  if (result.status !== 'signed_in')
    throw new Error(`${email}: expected a session, got ${result.status}`);
  return { ...client, userId: result.user.id };
}
