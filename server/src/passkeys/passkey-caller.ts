import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { AppError } from '../pipeline/app-error';

/** A signed-in caller of `account.passkeys.*`. */
export type PasskeyCaller = Context & { principal: Principal };

/**
 * The session id of a caller that must be a signed-in session (the challenge is bound to it);
 * an API key or an access token is refused, as the pipeline refuses them step-up.
 */
export function sessionOf(ctx: PasskeyCaller): string {
  const id = ctx.principal.sessionId;
  if (!id)
    throw new AppError('SESSION_REQUIRED', { message: 'Passkeys are managed from a session' });
  return id;
}

/** Passkeys are added only by an account whose address is verified. */
export function requireVerifiedEmail(ctx: PasskeyCaller): void {
  if (!ctx.principal.emailVerified)
    throw new AppError('EMAIL_NOT_VERIFIED', {
      message: 'Verify your email address before adding a passkey',
    });
}
