import type { Accepted, SignUpInput } from '@gatehouse/shared';
import type { Context } from '../pipeline/context';
import { enqueueMail } from '../mail/enqueue-mail';
import { authMails } from './auth-mails';
import { publicBaseUrl } from './base-url';
import { createOneTimeToken } from './one-time-tokens';
import { passwordProblem } from './password-policy';
import { passwordRefusal } from './password-problem-message';
import { findUserByEmail, insertUser } from './user-queries';

const VERIFY_TTL_MS = 48 * 3_600_000;

/**
 * Creates an account and mails a verification link. An email that already
 * has an account gets the same answer, after the same work (one argon2id
 * hash, one outbox row), and its owner gets a notice instead: the response
 * says nothing about who is registered. Nobody is signed in.
 */
export async function signUp(ctx: Context, input: SignUpInput): Promise<Accepted> {
  const { deps } = ctx;
  const problem = passwordProblem(input.password, input.email, deps.config.auth.passwordMinLength);
  if (problem) throw passwordRefusal(problem, deps.config.auth.passwordMinLength, 'password');
  const passwordHash = await deps.passwords.hash(input.password);
  const baseUrl = publicBaseUrl(deps.config);

  await deps.db.transaction().execute(async (trx) => {
    const created = await insertUser(trx, {
      email: input.email,
      name: input.name ?? null,
      passwordHash,
    });
    if (created) {
      const token = await createOneTimeToken(trx, 'email_verification', created.id, VERIFY_TTL_MS);
      await enqueueMail(
        trx,
        deps,
        'verify_email',
        authMails.verifyEmail(created.email, baseUrl, token),
      );
      // No principal yet: the new account is the actor.
      const self = { type: 'user', id: created.id } as const;
      await ctx.audit.record(trx, 'auth.sign_up', { actor: self, target: self });
    } else {
      const existing = await findUserByEmail(trx, input.email);
      if (existing)
        await enqueueMail(
          trx,
          deps,
          'already_registered',
          authMails.alreadyRegistered(existing.email, baseUrl),
        );
    }
  });
  deps.outbox.kick();
  return { accepted: true };
}
