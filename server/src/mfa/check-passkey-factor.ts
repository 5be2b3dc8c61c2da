import type { PasskeyAssertion } from '@gatehouse/shared';
import { sha256 } from '../crypto/random-token';
import { boundBrowserHash } from '../http/browser-binding';
import type { AuditActor } from '../pipeline/audit-sink';
import type { Context } from '../pipeline/context';
import type { ChallengeBinding } from '../passkeys/passkey-challenge';
import { NO_BROWSER } from '../passkeys/passkey-sign-in';
import { verifyPasskeyAssertion } from '../passkeys/verify-passkey-assertion';

/**
 * Checks a passkey's assertion as a second factor of `userId`: at sign-in, to the challenge
 * `auth.passkey.options({ mfaChallenge })` bound to this browser and that MFA challenge; at
 * step-up, to the one `account.passkeys.reauthenticationOptions` bound to the session. Audited
 * as `mfa.verify` (`details.method: 'passkey'`), as the principal or `actor`.
 */
export async function checkPasskeyFactor(
  ctx: Pick<Context, 'deps' | 'audit' | 'headers' | 'secure'>,
  userId: string,
  assertion: PasskeyAssertion,
  bound: { readonly mfa: string } | { readonly session: string },
  actor?: AuditActor,
): Promise<boolean> {
  const binding: ChallengeBinding =
    'mfa' in bound
      ? {
          use: 'mfa',
          browser: boundBrowserHash('passkey', ctx.headers.cookie, ctx.secure) ?? NO_BROWSER,
          mfa: sha256(bound.mfa).toString('hex'),
        }
      : { use: 'reauthenticate', session: bound.session };
  const result = await verifyPasskeyAssertion(ctx, assertion, { userId, binding });
  await ctx.audit.record(ctx.deps.db, 'mfa.verify', {
    target: { type: 'user', id: userId },
    outcome: result.ok ? 'success' : 'failure',
    details: {
      method: 'passkey',
      ...(result.ok ? {} : { cause: result.why }),
      ...(result.passkey ? { authenticator: result.passkey.id } : {}),
    },
    ...(actor ? { actor } : {}),
  });
  return result.ok;
}
