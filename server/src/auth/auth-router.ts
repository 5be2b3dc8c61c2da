import {
  acceptInviteInputSchema,
  Accepted,
  bootstrapAdminInputSchema,
  BootstrapAdminResult,
  changePasswordInputSchema,
  Me,
  NoInput,
  Ok,
  ReauthenticateInput,
  RequestPasswordResetInput,
  resetPasswordInputSchema,
  SignInInput,
  SignedIn,
  SignInResult,
  signUpInputSchema,
  VerifyEmailInput,
  VerifyMfaInput,
} from '@gatehouse/shared';
import { bootstrapAdmin } from '../admin/bootstrap-admin';
import { acceptInvite } from './accept-invite';
import { procedure, publicProcedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { emailSignInRouter } from '../email-sign-in/email-sign-in-router';
import { providersRouter } from '../identity-providers/identity-providers-router';
import { authPasskeyRouter } from '../passkeys/passkeys-router';
import { changePassword } from './change-password';
import { reauthenticate } from '../mfa/reauthenticate';
import { verifyMfa } from '../mfa/verify-mfa';
import { me } from './me';
import { requestPasswordReset } from './request-password-reset';
import { resetPassword } from './reset-password';
import { signIn } from './sign-in';
import { signOut } from './sign-out';
import { signUp } from './sign-up';
import { verifyEmail } from './verify-email';

// The schemas accept any non-empty password; the configured minimum
// (PASSWORD_MIN_LENGTH, default 15) is enforced by the password policy, whose
// refusal names that minimum (a schema floor of 8 answered "Use at least 8
// characters" to a 5-character password while 15 were required).
const FLOOR = 1;

/** Accounts, passwords and the caller's own identity. */
export const authRouter = router({
  email: emailSignInRouter,
  providers: providersRouter,
  passkey: authPasskeyRouter,
  signUp: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary: 'Create an account (same answer whether or not the email exists)',
    })
    .input(signUpInputSchema(FLOOR))
    .output(Accepted)
    .mutation(({ ctx, input }) => signUp(ctx, input)),
  signIn: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary: 'Sign in with email and password; sets the session cookie',
    })
    .input(SignInInput)
    .output(SignInResult)
    .mutation(({ ctx, input }) => signIn(ctx, input)),
  verifyMfa: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Second sign-in step: a challenge plus a TOTP or recovery code; sets the session cookie',
    })
    .input(VerifyMfaInput)
    .output(SignedIn)
    .mutation(({ ctx, input }) => verifyMfa(ctx, input)),
  reauthenticate: procedure
    .meta({
      permission: 'self:read',
      rate: 'auth',
      summary: 'Prove the password or a TOTP code again to open step-up procedures',
    })
    .input(ReauthenticateInput)
    .output(Ok)
    .mutation(({ ctx, input }) => reauthenticate(ctx, input)),
  signOut: publicProcedure
    .meta({ public: true, rate: 'auth', summary: 'End the current session and clear the cookie' })
    .input(NoInput)
    .output(Ok)
    .mutation(({ ctx }) => signOut(ctx)),
  me: procedure
    .meta({ permission: 'self:read', summary: 'The caller and the current session' })
    .input(NoInput)
    .output(Me)
    .query(({ ctx }) => me(ctx)),
  changePassword: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary:
        'Change the password; signs out every other session and mails the owner ' +
        'the API keys still active',
    })
    .input(changePasswordInputSchema(FLOOR))
    .output(Ok)
    .mutation(({ ctx, input }) => changePassword(ctx, input)),
  requestPasswordReset: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary: 'Mail a reset link if the account exists (same answer either way)',
    })
    .input(RequestPasswordResetInput)
    .output(Accepted)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, input)),
  resetPassword: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Set a new password from a reset token (account recovery): revokes every session ' +
        'and API key, and a second factor enrolled before the email was verified',
    })
    .input(resetPasswordInputSchema(FLOOR))
    .output(Ok)
    .mutation(({ ctx, input }) => resetPassword(ctx, input)),
  verifyEmail: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary: 'Confirm the email address from a verification token',
    })
    .input(VerifyEmailInput)
    .output(Ok)
    .mutation(({ ctx, input }) => verifyEmail(ctx, input)),
  acceptInvite: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Set the first password of an account an administrator created, ' +
        'from the invitation token (verifies the email)',
    })
    .input(acceptInviteInputSchema(FLOOR))
    .output(Ok)
    .mutation(({ ctx, input }) => acceptInvite(ctx, input)),
  bootstrapAdmin: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Create (or promote) the first administrator with the one-time token ' +
        'the server logs on a database with no admin',
    })
    .input(bootstrapAdminInputSchema(FLOOR))
    .output(BootstrapAdminResult)
    .mutation(({ ctx, input }) => bootstrapAdmin(ctx, input)),
});
