import {
  NoInput,
  Ok,
  PasskeyAuthenticationOptions,
  PasskeyInfo,
  PasskeyList,
  PasskeyOptionsInput,
  PasskeyRef,
  PasskeyRegistrationOptions,
  PasskeySignInInput,
  RegisterPasskeyInput,
  RenamePasskeyInput,
  SignedIn,
} from '@gatehouse/shared';
import { procedure, publicProcedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { authenticationOptions } from './authentication-options';
import { deleteMyPasskey } from './delete-passkey';
import { listMyPasskeys } from './list-passkeys';
import { passkeySignIn } from './passkey-sign-in';
import { reauthenticationOptions } from './reauthentication-options';
import { registerPasskey } from './register-passkey';
import { registrationOptions } from './registration-options';
import { renameMyPasskey } from './rename-passkey';

/** The caller's passkeys (`account.passkeys.*`, docs/sign-in-methods.md#passkeys). */
export const accountPasskeysRouter = router({
  registrationOptions: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary:
        'Options for creating a passkey (for startRegistration): challenge bound to this ' +
        'session, once, 5 minutes',
    })
    .input(NoInput)
    .output(PasskeyRegistrationOptions)
    .mutation(({ ctx }) => registrationOptions(ctx)),
  register: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary:
        "Store a new passkey from the authenticator's answer (origin, RP ID and user " +
        'verification checked); mails the owner',
    })
    .input(RegisterPasskeyInput)
    .output(PasskeyInfo)
    .mutation(({ ctx, input }) => registerPasskey(ctx, input)),
  list: procedure
    .meta({ permission: 'self:read', summary: 'Your passkeys (never their keys)' })
    .input(NoInput)
    .output(PasskeyList)
    .query(({ ctx }) => listMyPasskeys(ctx)),
  rename: procedure
    .meta({ permission: 'self:write', summary: 'Rename one of your passkeys' })
    .input(RenamePasskeyInput)
    .output(PasskeyInfo)
    .mutation(({ ctx, input }) => renameMyPasskey(ctx, input)),
  delete: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary: 'Delete one of your passkeys; never the last way to sign in',
    })
    .input(PasskeyRef)
    .output(Ok)
    .mutation(({ ctx, input }) => deleteMyPasskey(ctx, input)),
  reauthenticationOptions: procedure
    .meta({
      permission: 'self:read',
      rate: 'auth',
      summary:
        'Options for a step-up by passkey (then auth.reauthenticate with passkey): your ' +
        'passkeys, a challenge bound to this session',
    })
    .input(NoInput)
    .output(PasskeyAuthenticationOptions)
    .mutation(({ ctx }) => reauthenticationOptions(ctx)),
});

/** Sign-in by passkey (`auth.passkey.*`). */
export const authPasskeyRouter = router({
  options: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Options for startAuthentication: usernameless sign-in, or with mfaChallenge the ' +
        "account's passkeys as second factor; bound to this browser, 5 minutes",
    })
    .input(PasskeyOptionsInput)
    .output(PasskeyAuthenticationOptions)
    .mutation(({ ctx, input }) => authenticationOptions(ctx, input)),
  signIn: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Sign in with a passkey (no password, no username): a session at level mfa; ' +
        'sets the session cookie',
    })
    .input(PasskeySignInInput)
    .output(SignedIn)
    .mutation(({ ctx, input }) => passkeySignIn(ctx, input)),
});
